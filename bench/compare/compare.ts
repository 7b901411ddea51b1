/**
 * Comparing two reports: the statistics and the verdicts behind `looplab compare`, the CI gate
 * and the HTML report. Pure: reports in, a Comparison out; formatting lives in render/compare.ts.
 *
 * Per scenario, variant and metric: Welch's t-test on the per-run values (the runs of each side
 * need not share a variance), the relative change with a 95% Fieller interval, and Holm's
 * correction over every test in the comparison, so that "any regression" keeps its false-alarm
 * rate at alpha however many metrics are compared. A regression must be significant after that
 * correction *and* larger than the threshold: shared CI runners are noisy, and a real 2% change
 * is rarely worth a red build.
 *
 * autocannon's latencies are whole milliseconds: each side carries that rounding's variance
 * (inference.ts, meanRoundingVariance), so runs that all read alike are never taken for exact;
 * no verdict is given that some placing of the values inside their steps would reverse
 * (rounding.ts); and whole milliseconds set against µs are read at the middle of their step
 * (rounded down, they read low).
 */
import { formatNumber, formatPct, plural, signedPct } from '../../core/numbers.ts';
import { environmentDifferences, optionDifferences, sentinelMeans } from '../report/comparable.ts';
import { stopText } from '../report/merge.ts';
import { isJudged, METRICS, type MetricName, type MetricSpec } from '../report/metrics.ts';
import { entryResolution, mixesWholeMs, resolutionOf, roundedDown } from '../report/resolution.ts';
import type { CompletedRun, Report, ResultEntry } from '../report/types.ts';
import { mean, sampleSd } from '../stats/descriptive.ts';
import {
  fiellerRatioInterval,
  holm,
  minDetectableChange,
  type PairedResult,
  pairedLogRatioTest,
  pairedTTest,
  type Stars,
  type Steps,
  stars,
  welchTest,
} from '../stats/inference.ts';
import { DEFAULT_ALPHA, DEFAULT_COMPARE_METRICS, DEFAULT_THRESHOLD } from './defaults.ts';
import {
  type RoundingRange,
  rangeAgainst,
  roundingRange,
  type Slack,
  slackOf,
} from './rounding.ts';

/** What a comparison says of one metric. */
export type Verdict =
  /**
   * Worse, significantly (after Holm) and by more than the threshold, even with rounded values
   * anywhere in their steps.
   */
  | 'regression'
  /** Better, significantly (after Holm) and by more than the threshold. */
  | 'improvement'
  /**
   * Either not significant with the whole 95% interval inside ±threshold, or significant but
   * smaller than the threshold; for rounded values, within it even at the ends of their steps.
   */
  | 'no-change'
  /**
   * Too few runs, no relative change (a zero base), no noise to test against (every run of both
   * sides alike, in values not rounded), too noisy to rule out a change beyond the threshold, or
   * held by rounding: with the values anywhere in their steps, the change could be within the
   * threshold as well as beyond it.
   */
  | 'inconclusive'
  /** Shown, not judged: a total over the window (CPU user, CPU system), which grows with the work served. */
  | 'not-judged';

/** Fewer completed runs than this on either side gives a warning, never a verdict. */
export const MIN_RUNS = 3;

export interface CompareOptions {
  /** Significance level for the Holm-adjusted p-values; default 0.05. */
  alpha?: number;
  /** Smallest relative change that counts, as a fraction (0.1 = 10%); default 0.1. */
  threshold?: number;
  /** Per-metric thresholds (fractions) that override `threshold`. */
  thresholds?: Partial<Record<MetricName, number>>;
  /** The metrics to compare; default DEFAULT_COMPARE_METRICS. */
  metrics?: readonly MetricName[];
  /**
   * The two reports are the two sides of one benchmark whose runs of the same number ran side by
   * side in time (`bench --cmd A --vs-cmd B`): test the per-pair ratios, which cancels the
   * machine's drift, instead of the two samples as independent.
   */
  paired?: boolean;
}

/**
 * Which test a row used: Welch's on two independent samples; the paired t-test on the per-pair
 * log ratios; or, for a metric with a 0 in a pair (no ratio), on the per-pair differences.
 */
export type TestName = 'welch' | 'paired-log-ratio' | 'paired-difference';

/** One side's sample of a metric: its completed runs with a value. */
export interface SideStats {
  /** Runs used: completed runs that measured the metric (failed runs and nulls are left out). */
  n: number;
  mean: number | null;
  /** Sample standard deviation (n - 1); null when n < 2. */
  sd: number | null;
  /**
   * The step the values were recorded in (1: autocannon's whole milliseconds), whose rounding
   * variance the test adds; 0 for values kept as measured.
   */
  resolution: number;
}

/** One row of a comparison: one metric of one scenario variant. */
export interface MetricComparison {
  scenario: string;
  variant: string;
  metric: MetricName;
  unit: MetricSpec['unit'];
  better: MetricSpec['better'];
  base: SideStats;
  head: SideStats;
  /** Relative change of the means, (head - base) / base; null when base's mean is 0 or a side has no data. */
  change: number | null;
  /** 95% interval of `change` (Fieller's, Welch df); null when unbounded or undefined. */
  changeCi95: [number, number] | null;
  /** The test behind `p`; null without one (fewer than 2 runs, or pairs, on a side). */
  test: TestName | null;
  /** Degrees of freedom (Welch–Satterthwaite's, or pairs - 1); null without a t-test. */
  df: number | null;
  /** Two-sided p-value of the test; null when either side has fewer than 2 runs. */
  p: number | null;
  /** `p` after Holm's step-down correction over every test in the comparison. */
  pAdjusted: number | null;
  stars: Stars;
  /** The threshold (fraction) this metric was judged against. */
  threshold: number;
  /**
   * Smallest relative change this data would find significant with 80% power, at the
   * alpha / tests that Holm asks of a lone change; null without a t-test or with a zero base.
   */
  minDetectableChange: number | null;
  /**
   * What rounding leaves open: the difference and the change with every value anywhere in its
   * step (rounding.ts); null for values kept as measured, whose change is known as measured.
   */
  rounding: RoundingRange | null;
  verdict: Verdict;
  /** Why the verdict, in a few words. */
  reason: string;
}

/** A scenario variant, as found in a report. */
export interface VariantKey {
  scenario: string;
  variant: string;
}

/** The whole comparison of two reports. */
export interface Comparison {
  alpha: number;
  /** Welch's t-test on independent runs, or the paired t-test on runs side by side in time. */
  test: 'welch' | 'paired';
  correction: 'holm';
  /** How many p-values Holm's correction covered. */
  tests: number;
  rows: MetricComparison[];
  /** Scenario variants only the base report has. */
  onlyInBase: VariantKey[];
  /** Scenario variants only the head report has. */
  onlyInHead: VariantKey[];
  /** Too few runs, failed runs left out, differing environments, options or parameters. */
  warnings: string[];
  /** Rows whose verdict is 'regression'. */
  regressions: MetricComparison[];
}

/**
 * A run's value of `metric`, with `midStep` read at the middle of its step when it was rounded
 * down: autocannon's 1 ms means 1 to 2 ms, 1.5 on average, where a value timed to the µs is
 * centred already. Null when the run did not measure it.
 */
function runValue(run: CompletedRun, metric: MetricName, midStep: boolean): number | null {
  const x = run[metric];
  if (x === null) return null;
  return midStep && roundedDown(run, metric) ? x + resolutionOf(run, metric) / 2 : x;
}

/** A side's completed runs that measured `metric`: failed runs and nulls are left out. */
function measuredRuns(entry: ResultEntry, metric: MetricName): CompletedRun[] {
  return entry.runs.flatMap((r) => (r.state === 'completed' && r[metric] !== null ? [r] : []));
}

/** The values of runs that measured `metric`, as compared. */
const valuesOfRuns = (runs: readonly CompletedRun[], metric: MetricName, midStep: boolean) =>
  runs.map((r) => runValue(r, metric, midStep) as number);

function sideStats(xs: readonly number[], resolution: number): SideStats {
  return { n: xs.length, mean: xs.length > 0 ? mean(xs) : null, sd: sampleSd(xs), resolution };
}

const keyOf = (e: VariantKey) => `${e.scenario}\u0000${e.variant}`;

/** What a test says of a row, on the scale compare reports: the relative change. */
export interface RowTest {
  name: TestName;
  p: number;
  df: number;
  /** (head - base) / base, or the geometric mean ratio - 1 for the log-ratio test. */
  change: number | null;
  changeCi95: [number, number] | null;
  /** The smallest relative change it would find with 80% power at `alpha`. */
  detectable(alpha: number): number | null;
}

/** A row before Holm: everything but the adjusted p and what follows from it. */
interface RawRow {
  scenario: string;
  variant: string;
  metric: MetricName;
  base: number[];
  head: number[];
  steps: Steps;
  test: RowTest | null;
  rounding: RoundingRange | null;
  /** Why the values are not as the reports hold them, when they are not. */
  note: string | null;
}

/** Welch's test of two sides, on the relative change; null with fewer than 2 values a side or no noise. */
export function welchRow(b: number[], h: number[], steps: Steps): RowTest | null {
  if (b.length < 2 || h.length < 2) return null;
  const w = welchTest(b, h, steps);
  if (w === null) return null;
  const mb = mean(b);
  const mh = mean(h);
  const ratioCi = fiellerRatioInterval(mb, w.vBase, mh, w.vHead, w.df);
  return {
    name: 'welch',
    p: w.p,
    df: w.df,
    change: mb !== 0 ? (mh - mb) / mb : null,
    changeCi95: ratioCi ? [ratioCi[0] - 1, ratioCi[1] - 1] : null,
    detectable: (alpha) => minDetectableChange(w.se, w.df, mb, alpha),
  };
}

function pairedRow(b: number[], h: number[], steps: Steps): RowTest | null {
  if (b.length < 2) return null;
  if ([...b, ...h].every((x) => x > 0)) {
    const t: PairedResult | null = pairedLogRatioTest(b, h, 0.95, steps);
    if (t === null) return null;
    return {
      name: 'paired-log-ratio',
      p: t.p,
      df: t.df,
      change: Math.expm1(t.meanDiff),
      changeCi95: [Math.expm1(t.ci[0]), Math.expm1(t.ci[1])],
      detectable: (alpha) => {
        const d = minDetectableChange(t.se, t.df, 1, alpha);
        return d === null ? null : Math.expm1(d);
      },
    };
  }
  const t = pairedTTest(b, h, 0.95, steps);
  if (t === null) return null;
  const mb = mean(b);
  return {
    name: 'paired-difference',
    p: t.p,
    df: t.df,
    change: mb !== 0 ? t.meanDiff / mb : null,
    changeCi95: mb !== 0 ? [t.ci[0] / Math.abs(mb), t.ci[1] / Math.abs(mb)] : null,
    detectable: (alpha) => minDetectableChange(t.se, t.df, mb, alpha),
  };
}

/** The runs with the same number that both sides measured, side by side. */
function pairedRuns(
  base: ResultEntry,
  head: ResultEntry,
  metric: MetricName,
): [CompletedRun[], CompletedRun[]] {
  const headRuns = new Map(measuredRuns(head, metric).map((r) => [r.run, r]));
  const b: CompletedRun[] = [];
  const h: CompletedRun[] = [];
  for (const r of measuredRuns(base, metric)) {
    const other = headRuns.get(r.run);
    if (other === undefined) continue;
    b.push(r);
    h.push(other);
  }
  return [b, h];
}

/** The raw figure of each lag percentile corrected for coordinated omission (schema version 2). */
const RAW_LAG: Partial<Record<MetricName, MetricName>> = {
  lagP50Ms: 'lagRawP50Ms',
  lagP99Ms: 'lagRawP99Ms',
};

/** A side that measured a lag percentile raw only (a version-1 report). */
const rawLagOnly = (e: ResultEntry, metric: MetricName, raw: MetricName) =>
  measuredRuns(e, metric).length === 0 && measuredRuns(e, raw).length > 0;

/**
 * The metrics one pair of entries is compared on: a corrected lag percentile becomes its raw one
 * when either side measured it raw only, so raw is never set against corrected; with the raw one
 * already asked for, it is left out. Also says, per metric swapped, why.
 */
function metricsOfPair(
  base: ResultEntry,
  head: ResultEntry,
  metrics: readonly MetricName[],
): { metrics: MetricName[]; notes: string[] } {
  const notes: string[] = [];
  const chosen = metrics.flatMap((m) => {
    const raw = RAW_LAG[m];
    if (!raw) return [m];
    const side = rawLagOnly(base, m, raw) ? 'base' : rawLagOnly(head, m, raw) ? 'head' : null;
    if (side === null) return [m];
    notes.push(
      `${base.scenario} ${base.variant}: ${side} has ${METRICS[m].label} raw only (a version-1 ` +
        `report, before lag was corrected for coordinated omission): compared on ${raw}, raw ` +
        'against raw, never against the corrected figure',
    );
    return metrics.includes(raw) ? [] : [raw];
  });
  return { metrics: chosen, notes };
}

/**
 * Rounding down reads low by half a step on average, which cancels when both sides are rounded
 * alike but not when whole milliseconds meet µs: then 1 ms against 1.6 ms reads +60% where the
 * middles give +7%. The whole milliseconds are read at the middle of their step, which is their
 * expected value when the true figure is anywhere in it; where in it is left uncertain, and the
 * test carries that (step² / 12, meanRoundingVariance). Refusing the metric instead would lose
 * the comparison of an old report with a new one on its headline latency.
 */
function midStepNote(base: ResultEntry, head: ResultEntry, metric: MetricName): string {
  const side = (e: ResultEntry) =>
    e.runs.some((r) => r.state === 'completed' && r[metric] !== null && roundedDown(r, metric));
  const sides = [side(base) && 'base', side(head) && 'head'].filter(Boolean).join(' and ');
  const half = Math.max(entryResolution(base, metric), entryResolution(head, metric)) / 2;
  return (
    `${base.scenario} ${base.variant}: ${METRICS[metric].label} of ${sides} is autocannon's ` +
    'whole milliseconds, rounded down, set against latencies timed to the µs: each whole-ms ' +
    `value is read at the middle of its step (+${half} ms), as rounding down reads half a step low`
  );
}

function rawRow(base: ResultEntry, head: ResultEntry, metric: MetricName, paired: boolean): RawRow {
  const midStep = mixesWholeMs([base, head], metric);
  const [bRuns, hRuns] = paired
    ? pairedRuns(base, head, metric)
    : [measuredRuns(base, metric), measuredRuns(head, metric)];
  const b = valuesOfRuns(bRuns, metric, midStep);
  const h = valuesOfRuns(hRuns, metric, midStep);
  const slacks = (runs: CompletedRun[]): Slack[] => runs.map((r) => slackOf(r, metric, midStep));
  const steps = { base: entryResolution(base, metric), head: entryResolution(head, metric) };
  // A total over the window is shown, never tested: it takes no part in Holm's correction.
  const judged = isJudged(metric);
  const test = !judged ? null : paired ? pairedRow(b, h, steps) : welchRow(b, h, steps);
  return {
    scenario: base.scenario,
    variant: base.variant,
    metric,
    base: b,
    head: h,
    steps,
    test,
    rounding: roundingRange(b, h, slacks(bRuns), slacks(hRuns), test?.name === 'paired-log-ratio'),
    note: midStep ? midStepNote(base, head, metric) : null,
  };
}

/**
 * The range a row's change could take with its values anywhere in their steps; for values kept
 * as measured, the change itself.
 */
function changeRange(
  row: Pick<MetricComparison, 'change' | 'rounding'>,
): [number, number | null] | null {
  if (row.rounding === null) return row.change === null ? null : [row.change, row.change];
  return row.rounding.change;
}

/**
 * What a verdict reads of a row, whatever was measured: a bench metric, or a sweep's knee or SLO
 * rate (sweeps.ts). `judged` false: shown, never tested.
 */
export type Judgeable = Pick<
  MetricComparison,
  'better' | 'base' | 'head' | 'change' | 'changeCi95' | 'pAdjusted' | 'threshold' | 'rounding'
> & { judged: boolean; unit: string };

/** How a row's reason names what rounded its values: a clock's step, or a sweep's rate grid. */
export interface RoundingWords {
  /** `held by rounding` */
  held: string;
  /** `with each value anywhere in its step` */
  anywhere: string;
}

const CLOCK_WORDS: RoundingWords = {
  held: 'held by rounding',
  anywhere: 'with each value anywhere in its step',
};

const judgeable = (row: Omit<MetricComparison, 'verdict' | 'reason'>): Judgeable => ({
  ...row,
  judged: isJudged(row.metric),
});

/**
 * Whether rounding alone holds a row's verdict: enough runs and a test, but with its values
 * anywhere in their steps the change could be within the threshold as well as beyond it. The
 * statistics cannot settle that, however many runs: the mean of values rounded to a step is off
 * by up to a step whatever their number ([1]×30 against [2]×30 whole ms may be 1.99 ms against
 * 2.00 as well as 1.0 against 2.9). Never for values kept as measured, whose range is a point.
 */
export function heldByRounding(
  row: Pick<
    MetricComparison,
    'base' | 'head' | 'metric' | 'change' | 'pAdjusted' | 'threshold' | 'rounding'
  >,
): boolean {
  return heldByItsSteps({ ...row, judged: isJudged(row.metric) });
}

/** heldByRounding for any Judgeable row. */
export function heldByItsSteps(
  row: Pick<
    Judgeable,
    'base' | 'head' | 'judged' | 'change' | 'pAdjusted' | 'threshold' | 'rounding'
  >,
): boolean {
  return (
    row.judged &&
    row.base.n >= MIN_RUNS &&
    row.head.n >= MIN_RUNS &&
    row.change !== null &&
    row.pAdjusted !== null &&
    rangeAgainst(changeRange(row), row.threshold) === 'across'
  );
}

/** A signed figure: `+1.20`, `-0.50`, `0`. */
const signed = (x: number) => `${x > 0 ? '+' : ''}${formatNumber(x)}`;

/** Why rounding holds a row: the difference and the change, as read and with the steps given. */
function roundingReason(row: Judgeable, words: RoundingWords): string {
  const unit = ` ${row.unit}`;
  const diff = (row.head.mean as number) - (row.base.mean as number);
  const r = row.rounding as RoundingRange;
  const range = r.change
    ? `${signedPct(r.change[0])} … ${r.change[1] === null ? '+∞, the base may be 0' : r.change[1] === Number.POSITIVE_INFINITY ? '+∞' : signedPct(r.change[1])}`
    : 'no bound, the base may be 0';
  return (
    `${words.held}: head - base is ${signed(diff)}${unit} (${signedPct(row.change as number)}), ` +
    `but ${words.anywhere} ${signed(r.diff[0])} … ${r.diff[1] === Number.POSITIVE_INFINITY ? '+∞' : signed(r.diff[1])}${unit} ` +
    `(${range}), partly within ±${formatPct(row.threshold)} and partly beyond`
  );
}

/**
 * The verdict on one row and why: compare's rules, the same for a bench metric and a sweep's
 * knee. `words` names what rounded the values when rounding holds the verdict.
 */
export function judgeRow(
  row: Judgeable,
  alpha: number,
  words: RoundingWords = CLOCK_WORDS,
): Pick<MetricComparison, 'verdict' | 'reason'> {
  const pct = `±${formatPct(row.threshold)}`;
  if (!row.judged) {
    return {
      verdict: 'not-judged',
      reason:
        'a total over the window, which grows with the work served: CPU per request is judged',
    };
  }
  if (row.base.n < MIN_RUNS || row.head.n < MIN_RUNS) {
    return { verdict: 'inconclusive', reason: `fewer than ${MIN_RUNS} runs on a side` };
  }
  // Zero read in whole ms is anywhere under a step, which promises no "no change": it is left to
  // the zero base below.
  const exactZeros = row.rounding === null && row.base.mean === 0 && row.head.mean === 0;
  if (exactZeros && row.head.sd === 0 && row.base.sd === 0) {
    return { verdict: 'no-change', reason: 'zero on every run of both sides' };
  }
  if (row.change === null) {
    return { verdict: 'inconclusive', reason: 'base mean is 0: no relative change' };
  }
  if (row.pAdjusted === null) {
    return {
      verdict: 'inconclusive',
      reason: 'every run of both sides alike: no noise to test a difference against',
    };
  }
  // Unless rounding holds it, the change with its values anywhere in their steps lies wholly
  // beyond the threshold or wholly within it: the verdict the statistics give, rounding cannot
  // reverse.
  if (heldByItsSteps(row)) return { verdict: 'inconclusive', reason: roundingReason(row, words) };
  const significant = row.pAdjusted < alpha;
  const beyond = Math.abs(row.change) > row.threshold;
  if (significant && beyond) {
    const worse = row.better === 'higher' ? row.change < 0 : row.change > 0;
    return worse
      ? { verdict: 'regression', reason: `significant and beyond ${pct}` }
      : { verdict: 'improvement', reason: `significant and beyond ${pct}` };
  }
  if (significant) return { verdict: 'no-change', reason: `significant but within ${pct}` };
  const ci = row.changeCi95;
  if (ci && ci[0] > -row.threshold && ci[1] < row.threshold) {
    return { verdict: 'no-change', reason: `not significant; 95% interval within ${pct}` };
  }
  return {
    verdict: 'inconclusive',
    reason: `not significant, but too noisy to rule out a change beyond ${pct}`,
  };
}

const runsIn = (r: Report) => r.results.reduce((n, e) => n + e.runs.length, 0);

/**
 * A side that Ctrl-C or SIGTERM stopped (`complete: false`) is judged on the runs it has, and
 * says so. The two sides of one paired benchmark share its stop: one warning, not two.
 */
export function partialWarnings(base: Report, head: Report, paired: boolean): string[] {
  const text = (r: Report, runs: number) =>
    `${stopText(r)} after ${runs} of ${plural(r.plannedRuns ?? runs, 'planned run')}; judged on the runs it has`;
  if (paired && base.complete === false) {
    return [`the paired benchmark is partial: ${text(base, runsIn(base) + runsIn(head))}`];
  }
  return (
    [
      ['base', base],
      ['head', head],
    ] as const
  ).flatMap(([side, r]) =>
    r.complete === false ? [`${side} is partial: ${text(r, runsIn(r))}`] : [],
  );
}

function comparisonWarnings(
  base: Report,
  head: Report,
  pairs: readonly [ResultEntry, ResultEntry][],
  threshold: number,
  paired: boolean,
): string[] {
  const warnings = partialWarnings(base, head, paired);
  // Two sides of one paired benchmark ran on one machine, alternately: nothing to warn of.
  // The sentinel is noisy on a busy machine too: a difference must be beyond the threshold and
  // more than that noise (Welch's p < 0.05) before it is called the machine's.
  const speeds = paired ? null : sentinelMeans(base, head);
  if (
    speeds &&
    Math.abs(speeds.headMs / speeds.baseMs - 1) > threshold &&
    (speeds.p === null || speeds.p < 0.05)
  ) {
    const change = speeds.headMs / speeds.baseMs - 1;
    warnings.push(
      `the machines ran at different speeds: the speed sentinel took ${formatNumber(speeds.baseMs)} ms a run on base's and ${formatNumber(speeds.headMs)} ms on head's (${signedPct(change)}), beyond the ${formatPct(threshold)} threshold; a difference may be the machine, not the code`,
    );
  }
  const env = environmentDifferences(base.environment, head.environment);
  if (env.length > 0) {
    warnings.push(
      `the reports come from different environments (${env.join('; ')}): a difference may be the machine, not the code; benchmark both on one runner`,
    );
  }
  const opts = optionDifferences(base.options, head.options);
  if (opts.length > 0) {
    warnings.push(`the reports were run with different options (${opts.join('; ')})`);
  }
  for (const [b, h] of pairs) {
    const label = `${b.scenario} ${b.variant}`;
    if (JSON.stringify(b.params) !== JSON.stringify(h.params)) {
      warnings.push(
        `${label}: parameters differ (${JSON.stringify(b.params)} vs ${JSON.stringify(h.params)})`,
      );
    }
    const completed = (e: ResultEntry) => e.runs.filter((r) => r.state === 'completed').length;
    for (const [side, e] of [
      ['base', b],
      ['head', h],
    ] as const) {
      const failed = e.runs.length - completed(e);
      if (failed > 0) {
        warnings.push(
          `${label}: ${failed} of ${e.runs.length} ${side} runs failed and are left out`,
        );
      }
    }
    const nb = completed(b);
    const nh = completed(h);
    if (nb < MIN_RUNS || nh < MIN_RUNS) {
      warnings.push(
        `${label}: ${nb} completed runs in base and ${nh} in head; at least ${MIN_RUNS} per side are needed for a verdict (bench --runs ${Math.max(MIN_RUNS, 5)})`,
      );
    }
  }
  return warnings;
}

/**
 * Compares every scenario variant present in both reports, metric by metric.
 *
 * @throws {RangeError} on an alpha outside (0, 1) or a negative threshold (the CLI checks first).
 */
export function compareReports(
  base: Report,
  head: Report,
  options: CompareOptions = {},
): Comparison {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1))
    throw new RangeError(`compareReports: alpha ${alpha} not in (0, 1)`);
  const metrics = options.metrics ?? DEFAULT_COMPARE_METRICS;
  const thresholdOf = (m: MetricName) =>
    options.thresholds?.[m] ?? options.threshold ?? DEFAULT_THRESHOLD;
  for (const m of metrics) {
    if (!(thresholdOf(m) >= 0)) throw new RangeError(`compareReports: bad threshold for ${m}`);
  }

  const headByKey = new Map(head.results.map((e) => [keyOf(e), e]));
  const baseKeys = new Set(base.results.map(keyOf));
  const pairs: [ResultEntry, ResultEntry][] = base.results.flatMap((b) => {
    const h = headByKey.get(keyOf(b));
    return h ? [[b, h] as [ResultEntry, ResultEntry]] : [];
  });
  const key = (e: ResultEntry): VariantKey => ({ scenario: e.scenario, variant: e.variant });

  const paired = options.paired ?? false;
  const ofPairs = pairs.map(([b, h]) => metricsOfPair(b, h, metrics));
  const raw = pairs
    .flatMap(([b, h], i) => (ofPairs[i]?.metrics ?? []).map((m) => rawRow(b, h, m, paired)))
    // A metric neither side measured (the probe off) is not a row.
    .filter((r) => r.base.length > 0 || r.head.length > 0);
  const tested = raw.filter((r) => r.test !== null);
  const adjusted = holm(tested.map((r) => (r.test as RowTest).p));
  const pAdjustedOf = new Map(tested.map((r, i) => [r, adjusted[i] as number]));
  // A lone real change has the smallest p, which Holm holds to alpha / tests.
  const loneAlpha = alpha / Math.max(1, tested.length);

  const rows = raw.map((r): MetricComparison => {
    const base = sideStats(r.base, r.steps.base);
    const head = sideStats(r.head, r.steps.head);
    const t = r.test;
    const pAdjusted = pAdjustedOf.get(r) ?? null;
    const spec = METRICS[r.metric];
    const partial = {
      scenario: r.scenario,
      variant: r.variant,
      metric: r.metric,
      unit: spec.unit,
      better: spec.better,
      base,
      head,
      change:
        t?.change ??
        (base.mean !== null && head.mean !== null && base.mean !== 0
          ? (head.mean - base.mean) / base.mean
          : null),
      changeCi95: t?.changeCi95 ?? null,
      test: t?.name ?? null,
      df: t ? t.df : null,
      p: t ? t.p : null,
      pAdjusted,
      stars: stars(pAdjusted),
      threshold: thresholdOf(r.metric),
      minDetectableChange: t ? t.detectable(loneAlpha) : null,
      rounding: r.rounding,
    };
    return { ...partial, ...judgeRow(judgeable(partial), alpha) };
  });

  return {
    alpha,
    test: paired ? 'paired' : 'welch',
    correction: 'holm',
    tests: tested.length,
    rows,
    onlyInBase: base.results.filter((b) => !headByKey.has(keyOf(b))).map(key),
    onlyInHead: head.results.filter((h) => !baseKeys.has(keyOf(h))).map(key),
    warnings: [
      ...comparisonWarnings(base, head, pairs, options.threshold ?? DEFAULT_THRESHOLD, paired),
      ...ofPairs.flatMap((p) => p.notes),
      ...raw.flatMap((r) => (r.note === null ? [] : [r.note])),
    ],
    regressions: rows.filter((r) => r.verdict === 'regression'),
  };
}
