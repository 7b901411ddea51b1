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
 * The due times of one window, in ms from its start, ascending, all in [0, durationMs). Uniform:
 * the first at 0, each next one a gap later. Poisson: the first a drawn gap after the start, as
 * every other: a first request fixed at 0 added one to every window's mean (11 where 10 a second
 * were offered for a second). A window the draw leaves empty gets one request, at a uniform time
 * in it: a step with nothing due would measure nothing (it adds e^(−rate × length) to the mean:
 * 0.00005 of a request at 10 a second for a second).
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
  // 1 − u is in (0, 1]: the logarithm stays finite.
  const gap = () => -Math.log(1 - random()) * meanGapMs;
  for (let at = gap(); at < durationMs; at += gap()) due.push(at);
  if (due.length === 0) due.push(random() * durationMs);
  return due;
}
