export * from './format.js';
export * from './errors.js';
export * from './fcntl.js';
export * from './kernel-wait.js';
export * from './layout.js';
export * from './lock-file.js';
export * from './probe.js';
export * from './verdict.js';
