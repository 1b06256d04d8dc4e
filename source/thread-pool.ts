// Each waiting in-process node parks one libuv pool thread in a blocking fcntl (see
// lock-file/kernel-wait.ts). Give the pool room before anything starts it; libuv reads this
// once, lazily, at first use. Imported first by cli.tsx.
import process from 'node:process';

process.env.UV_THREADPOOL_SIZE ??= '16';
