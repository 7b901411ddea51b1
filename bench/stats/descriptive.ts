/**
 * Pure statistics helpers for benchmark reports: descriptive statistics,
 * percentiles and Student's t distribution (CDF, quantile, confidence intervals).
 *
 * No I/O and no dependencies so the numbers in a report can be reproduced and
 * unit-tested against textbook tables without spinning up a benchmark.
 */

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

// Two-pass formula: numerically stable, unlike sum(x^2) - n*mean^2.
function sampleSdUnchecked(xs: readonly number[], m: number): number {
  let ss = 0;
  for (const x of xs) {
    const d = x - m;
    ss += d * d;
  }
  return Math.sqrt(ss / (xs.length - 1));
}

/** Arithmetic mean; throws RangeError on empty or non-finite input rather than returning NaN. */
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

// ---------------------------------------------------------------------------
// Special functions
// ---------------------------------------------------------------------------

// Lanczos approximation (g = 7, n = 9): ~15 significant digits for x > 0.
const LANCZOS_G = 7;
const LANCZOS_COEF = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
] as const;
const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

function lnGamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the series in its accurate range for small arguments.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS_COEF[0];
  for (let i = 1; i < LANCZOS_COEF.length; i++) {
    a += (LANCZOS_COEF[i] as number) / (z + i);
  }
  const t = z + LANCZOS_G + 0.5;
  return HALF_LN_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

// Remainder of Stirling's series, lnGamma(x) - [(x - 0.5) ln x - x + ln sqrt(2 pi)];
// truncation error is below 1e-16 for x >= 10.
const STIRLING_COEF = [
  1 / 12,
  -1 / 360,
  1 / 1260,
  -1 / 1680,
  1 / 1188,
  -691 / 360360,
  1 / 156,
] as const;

function stirlingCorrection(x: number): number {
  const r2 = 1 / (x * x);
  let acc = 0;
  for (let i = STIRLING_COEF.length - 1; i >= 0; i--) acc = (STIRLING_COEF[i] as number) + r2 * acc;
  return acc / x;
}

function lnBeta(a: number, b: number): number {
  const big = Math.max(a, b);
  const small = Math.min(a, b);
  if (big < 10) return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
  // For huge df, lnGamma(a) and lnGamma(a + b) are ~1e6-1e7 and nearly equal, so
  // subtracting them throws away ~9 digits; expanding the difference analytically
  // (log1p + Stirling corrections) keeps full precision.
  const lnGammaRatio =
    (big - 0.5) * Math.log1p(small / big) +
    small * Math.log(big + small) -
    small +
    stirlingCorrection(big + small) -
    stirlingCorrection(big);
  return lnGamma(small) - lnGammaRatio;
}

// Relative step below one ulp of 1 means further terms can no longer change the result.
const CF_EPS = Number.EPSILON;
const CF_TINY = 1e-300;
const CF_MAX_ITER = 100_000;

// Continued fraction for the incomplete beta (Numerical Recipes' betacf) evaluated
// with the modified Lentz method; converges in O(sqrt(max(a, b))) iterations.
// For huge a with x -> 1 (df ~ 1e6, moderate t) its terms nearly cancel, so the
// relative error grows roughly linearly with df (measured <= 5e-11 at df = 1e6,
// ~1e-15 for df <= 100); still far inside the ~1e-9 that reports need.
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < CF_TINY) d = CF_TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= CF_MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < CF_EPS) return h;
  }
  throw new Error(`betaContinuedFraction: no convergence for a=${a}, b=${b}, x=${x}`);
}

// Regularized incomplete beta I_x(a, b). Callers pass y = 1 - x and both logarithms
// because they can compute them without the cancellation (1 - x near x = 1) or
// underflow (x below 1e-308 in far tails) that deriving them here would incur.
function regIncBeta(a: number, b: number, x: number, y: number, lnX: number, lnY: number): number {
  if (lnX === Number.NEGATIVE_INFINITY) return 0;
  if (lnY === Number.NEGATIVE_INFINITY) return 1;
  const front = Math.exp(a * lnX + b * lnY - lnBeta(a, b));
  // The continued fraction converges fast only on this side of the mean; use the
  // symmetry I_x(a, b) = 1 - I_{1-x}(b, a) on the other.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(y, b, a)) / b;
}

function assertDf(df: number, fn: string): void {
  if (!(df > 0 && Number.isFinite(df)))
    throw new RangeError(`${fn}: df must be finite and > 0, got ${df}`);
}

// Upper tail P(T > |t|), computed directly so extreme tails keep relative precision
// instead of being lost in 1 - cdf.
function studentTUpperTail(t: number, df: number): number {
  const at = Math.abs(t);
  if (at === Infinity) return 0;
  // x = df / (df + t^2) and y = t^2 / (df + t^2), arranged so t^2 never overflows
  // and ln x stays finite even when x itself underflows.
  if (at > Math.sqrt(df)) {
    const s = df / at / at;
    // Prefer log(s): the difference of logs carries an absolute error that a = df/2
    // would amplify; it is only needed once s underflows.
    const lnS = s > 1e-300 ? Math.log(s) : Math.log(df) - 2 * Math.log(at);
    const ln1pS = Math.log1p(s);
    return 0.5 * regIncBeta(df / 2, 0.5, s / (1 + s), 1 / (1 + s), lnS - ln1pS, -ln1pS);
  }
  const s = (at * at) / df;
  const ln1pS = Math.log1p(s);
  return 0.5 * regIncBeta(df / 2, 0.5, 1 / (1 + s), s / (1 + s), -ln1pS, Math.log(s) - ln1pS);
}

/** Cumulative distribution function of Student's t distribution, valid for any real df > 0 (including Welch's fractional df). */
export function studentTCdf(t: number, df: number): number {
  assertDf(df, 'studentTCdf');
  if (Number.isNaN(t)) throw new RangeError('studentTCdf: t is NaN');
  const tail = studentTUpperTail(t, df);
  return t >= 0 ? 1 - tail : tail;
}

/** Inverse CDF of Student's t distribution, accurate to ~1e-11 relative or better; returns ±Infinity at p = 0 and p = 1. */
export function studentTQuantile(p: number, df: number): number {
  assertDf(df, 'studentTQuantile');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`studentTQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0.5) return 0;
  // Solve on the smaller tail: 1 - p is exact for p >= 0.5 (Sterbenz), and working
  // with the tail mass keeps precision for extreme p.
  const q = p < 0.5 ? p : 1 - p;
  const sign = p < 0.5 ? -1 : 1;
  if (q === 0) return sign * Infinity;
  // The tail is strictly decreasing in t >= 0, so bracket then bisect: slower than
  // Newton but cannot diverge for heavy-tailed small df.
  let lo = 0;
  let hi = 1;
  while (studentTUpperTail(hi, df) > q) {
    lo = hi;
    hi *= 2;
    if (hi === Infinity) return sign * Infinity;
  }
  for (let i = 0; i < 2000; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid === lo || mid === hi || hi - lo <= 1e-15 * hi) break;
    if (studentTUpperTail(mid, df) > q) lo = mid;
    else hi = mid;
  }
  return sign * (lo + (hi - lo) / 2);
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
