/**
 * The machine-speed sentinel: a small fixed CPU workload, timed in the harness before every run.
 *
 * The same work takes the same time on the same machine at the same speed. When it does not, the
 * machine changed under the benchmark (a shared CI runner's neighbours, a laptop's clock scaling),
 * and so may every number measured beside it. The report keeps the time per run, its coefficient
 * of variation over the benchmark (the machine's own noise floor), and compare warns when two
 * reports' machines ran at speeds further apart than its threshold.
 */
import { performance } from 'node:perf_hooks';

/** What the workload is, named in the report so that only like is compared with like. */
export const SENTINEL_WORKLOAD = 'xorshift32 × 50000, median of 5';

const ITERATIONS = 50_000;
const REPETITIONS = 5;

/** The fixed work: integer arithmetic only, no allocation, no I/O; returns a checksum. */
export function sentinelWork(iterations: number = ITERATIONS): number {
  let x = 2463534242;
  let sum = 0;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    sum = (sum + (x >>> 0)) % 4294967291;
  }
  return sum;
}

/** The median of an odd-length list. */
function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1] as number;
}

let sink = 0;

/**
 * Times the workload: the median of five repetitions after one untimed one (which the JIT
 * compiles), so that one interruption does not count but a slower machine does. A few ms in all.
 */
export function timeSentinel(): number {
  sink ^= sentinelWork();
  const times: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const start = performance.now();
    sink ^= sentinelWork();
    times.push(performance.now() - start);
  }
  // Read, so the work cannot be optimised away.
  if (sink === -1) times.push(0);
  return Math.round(median(times) * 10_000) / 10_000;
}
