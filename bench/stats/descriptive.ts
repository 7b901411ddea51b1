/**
 * Descriptive statistics of a sample: mean, standard deviation, percentiles, and the t-based
 * confidence interval of the mean that every summary in a report carries.
 *
 * No I/O and no dependencies so the numbers in a report can be reproduced and
 * unit-tested against textbook tables without spinning up a benchmark.
 */
import { studentTQuantile } from './student-t.ts';

/** Descriptive statistics of one sample; fields are null when the sample is too small to define them. */
export interface Summary {
  n: number;
  mean: number | null;
  sd: number | null;
  min: number | null;
  max: number | null;
  ci95: [number, number] | null;
}

// A NaN or Infinity in a sample means a measurement bug upstream; failing loudly
// beats publishing a report full of NaN.
function assertFinite(xs: readonly number[], fn: string): void {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    if (!Number.isFinite(x)) {
      throw new RangeError(`${fn}: non-finite value ${x} at index ${i}`);
    }
  }
}

// Assumes finiteness was already checked; Neumaier-compensated so that large
// samples of similar latencies don't accumulate rounding error.
function sum(xs: readonly number[]): number {
  let s = 0;
  let c = 0;
  for (const x of xs) {
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + c;
}

function meanUnchecked(xs: readonly number[]): number {
  return sum(xs) / xs.length;
}

// Two-pass formula: numerically stable, unlike sum(x^2) - n*mean^2. A sample of equal values
// has sd exactly 0: its computed mean can be off by an ulp (181.503 three times averages to
// 181.50300000000001), which gave an sd of 3e-14, and compare a p of 6e-58 where its rule for a
// zero standard error (no noise to test against) should have held.
function sampleSdUnchecked(xs: readonly number[], m: number): number {
  if (xs.every((x) => x === xs[0])) return 0;
  let ss = 0;
  for (const x of xs) {
    const d = x - m;
    ss += d * d;
  }
  return Math.sqrt(ss / (xs.length - 1));
}

/** Arithmetic mean; throws RangeError on empty or non-finite input rather than returning NaN. */
/** The least-squares slope of y on x over paired points; null when there are none or x does not vary. */
export function slope(points: readonly (readonly [number, number])[]): number | null {
  const n = points.length;
  if (n === 0) return null;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
  }
  return sxx === 0 ? null : sxy / sxx;
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('mean: empty input');
  assertFinite(xs, 'mean');
  return meanUnchecked(xs);
}

/** Sample standard deviation (Bessel-corrected, n - 1), or null when n < 2. */
export function sampleSd(xs: readonly number[]): number | null {
  assertFinite(xs, 'sampleSd');
  if (xs.length < 2) return null;
  return sampleSdUnchecked(xs, meanUnchecked(xs));
}

/** Percentile p in [0, 100] of an ascending-sorted sample, interpolating linearly between closest ranks like numpy's default. */
export function percentile(sortedAsc: readonly number[], p: number): number {
  const n = sortedAsc.length;
  if (n === 0) throw new RangeError('percentile: empty input');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`);
  // An unsorted input would silently yield a wrong answer; the O(n) check is
  // cheap next to the sort the caller already paid for. `!(a <= b)` also rejects NaN.
  for (let i = 1; i < n; i++) {
    if (!((sortedAsc[i - 1] as number) <= (sortedAsc[i] as number))) {
      throw new RangeError(
        `percentile: input not sorted ascending (or contains NaN) at index ${i}`,
      );
    }
  }
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const lower = sortedAsc[lo] as number;
  if (lo >= n - 1) return lower;
  const upper = sortedAsc[lo + 1] as number;
  return lower + (h - lo) * (upper - lower);
}

// Shared by confidenceInterval and summarize so the mean and sd are computed once.
function ciUnchecked(m: number, sd: number, n: number, level: number): [number, number] {
  const half = (studentTQuantile((1 + level) / 2, n - 1) * sd) / Math.sqrt(n);
  return [m - half, m + half];
}

/** Two-sided t-based confidence interval for the mean at the given level, or null when n < 2. */
export function confidenceInterval(xs: readonly number[], level = 0.95): [number, number] | null {
  if (!(level > 0 && level < 1))
    throw new RangeError(`confidenceInterval: level must be in (0, 1), got ${level}`);
  assertFinite(xs, 'confidenceInterval');
  const n = xs.length;
  if (n < 2) return null;
  const m = meanUnchecked(xs);
  return ciUnchecked(m, sampleSdUnchecked(xs, m), n, level);
}

/** Count, mean, sample sd, min, max and 95% CI of a sample; throws RangeError on non-finite values. */
export function summarize(xs: readonly number[]): Summary {
  assertFinite(xs, 'summarize');
  const n = xs.length;
  if (n === 0) return { n: 0, mean: null, sd: null, min: null, max: null, ci95: null };
  // A loop rather than Math.min(...xs): spreading a large sample overflows the call stack.
  let min = Infinity;
  let max = -Infinity;
  for (const x of xs) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const m = meanUnchecked(xs);
  if (n === 1) return { n, mean: m, sd: null, min, max, ci95: null };
  const sd = sampleSdUnchecked(xs, m);
  return { n, mean: m, sd, min, max, ci95: ciUnchecked(m, sd, n, 0.95) };
}

/** Coefficient of variation sd / mean (signed like the mean), or null when n < 2 or the mean is 0. */
export function coefficientOfVariation(xs: readonly number[]): number | null {
  assertFinite(xs, 'coefficientOfVariation');
  if (xs.length < 2) return null;
  const m = meanUnchecked(xs);
  if (m === 0) return null;
  return sampleSdUnchecked(xs, m) / m;
}
