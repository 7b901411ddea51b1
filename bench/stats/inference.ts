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
 * so step² / 12 (Sheppard).
 */
export function roundingVariance(step: number): number {
  return (step * step) / 12;
}

/**
 * The variance rounding to `step` adds to the mean of `values`, on the scale `weight` gives
 * (1 for the values themselves; 1 / x² for their logarithms, by the delta method).
 *
 * Rounding errors average away only as far as the runs differ. Runs that read the same value
 * sit, most often, at about the same point inside that step (thirty runs of 1.7 ms all read 1):
 * their errors are one error, shared, and thirty of them know the mean no better than one does.
 * Runs that read different values have errors of their own. So the runs are grouped by the value
 * they read, each group's error taken as one, the groups' errors as independent: the variance is
 * step² / 12 · Σ (nₖ / n)² over the groups (a cluster sample's design effect with full
 * correlation inside a cluster, none across). Every run alike gives step² / 12, whatever n;
 * every run different gives Sheppard's step² / 12 / n. (Runs that differ by more than a step
 * already show their rounding in their spread, so that case counts it twice: a little caution,
 * of the size the per-run form always added.)
 */
export function meanRoundingVariance(
  values: readonly number[],
  step: number,
  weight: (x: number) => number = () => 1,
): number {
  if (!(step > 0) || values.length === 0) return 0;
  const groups = new Map<number, { count: number; weight: number }>();
  for (const x of values) {
    const key = Math.round(x / step);
    const g = groups.get(key) ?? { count: 0, weight: 0 };
    g.count += 1;
    g.weight += weight(x);
    groups.set(key, g);
  }
  const n = values.length;
  let share = 0;
  for (const g of groups.values()) share += (g.count / n) ** 2 * (g.weight / g.count);
  return roundingVariance(step) * share;
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
 * sample variance plus what rounding to its step adds to its mean (`meanRoundingVariance`: a
 * term that does not shrink with the runs when they read alike); the degrees of freedom
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
  const vBase = sb + meanRoundingVariance(base, steps.base);
  const vHead = sh + meanRoundingVariance(head, steps.head);
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
 * the mean difference, each side's as `meanRoundingVariance` gives it (runs that read alike
 * share one error); the df stay pairs - 1. Null when the standard error is 0 (unrounded values,
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
  return onDifferences(
    base.map((b, i) => (head[i] as number) - b),
    meanRoundingVariance(base, steps.base) + meanRoundingVariance(head, steps.head),
    level,
  );
}

/**
 * The one-sample t-test of differences `d` against 0, their mean carrying `rounding` variance
 * on top of what their spread shows. The added term is known, so by Welch–Satterthwaite it would
 * raise the df; like welchTest, they are capped at what the pairs give, n - 1.
 */
function onDifferences(d: number[], rounding: number, level: number): PairedResult | null {
  const n = d.length;
  const df = n - 1;
  const m = mean(d);
  const sd = sampleSd(d) as number;
  const se = Math.sqrt((sd * sd) / n + rounding);
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
 * step² / 12 / x² to its logarithm's variance (the delta method), shared by the runs that read
 * x as `meanRoundingVariance` says.
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
  const onLog = (x: number) => 1 / (x * x);
  return onDifferences(
    base.map((b, i) => Math.log(head[i] as number) - Math.log(b)),
    meanRoundingVariance(base, steps.base, onLog) + meanRoundingVariance(head, steps.head, onLog),
    level,
  );
}
