/**
 * Comparing two sweeps (`looplab sweep --json`): per variant in both, its knee and its SLO rate
 * judged with compare's statistics (compare.ts: Welch's t-test on the per-run values, Fieller's
 * interval, Holm over every test, at least 3 runs a side, significant *and* beyond the threshold).
 * Higher is better for both: a lower knee beyond the noise is a capacity regression. Pure.
 *
 * A knee is a rate of the grid swept, not a measurement to the req/s: a run's knee says only
 * that its true knee lies above the last rate it took well and at or below the one it failed.
 * That is the rounding compare already carries for autocannon's whole milliseconds, with the
 * grid's step for the clock's: the test adds its variance, and no verdict is given that some
 * placing of the knees inside their steps would reverse. An SLO rate is the other way round: the
 * true one lies at or above the rate that met it and below the next.
 */
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { environmentDifferences } from '../report/comparable.ts';
import { mean, sampleSd } from '../stats/descriptive.ts';
import { holm, type Stars, stars } from '../stats/inference.ts';
import { parseRates } from '../sweep/rates.ts';
import type { SweepReport, SweepRun, SweepStep, SweepVariant } from '../sweep/types.ts';
import {
  judgeRow,
  MIN_RUNS,
  type RoundingWords,
  type RowTest,
  type SideStats,
  type Verdict,
  welchRow,
} from './compare.ts';
import { DEFAULT_ALPHA, DEFAULT_THRESHOLD } from './defaults.ts';
import { type RoundingRange, roundingRange, type Slack } from './rounding.ts';

/** What a sweep comparison judges: the knee and the highest rate that met the SLO. */
export const SWEEP_METRIC_NAMES = ['kneePerSec', 'sloPerSec'] as const;
export type SweepMetricName = (typeof SWEEP_METRIC_NAMES)[number];

export interface SweepCompareOptions {
  /** Significance level for the Holm-adjusted p-values; default 0.05. */
  alpha?: number;
  /** Smallest relative change that counts, as a fraction; default 0.1. */
  threshold?: number;
  /** Per-metric thresholds that override `threshold`. */
  thresholds?: Partial<Record<SweepMetricName, number>>;
}

/** One side of a row: compare's SideStats, plus what a sweep reader looks at. */
export interface SweepSide extends SideStats {
  /**
   * Each completed run's knee (or SLO rate), in run order, as the sweep's `perRun`: null for a
   * run without one, left out of the test (`without` counts them).
   */
  perRun: (number | null)[];
  /**
   * The variant's median as the sweep printed it: over its completed runs, a run without a knee
   * counted above every rate (without an SLO rate, below); null when it falls on such a run.
   */
  medianPerSec: number | null;
  /**
   * Completed runs without a value, left out: no knee up to the highest rate swept (or the run
   * was stopped before it), no step that met the SLO.
   */
  without: number;
}

/** One row: the knee or the SLO rate of one variant. */
export interface SweepMetricComparison {
  variant: string;
  /** How the sweep names the variant: `busy-wait sync`. */
  label: string;
  metric: SweepMetricName;
  unit: 'req/s';
  better: 'higher';
  base: SweepSide;
  head: SweepSide;
  /** (head mean - base mean) / base mean; null when a side has no value. */
  change: number | null;
  changeCi95: [number, number] | null;
  test: 'welch' | null;
  df: number | null;
  p: number | null;
  pAdjusted: number | null;
  stars: Stars;
  threshold: number;
  minDetectableChange: number | null;
  /** The difference and change with every value anywhere between its rate and its neighbour. */
  rounding: RoundingRange | null;
  verdict: Verdict;
  reason: string;
}

export interface SweepComparison {
  kind: 'sweep';
  /** What was swept: the scenario's id, or the command. */
  target: string;
  alpha: number;
  test: 'welch';
  correction: 'holm';
  tests: number;
  rows: SweepMetricComparison[];
  /** Variants only one side swept (their labels). */
  onlyInBase: string[];
  onlyInHead: string[];
  warnings: string[];
  regressions: SweepMetricComparison[];
}

const GRID_WORDS: RoundingWords = {
  held: 'held by the rate grid',
  anywhere: 'with each rate anywhere between the step it reads and its neighbour',
};

const targetText = (s: SweepReport): string =>
  'scenario' in s.target ? s.target.scenario : `--cmd ${JSON.stringify(s.target.cmd)}`;

/** The rate plan as given, comparable across spellings (10,20,30 is 10:30:10). */
function planOf(rates: string): string {
  try {
    return JSON.stringify(parseRates(rates));
  } catch {
    return rates.trim();
  }
}

/**
 * Why two sweeps' knees cannot be set against each other, if they cannot: a sweep of another
 * target, or other steps (rates, arrivals, warm-up, hold), or another knee factor. Empty when
 * they can.
 */
export function sweepMismatches(base: SweepReport, head: SweepReport): string[] {
  const out: string[] = [];
  const kind = (s: SweepReport) => ('scenario' in s.target ? 'scenario' : 'cmd');
  if (
    kind(base) !== kind(head) ||
    ('scenario' in base.target && 'scenario' in head.target
      ? base.target.scenario !== head.target.scenario
      : false)
  ) {
    out.push(`the targets differ (${targetText(base)} vs ${targetText(head)})`);
  }
  const b = base.options;
  const h = head.options;
  if (planOf(b.rates) !== planOf(h.rates)) out.push(`--rates ${b.rates} vs ${h.rates}`);
  if (b.arrivals !== h.arrivals) out.push(`--arrivals ${b.arrivals} vs ${h.arrivals}`);
  if (b.warmupSec !== h.warmupSec) out.push(`--warmup ${b.warmupSec} vs ${h.warmupSec}`);
  if (b.holdSec !== h.holdSec) out.push(`--hold ${b.holdSec} vs ${h.holdSec}`);
  if (b.k !== h.k) out.push(`--k ${b.k} vs ${h.k}`);
  // Another SLO moves the SLO rate, not the knee: it is left out of the comparison (sloText).
  return out;
}

/** A sweep's SLO as given: `p99<50ms`, or `none`. */
const sloText = (s: SweepReport['options']['slo']) =>
  s === null ? 'none' : `${s.percentile}<${s.underMs}ms`;

/** The steps a run was judged on: a step the generator could not hold says nothing (knee.ts). */
const countedSteps = (run: SweepRun): SweepStep[] =>
  run.steps.filter((s) => s.limitedBy !== 'generator');

/** A run's value of `metric`, and where its true figure may lie around it. */
function runValue(run: SweepRun, metric: SweepMetricName): { x: number; slack: Slack } | null {
  if (metric === 'kneePerSec') {
    const at = run.knee.atPerSec;
    if (at === null) return null;
    // Past the knee at `at`, well at the rate below: the true knee is between them.
    return { x: at, slack: { low: -(at - (run.knee.lastGoodPerSec ?? 0)), high: 0 } };
  }
  const met = run.sloPerSec;
  if (met === null) return null;
  // Met at `met`, missed at the next step: the true SLO rate is between them (unbounded at the top).
  const next = countedSteps(run).find((s) => s.offeredPerSec > met)?.offeredPerSec;
  return { x: met, slack: { low: 0, high: next === undefined ? Infinity : next - met } };
}

/**
 * The step a side's values were rounded to, for the test's rounding variance: the widest span a
 * value's true figure may lie in (a knee at the first rate swept may lie anywhere below it). An
 * SLO met at the highest rate swept has no upper bound: its span is left to the rounding range.
 */
function gridStep(slacks: readonly Slack[]): number {
  const widths = slacks.map((s) => s.high - s.low).filter(Number.isFinite);
  return widths.length > 0 ? Math.max(...widths) : 0;
}

interface Side {
  perRun: (number | null)[];
  values: number[];
  slacks: Slack[];
  step: number;
  without: number;
}

function sideOf(v: SweepVariant, metric: SweepMetricName): Side {
  const completed = v.runs.filter((r) => r.state === 'completed');
  const got = completed.map((r) => runValue(r, metric));
  const present = got.filter((g) => g !== null);
  const slacks = present.map((g) => g.slack);
  return {
    perRun: got.map((g) => (g === null ? null : g.x)),
    values: present.map((g) => g.x),
    slacks,
    step: gridStep(slacks),
    without: got.length - present.length,
  };
}

function statsOf(side: Side, medianPerSec: number | null): SweepSide {
  const n = side.values.length;
  return {
    n,
    mean: n > 0 ? mean(side.values) : null,
    sd: sampleSd(side.values),
    resolution: side.step,
    perRun: side.perRun,
    medianPerSec,
    without: side.without,
  };
}

interface RawSweepRow {
  variant: SweepVariant;
  metric: SweepMetricName;
  base: Side;
  head: Side;
  test: RowTest | null;
}

function partialWarning(side: 'base' | 'head', s: SweepReport): string[] {
  if (s.complete) return [];
  const why = s.warnings.find((w) => w.startsWith('partial')) ?? 'partial';
  return [`${side} is a partial sweep (${why}); judged on the runs and steps it has`];
}

function sweepWarnings(
  base: SweepReport,
  head: SweepReport,
  rows: readonly RawSweepRow[],
): string[] {
  const warnings = [...partialWarning('base', base), ...partialWarning('head', head)];
  const [bs, hs] = [sloText(base.options.slo), sloText(head.options.slo)];
  if (bs !== hs)
    warnings.push(
      `the SLOs differ (--slo ${bs} vs ${hs}): the knees are compared, the SLO rates not`,
    );
  const env = environmentDifferences(base.environment, head.environment);
  if (env.length > 0) {
    warnings.push(
      `the sweeps come from different environments (${env.join('; ')}): a difference may be the machine, not the code; sweep both on one machine`,
    );
  }
  const bt = base.target;
  const ht = head.target;
  if (
    'scenario' in bt &&
    'scenario' in ht &&
    JSON.stringify(bt.params) !== JSON.stringify(ht.params)
  ) {
    warnings.push(
      `parameters differ (${JSON.stringify(bt.params)} vs ${JSON.stringify(ht.params)})`,
    );
  }
  if ('cmd' in bt && 'cmd' in ht && bt.cmd !== ht.cmd) {
    warnings.push(`the commands differ (${JSON.stringify(bt.cmd)} vs ${JSON.stringify(ht.cmd)})`);
  }
  const b = base.options;
  const h = head.options;
  const minor = (['settleSec', 'timeoutSec', 'maxConnections', 'pingRateHz'] as const)
    .filter((k) => b[k] !== h[k])
    .map((k) => `${k} ${b[k]} vs ${h[k]}`);
  if (minor.length > 0)
    warnings.push(`the sweeps were run with different options (${minor.join('; ')})`);
  const seen = new Set<string>();
  for (const r of rows) {
    const label = r.variant.label;
    for (const [side, s] of [
      ['base', r.base],
      ['head', r.head],
    ] as const) {
      if (s.without === 0) continue;
      const what =
        r.metric === 'kneePerSec'
          ? 'no knee within the rates it swept'
          : 'no step that met the SLO';
      warnings.push(
        `${label}: ${s.without} of ${s.without + s.values.length} ${side} runs had ${what}; they are left out`,
      );
    }
    if (seen.has(label)) continue;
    seen.add(label);
    if (
      r.base.values.length + r.base.without < MIN_RUNS ||
      r.head.values.length + r.head.without < MIN_RUNS
    ) {
      const nb = r.base.values.length + r.base.without;
      const nh = r.head.values.length + r.head.without;
      warnings.push(
        `${label}: ${nb} completed runs in base and ${nh} in head; at least ${MIN_RUNS} per side are needed for a verdict (sweep --runs ${Math.max(MIN_RUNS, 5)})`,
      );
    }
  }
  return warnings;
}

/**
 * Compares every variant two sweeps both have, on its knee and (with an SLO) its SLO rate.
 *
 * @throws {LooplabError} LOOPLAB_ERR_REPORTS_DIFFER when the sweeps' knees are not comparable
 *   (sweepMismatches); {RangeError} on an alpha outside (0, 1) or a negative threshold.
 */
export function compareSweeps(
  base: SweepReport,
  head: SweepReport,
  options: SweepCompareOptions = {},
): SweepComparison {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1))
    throw new RangeError(`compareSweeps: alpha ${alpha} not in (0, 1)`);
  const thresholdOf = (m: SweepMetricName) =>
    options.thresholds?.[m] ?? options.threshold ?? DEFAULT_THRESHOLD;
  for (const m of SWEEP_METRIC_NAMES) {
    if (!(thresholdOf(m) >= 0)) throw new RangeError(`compareSweeps: bad threshold for ${m}`);
  }
  const mismatches = sweepMismatches(base, head);
  if (mismatches.length > 0) {
    throw new LooplabError(
      ERROR_CODES.REPORTS_DIFFER,
      `the sweeps' knees are not comparable: ${mismatches.join('; ')}; sweep both sides with the same target and step options`,
    );
  }
  const headOf = new Map(head.variants.map((v) => [v.variant, v]));
  const baseNames = new Set(base.variants.map((v) => v.variant));
  const sameSlo = sloText(base.options.slo) === sloText(head.options.slo);
  const metrics: SweepMetricName[] =
    base.options.slo === null || !sameSlo ? ['kneePerSec'] : ['kneePerSec', 'sloPerSec'];
  const raw: RawSweepRow[] = base.variants.flatMap((bv) => {
    const hv = headOf.get(bv.variant);
    if (hv === undefined) return [];
    return metrics.map((metric) => {
      const b = sideOf(bv, metric);
      const h = sideOf(hv, metric);
      return {
        variant: bv,
        metric,
        base: b,
        head: h,
        test: welchRow(b.values, h.values, { base: b.step, head: h.step }),
      };
    });
  });
  const tested = raw.filter((r) => r.test !== null);
  const adjusted = holm(tested.map((r) => (r.test as RowTest).p));
  const pAdjustedOf = new Map(tested.map((r, i) => [r, adjusted[i] as number]));
  const loneAlpha = alpha / Math.max(1, tested.length);

  const rows = raw.map((r): SweepMetricComparison => {
    const medianOf = (v: SweepVariant | undefined) =>
      (r.metric === 'kneePerSec' ? v?.knee.medianPerSec : v?.slo?.medianPerSec) ?? null;
    const base = statsOf(r.base, medianOf(r.variant));
    const head = statsOf(r.head, medianOf(headOf.get(r.variant.variant)));
    const t = r.test;
    const pAdjusted = pAdjustedOf.get(r) ?? null;
    const partial = {
      variant: r.variant.variant,
      label: r.variant.label,
      metric: r.metric,
      unit: 'req/s' as const,
      better: 'higher' as const,
      base,
      head,
      change:
        t?.change ??
        (base.mean !== null && head.mean !== null && base.mean !== 0
          ? (head.mean - base.mean) / base.mean
          : null),
      changeCi95: t?.changeCi95 ?? null,
      test: t ? ('welch' as const) : null,
      df: t ? t.df : null,
      p: t ? t.p : null,
      pAdjusted,
      stars: stars(pAdjusted),
      threshold: thresholdOf(r.metric),
      minDetectableChange: t ? t.detectable(loneAlpha) : null,
      rounding: roundingRange(r.base.values, r.head.values, r.base.slacks, r.head.slacks, false),
    };
    return { ...partial, ...judgeRow({ ...partial, judged: true }, alpha, GRID_WORDS) };
  });

  return {
    kind: 'sweep',
    target: targetText(base),
    alpha,
    test: 'welch',
    correction: 'holm',
    tests: tested.length,
    rows,
    onlyInBase: base.variants.filter((v) => !headOf.has(v.variant)).map((v) => v.label),
    onlyInHead: head.variants.filter((v) => !baseNames.has(v.variant)).map((v) => v.label),
    warnings: sweepWarnings(base, head, raw),
    regressions: rows.filter((r) => r.verdict === 'regression'),
  };
}
