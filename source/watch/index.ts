export * from './snapshot.js';
export * from './changes.js';
export {fileSystemKind, type FsKind} from '../lock-file/file-system.js';
export * from './watcher.js';
