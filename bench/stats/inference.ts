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

/** The result of Welch's unequal-variance t-test of head against base. */
export interface WelchResult {
  /** head mean - base mean. */
  diff: number;
  /** Standard error of `diff`. */
  se: number;
  t: number;
  df: number;
  /** Two-sided. */
  p: number;
}

/**
 * Welch's t-test of two samples (no equal-variance assumption), with Welch–Satterthwaite
 * degrees of freedom.
 *
 * @throws {RangeError} when a side has fewer than 2 values.
 */
export function welchTest(base: readonly number[], head: readonly number[]): WelchResult {
  if (base.length < 2 || head.length < 2) throw new RangeError('welchTest: needs n >= 2 per side');
  const mb = mean(base);
  const mh = mean(head);
  const vb = (sampleSd(base) as number) ** 2 / base.length;
  const vh = (sampleSd(head) as number) ** 2 / head.length;
  const diff = mh - mb;
  const se = Math.sqrt(vb + vh);
  if (se === 0) {
    // Every run of both sides gave the same value: no noise, so a difference is certain.
    return {
      diff,
      se,
      t: diff === 0 ? 0 : Math.sign(diff) * Infinity,
      df: Infinity,
      p: diff === 0 ? 1 : 0,
    };
  }
  const df = (vb + vh) ** 2 / (vb ** 2 / (base.length - 1) + vh ** 2 / (head.length - 1));
  const t = diff / se;
  return { diff, se, t, df, p: Math.min(1, 2 * studentTCdf(-Math.abs(t), df)) };
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
 * speed at that moment) cancels out.
 *
 * @throws {RangeError} when the sides differ in length, or there are fewer than 2 pairs.
 */
export function pairedTTest(
  base: readonly number[],
  head: readonly number[],
  level = 0.95,
): PairedResult {
  if (base.length !== head.length) throw new RangeError('pairedTTest: sides differ in length');
  if (base.length < 2) throw new RangeError('pairedTTest: needs n >= 2 pairs');
  const d = base.map((b, i) => (head[i] as number) - b);
  const n = d.length;
  const df = n - 1;
  const m = mean(d);
  const sd = sampleSd(d) as number;
  const se = sd / Math.sqrt(n);
  if (se === 0) {
    // Every pair differed by the same amount: no noise, so a difference is certain.
    return {
      n,
      meanDiff: m,
      sd,
      se,
      t: m === 0 ? 0 : Math.sign(m) * Infinity,
      df,
      p: m === 0 ? 1 : 0,
      ci: [m, m],
    };
  }
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
 * mean ratio, with exp of the interval its interval.
 *
 * @throws {RangeError} as pairedTTest, and when a value is not positive.
 */
export function pairedLogRatioTest(
  base: readonly number[],
  head: readonly number[],
  level = 0.95,
): PairedResult {
  if ([...base, ...head].some((x) => !(x > 0)))
    throw new RangeError('pairedLogRatioTest: every value must be > 0');
  return pairedTTest(base.map(Math.log), head.map(Math.log), level);
}
