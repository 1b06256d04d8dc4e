export * from './store.js';
export * from './directory-store.js';
export * from './directory-pulse.js';
