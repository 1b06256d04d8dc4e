export * from './types.js';
export * from './labels.js';
export * from './policy.js';
export * from './event-log.js';
export * from './session.js';
