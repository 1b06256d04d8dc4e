// One clock for events and measurements: CLOCK_MONOTONIC in ms (process.hrtime), which is
// comparable across processes on one host.
import process from 'node:process';

export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;
