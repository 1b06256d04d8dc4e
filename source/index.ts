// The engine without a screen, for scripts: probe and decode the file, run nodes, watch.
export * from './lock-file/index.js';
export * from './node-manager/index.js';
export * from './watch/index.js';
