export * from './snapshot.js';
export * from './changes.js';
export * from './fs-kind.js';
export * from './watcher.js';
