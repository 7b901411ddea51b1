/**
 * Inference on two samples of per-run values: Welch's t-test, Fieller's interval for the ratio
 * of their means, Holm's correction over many tests, significance stars, and the smallest change
 * a test could detect. Pure; compare applies them to reports.
 */
import { mean, sampleSd } from './descriptive.ts';
import { studentTCdf, studentTQuantile } from './student-t.ts';

/** `***` p < 0.001, `**` p < 0.01, `*` p < 0.05 (on the Holm-adjusted p), else ''. */
export type Stars = '' | '*' | '**' | '***';

/** The power at which minDetectableChange is quoted. */
export const DETECTION_POWER = 0.8;

/**
 * How finely each side's values were recorded: the step they are rounded to (autocannon's whole
 * milliseconds: 1), or 0 for values kept as measured.
 */
export interface Steps {
  base: number;
  head: number;
}

const UNROUNDED: Steps = { base: 0, head: 0 };

/**
 * The variance rounding to `step` adds to each value: the error is spread evenly over one step,
 * so step² / 12 (Sheppard). Runs that all read the same whole millisecond still differ by up to
 * one, and this is what keeps their mean from passing for exact.
 */
export function roundingVariance(step: number): number {
  return (step * step) / 12;
}

/** The result of Welch's unequal-variance t-test of head against base. */
export interface WelchResult {
  /** head mean - base mean. */
  diff: number;
  /** Standard error of `diff`. */
  se: number;
  /** The squared standard errors of the base and head means, rounding included. */
  vBase: number;
  vHead: number;
  t: number;
  df: number;
  /** Two-sided. */
  p: number;
}

/**
 * Welch's t-test of two samples (no equal-variance assumption). Each side's variance is its
 * sample variance plus what rounding to its step adds (`roundingVariance`); the degrees of freedom
 * are Welch–Satterthwaite's, in which that known term carries no uncertainty of its own, capped
 * at nBase + nHead - 2: a known term adds no runs, so the df never exceeds what the runs
 * themselves give. Null when the standard error is 0 (unrounded values, every run of both sides
 * alike): there is no noise to test a difference against, and no p-value to give.
 *
 * @throws {RangeError} when a side has fewer than 2 values.
 */
export function welchTest(
  base: readonly number[],
  head: readonly number[],
  steps: Steps = UNROUNDED,
): WelchResult | null {
  if (base.length < 2 || head.length < 2) throw new RangeError('welchTest: needs n >= 2 per side');
  const nb = base.length;
  const nh = head.length;
  const sb = (sampleSd(base) as number) ** 2 / nb;
  const sh = (sampleSd(head) as number) ** 2 / nh;
  const vBase = sb + roundingVariance(steps.base) / nb;
  const vHead = sh + roundingVariance(steps.head) / nh;
  const diff = mean(head) - mean(base);
  const se = Math.sqrt(vBase + vHead);
  if (se === 0) return null;
  const estimated = sb ** 2 / (nb - 1) + sh ** 2 / (nh - 1);
  const satterthwaite = estimated === 0 ? Infinity : (vBase + vHead) ** 2 / estimated;
  const df = Math.min(nb + nh - 2, satterthwaite);
  const t = diff / se;
  return { diff, se, vBase, vHead, t, df, p: Math.min(1, 2 * studentTCdf(-Math.abs(t), df)) };
}

/**
 * Fieller's 95% (or `level`) interval for the ratio head mean / base mean of two independent
 * samples, with squared standard errors `vBase`, `vHead` and `df` degrees of freedom. Unlike the
 * delta method it is asymmetric, as a ratio's uncertainty is; null when unbounded (the base
 * mean is not clearly away from 0).
 */
export function fiellerRatioInterval(
  meanBase: number,
  vBase: number,
  meanHead: number,
  vHead: number,
  df: number,
  level = 0.95,
): [number, number] | null {
  if (meanBase === 0) return null;
  const t = Number.isFinite(df) ? studentTQuantile((1 + level) / 2, df) : 0;
  const g = (t * t * vBase) / (meanBase * meanBase);
  if (g >= 1) return null;
  const r = meanHead / meanBase;
  const half = (t / Math.abs(meanBase)) * Math.sqrt(vHead + r * r * vBase - g * vHead);
  return [(r - half) / (1 - g), (r + half) / (1 - g)];
}

/** Holm's step-down adjustment: controls the family-wise error rate; same order as `ps`. */
export function holm(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

export function stars(p: number | null): Stars {
  if (p === null) return '';
  if (p < 0.001) return '***';
  if (p < 0.01) return '**';
  if (p < 0.05) return '*';
  return '';
}

/**
 * The smallest |relative change| a two-sided Welch test at `alpha` finds with `power`, given
 * the standard error and df observed: (t_{1-alpha/2} + t_{power}) · se / |base mean|.
 */
export function minDetectableChange(
  se: number,
  df: number,
  meanBase: number,
  alpha: number,
  power = DETECTION_POWER,
): number | null {
  if (meanBase === 0) return null;
  const tq = (p: number) => (Number.isFinite(df) ? studentTQuantile(p, df) : 0);
  return ((tq(1 - alpha / 2) + tq(power)) * se) / Math.abs(meanBase);
}

/** The result of a paired t-test: a one-sample t-test of the per-pair differences against 0. */
export interface PairedResult {
  /** Pairs used. */
  n: number;
  /** Mean per-pair difference, head - base (of logarithms, for the log-ratio test). */
  meanDiff: number;
  /** Sample standard deviation of the differences. */
  sd: number;
  /** Standard error of `meanDiff`. */
  se: number;
  t: number;
  df: number;
  /** Two-sided. */
  p: number;
  /** The interval of `meanDiff` at the level asked (95% by default). */
  ci: [number, number];
}

/**
 * Student's paired t-test of `head` against `base`, pair i being base[i] and head[i]: it tests
 * the mean of the differences against 0, so what both members of a pair share (the machine's
 * speed at that moment) cancels out. Values rounded to `steps` add their rounding's variance to
 * each difference; the df stay pairs - 1. Null when the standard error is 0 (unrounded values,
 * every pair differing by the same amount): there is no noise to test against.
 *
 * @throws {RangeError} when the sides differ in length, or there are fewer than 2 pairs.
 */
export function pairedTTest(
  base: readonly number[],
  head: readonly number[],
  level = 0.95,
  steps: Steps = UNROUNDED,
): PairedResult | null {
  if (base.length !== head.length) throw new RangeError('pairedTTest: sides differ in length');
  if (base.length < 2) throw new RangeError('pairedTTest: needs n >= 2 pairs');
  const rounding = roundingVariance(steps.base) + roundingVariance(steps.head);
  return onDifferences(
    base.map((b, i) => (head[i] as number) - b),
    base.map(() => rounding),
    level,
  );
}

/**
 * The one-sample t-test of differences `d` against 0, each with `added` variance from rounding
 * on top of what their spread shows. The added term is known, so by Welch–Satterthwaite it would
 * raise the df; like welchTest, they are capped at what the pairs give, n - 1.
 */
function onDifferences(d: number[], added: number[], level: number): PairedResult | null {
  const n = d.length;
  const df = n - 1;
  const m = mean(d);
  const sd = sampleSd(d) as number;
  const se = Math.sqrt((sd * sd + mean(added)) / n);
  if (se === 0) return null;
  const t = m / se;
  const half = studentTQuantile((1 + level) / 2, df) * se;
  return {
    n,
    meanDiff: m,
    sd,
    se,
    t,
    df,
    p: Math.min(1, 2 * studentTCdf(-Math.abs(t), df)),
    ci: [m - half, m + half],
  };
}

/**
 * The paired t-test on the per-pair log ratios ln(head / base): a multiplicative change (10%
 * slower) is one shift on this scale whatever the level, and exp of the mean is the geometric
 * mean ratio, with exp of the interval its interval. A value x rounded to a step adds
 * step² / 12 / x² to its logarithm's variance (the delta method).
 *
 * @throws {RangeError} as pairedTTest, and when a value is not positive.
 */
export function pairedLogRatioTest(
  base: readonly number[],
  head: readonly number[],
  level = 0.95,
  steps: Steps = UNROUNDED,
): PairedResult | null {
  if ([...base, ...head].some((x) => !(x > 0)))
    throw new RangeError('pairedLogRatioTest: every value must be > 0');
  if (base.length !== head.length) throw new RangeError('pairedTTest: sides differ in length');
  if (base.length < 2) throw new RangeError('pairedTTest: needs n >= 2 pairs');
  const qb = roundingVariance(steps.base);
  const qh = roundingVariance(steps.head);
  return onDifferences(
    base.map((b, i) => Math.log(head[i] as number) - Math.log(b)),
    base.map((b, i) => qb / (b * b) + qh / (head[i] as number) ** 2),
    level,
  );
}
