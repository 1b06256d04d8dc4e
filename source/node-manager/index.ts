export * from './node-manager.js';
export * from './file-lock-node-manager.js';
export * from './in-memory-node-manager.js';
export * from './ha-node.js';
