/**
 * When the open-model generator's requests are due (open-load-worker.ts sends them). Pure: a
 * window's due times are a function of the arrivals, the rate, the length and the seed, so a
 * sweep run again with the same seed offers the server the very same arrivals.
 *
 * - `uniform`: one every 1/rate s, as wrk2 sends.
 * - `poisson`: independent arrivals, gaps drawn from the exponential distribution of mean
 *   1/rate s: the arrivals the M/D/1 prediction assumes, bursts and lulls included.
 */
import type { Arrivals } from '../../sweep/types.ts';

/**
 * A seeded PRNG (mulberry32): uniform in [0, 1), the same sequence for the same seed. Small and
 * fast enough to draw thousands of gaps a second on the generator's thread.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The due times of one window, in ms from its start, ascending, all in [0, durationMs): the
 * first is due at 0 (the window opens with it), each next one a gap later.
 */
export function dueTimes(
  arrivals: Arrivals,
  ratePerSec: number,
  durationMs: number,
  seed = 1,
): number[] {
  if (!(ratePerSec > 0) || !Number.isFinite(ratePerSec))
    throw new RangeError(`dueTimes: the rate must be a positive number, got ${ratePerSec}`);
  const meanGapMs = 1000 / ratePerSec;
  const due: number[] = [];
  if (arrivals === 'uniform') {
    // k × gap, not a running sum: no rounding error piles up over a long window.
    for (let k = 0; k * meanGapMs < durationMs; k++) due.push(k * meanGapMs);
    return due;
  }
  const random = seededRandom(seed);
  for (let at = 0; at < durationMs; ) {
    due.push(at);
    // 1 − u is in (0, 1]: the logarithm stays finite.
    at += -Math.log(1 - random()) * meanGapMs;
  }
  return due;
}
