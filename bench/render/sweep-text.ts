/**
 * A sweep as a person reads it, shared by its table, Markdown and HTML: the steps a variant
 * shows (the median over its runs), its knee and why, its ceiling and the M/D/1 prediction beside
 * it. Pure.
 */
import { formatNumber, formatRate, formatRatio, plural } from '../../core/numbers.ts';
import { lastGoodMedian } from '../sweep/summary.ts';
import { md1MeanMs } from '../sweep/theory.ts';
import type {
  KneeReason,
  LatencyPercentiles,
  SweepReport,
  SweepRun,
  SweepStep,
  SweepVariant,
} from '../sweep/types.ts';

/** A figure that was not measured: a dash, never 0. */
export const NONE = '–';

/** The column heads of a step row in Markdown and HTML, units in the names. */
export const STEP_HEAD: readonly string[] = [
  'offered (req/s)',
  'achieved (req/s)',
  'p50 (ms)',
  'p90 (ms)',
  'p99 (ms)',
  'p99.9 (ms)',
  'max (ms)',
  'p99 from send (ms)',
  'errors',
  'timeouts',
  'ELU',
  'lag p99 (ms)',
  '/ping p99 (ms)',
  'limited by',
];

/** A rate as the tables show it (`46.8`, `1,234`), or NONE. */
export const rateText = (x: number | null): string => (x === null ? NONE : formatRate(x));

/** A time or a ratio as the tables show it (three significant figures), or NONE. */
export const numText = (x: number | null): string => (x === null ? NONE : formatNumber(x));

/**
 * An offered rate (a step's, a knee's, an SLO's), as the user gave it: `40`, `12.5`, `1,280`;
 * NONE for null.
 */
export const offeredText = (x: number | null): string =>
  x === null ? NONE : Number.isInteger(x) ? x.toLocaleString('en-US') : formatRate(x);

/**
 * A line of prose wrapped at `width` on its spaces, the lines after the first indented by
 * `indent`: a long reason stays readable in an 80- or 100-column terminal.
 */
export function wrapText(text: string, width: number, indent = '    '): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const next = current === '' ? word : `${current} ${word}`;
    if (next.length > width && current.trim() !== '') {
      lines.push(current);
      current = `${indent}${word}`;
    } else current = next;
  }
  lines.push(current);
  return lines;
}

/** An offered rate with its unit, for sentences: `40 req/s`, or `not measured`. */
export const rateWords = (x: number | null): string =>
  x === null ? 'not measured' : `${offeredText(x)} req/s`;

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The median of the measured values; null when none was measured (a null is never a 0). */
const medianOf = (xs: readonly (number | null)[]) =>
  median(xs.filter((x): x is number => x !== null));

/**
 * The runs a variant's table reads: its completed runs, as its knee is the median of theirs;
 * when none completed, every run, so the steps a failed sweep did take are still shown.
 */
export function shownRuns(v: SweepVariant): SweepRun[] {
  const completed = v.runs.filter((r) => r.state === 'completed');
  return completed.length > 0 ? completed : v.runs;
}

/** One offered rate of a variant as its table shows it: each figure the median over the runs. */
export interface ShownStep {
  offeredPerSec: number;
  /** How many runs took this step. */
  n: number;
  /** The requests due per second of the hold, as the arrivals drew them. */
  arrivedPerSec: number | null;
  achievedPerSec: number | null;
  latencyMs: LatencyPercentiles | null;
  uncorrectedP99Ms: number | null;
  errors: number;
  timeouts: number;
  elu: number | null;
  lagP99Ms: number | null;
  pingP99Ms: number | null;
  /** `generator` when any run's generator could not hold the rate, else `server` when any server could not. */
  limitedBy: SweepStep['limitedBy'];
  /** The first such run's reason. */
  limitedWhy: string | null;
}

function medianLatency(ls: readonly (LatencyPercentiles | null)[]): LatencyPercentiles | null {
  const measured = ls.filter((l): l is LatencyPercentiles => l !== null);
  if (measured.length === 0) return null;
  const at = (k: Exclude<keyof LatencyPercentiles, 'min'>) =>
    median(measured.map((l) => l[k])) as number;
  return { p50: at('p50'), p90: at('p90'), p99: at('p99'), p999: at('p999'), max: at('max') };
}

/**
 * A variant's steps, one per offered rate in the order first run, each figure the median over
 * the shown runs that took it (`--rates auto` may take different steps in different runs).
 * With one run, its steps as they are. Errors and timeouts are medians too, rounded up so that a
 * step where half the runs failed requests does not read as clean.
 */
export function shownSteps(v: SweepVariant): ShownStep[] {
  const runs = shownRuns(v);
  const rates: number[] = [];
  for (const r of runs)
    for (const s of r.steps) if (!rates.includes(s.offeredPerSec)) rates.push(s.offeredPerSec);
  return rates.map((rate) => {
    const steps = runs.flatMap((r) => r.steps.filter((s) => s.offeredPerSec === rate));
    const limited =
      steps.find((s) => s.limitedBy === 'generator') ?? steps.find((s) => s.limitedBy === 'server');
    return {
      offeredPerSec: rate,
      n: steps.length,
      arrivedPerSec: medianOf(steps.map((s) => s.arrivedPerSec)),
      achievedPerSec: medianOf(steps.map((s) => s.achievedPerSec)),
      latencyMs: medianLatency(steps.map((s) => s.latencyMs)),
      uncorrectedP99Ms: medianOf(steps.map((s) => s.uncorrectedLatencyMs?.p99 ?? null)),
      errors: Math.ceil(median(steps.map((s) => s.errors)) ?? 0),
      timeouts: Math.ceil(median(steps.map((s) => s.timeouts)) ?? 0),
      elu: medianOf(steps.map((s) => s.elu)),
      lagP99Ms: medianOf(steps.map((s) => s.lagP99Ms)),
      pingP99Ms: medianOf(steps.map((s) => s.pingP99Ms)),
      limitedBy: limited?.limitedBy ?? null,
      limitedWhy: limited?.limitedWhy ?? null,
    };
  });
}

/** What the steps' figures are: `2 runs: each figure the median over them`. */
export function runsNote(v: SweepVariant): string {
  const runs = shownRuns(v);
  if (runs.length === 1) return `run ${runs[0]?.run}`;
  const kind = runs[0]?.state === 'completed' ? 'completed runs' : 'runs (none completed)';
  return `${runs.length} ${kind}: each figure the median over them`;
}

/** One reason a step is past the knee, with its figures: `p99 95.2 ms > 2 × 21.8 ms`. */
function reasonText(
  reason: KneeReason,
  step: SweepStep | undefined,
  k: number,
  baseline: number | null,
): string {
  switch (reason) {
    case 'latency': {
      const p99 = step?.latencyMs?.p99 ?? null;
      const base = baseline === null ? NONE : `${formatNumber(baseline)} ms`;
      return `p99 ${p99 === null ? NONE : `${formatNumber(p99)} ms`} > ${k} × low-load p99 ${base}`;
    }
    case 'utilisation':
      return `ELU ${numText(step?.elu ?? null)} ≥ 0.9`;
    case 'throughput':
      return `achieved ${rateText(step?.achievedPerSec ?? null)} < 95% of the ${rateWords(step?.arrivedPerSec ?? null)} that arrived`;
    case 'errors':
      return step
        ? `${formatNumber(step.errors)} of ${formatNumber(step.due)} requests failed (error status or reset) > 1%`
        : 'over 1% of requests failed (error status or reset)';
    case 'failed':
      return 'the run failed at this rate (the server crashed or answered nothing)';
  }
}

/**
 * `40 req/s (p99 95.2 ms > 2 × 21.8 ms (low-load p99))`: the variant's median knee, and why, from
 * the first shown run whose knee is there (or the first run with a knee); with several runs,
 * each run's knee too.
 */
export function kneeText(v: SweepVariant, k: number): string {
  const at = v.knee.medianPerSec;
  const runs = shownRuns(v);
  const perRun =
    v.knee.perRun.length > 1 ? `; per run: ${v.knee.perRun.map(offeredText).join(', ')}` : '';
  if (at === null) return `not reached${perRun}`;
  const run =
    runs.find((r) => r.knee.atPerSec === at) ?? runs.find((r) => r.knee.atPerSec !== null);
  if (!run) return `${rateWords(at)}${perRun}`;
  const step = run.steps.find((s) => s.offeredPerSec === run.knee.atPerSec);
  const why = run.knee.reasons
    .map((r) => reasonText(r, step, k, run.knee.baselineP99Ms))
    .join('; ');
  const whose = runs.length > 1 ? `run ${run.run}: ` : '';
  return `${rateWords(at)} (${whose}${why})${perRun}`;
}

/** The highest rate taken well before the knee: the median over the shown runs. */
export function lastGoodPerSec(v: SweepVariant): number | null {
  return medianOf(shownRuns(v).map((r) => r.knee.lastGoodPerSec));
}

/** `50 req/s (1000 / 20.0 ms a request, micro)`, or `not measured`. */
export function ceilingText(v: SweepVariant): string {
  const c = v.ceiling;
  if (!c) return 'not measured';
  const from =
    c.source === 'micro'
      ? 'micro: the operation alone'
      : 'low-load: the slope of ELU on achieved below the knee';
  return `${rateWords(c.perSec)} (1000 / ${formatNumber(c.serviceMs)} ms a request; ${from})`;
}

/**
 * The M/D/1 prediction at the knee, beside what was measured there; null without both. It is
 * worked out at the rate that arrived in the hold, when that was not the rate offered (poisson
 * arrivals in a short hold: 44 where 40 were offered is ρ 0.88, not 0.80).
 */
export function theoryAtKneeText(v: SweepVariant): string | null {
  const at = v.knee.medianPerSec;
  if (at === null || !v.ceiling) return null;
  const step = shownSteps(v).find((s) => s.offeredPerSec === at);
  const arrived = step?.arrivedPerSec ?? at;
  const apart = Math.abs(arrived - at) > 0.01 * at;
  const rate = apart ? arrived : at;
  const rho = (rate * v.ceiling.serviceMs) / 1000;
  const mean = md1MeanMs(v.ceiling.serviceMs, rate);
  const measured = step?.latencyMs ?? null;
  const predicted =
    mean === null
      ? `no steady state (ρ ${formatNumber(rho)} ≥ 1)`
      : `mean ${formatNumber(mean)} ms (ρ ${formatNumber(rho)})`;
  const seen = measured
    ? `; measured p50 ${formatNumber(measured.p50)} ms, p99 ${formatNumber(measured.p99)} ms`
    : '';
  const where = apart
    ? `the ${rateWords(arrived)} that arrived (${rateWords(at)} offered)`
    : rateWords(at);
  return `M/D/1 at ${where}: ${predicted}${seen}`;
}

/**
 * `async's knee is 8.0x sync's`; when async reached no knee, what it bounds the ratio by (the
 * highest rate it took well, over sync's knee); null when there is nothing to set side by side.
 */
export function kneeRatioText(report: SweepReport): string | null {
  if (report.kneeRatio !== null) return `async's knee is ${formatRatio(report.kneeRatio)} sync's`;
  const of = (name: string) => report.variants.find((v) => v.variant === name);
  const syncKnee = of('sync')?.knee.medianPerSec ?? null;
  const async = of('async');
  if (syncKnee === null || !async || async.knee.medianPerSec !== null) return null;
  const held = lastGoodMedian(async);
  if (held === null) return null;
  return `async reached no knee up to ${rateWords(held)}: its knee is beyond ${formatRatio(held / syncKnee)} sync's`;
}

/** The failed runs of a variant, one line each: `run 2 failed: the server exited …`. */
export function failedRunLines(v: SweepVariant): string[] {
  return v.runs
    .filter((r) => r.state === 'failed')
    .map(
      (r) =>
        `run ${r.run} failed${r.reason ? `: ${r.reason}` : ''} (after ${plural(r.steps.length, 'step')})`,
    );
}

/** What was swept: `busy-wait ms=20`, or `--cmd "node server.js"`. */
export function targetText(report: SweepReport): string {
  const t = report.target;
  if ('scenario' in t) {
    const params = Object.entries(t.params)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    return params ? `${t.scenario} ${params}` : t.scenario;
  }
  return `--cmd ${JSON.stringify(t.cmd)}`;
}

/** `2 runs × 5 s hold (1 s warm-up), poisson arrivals, rates auto, k 2`. */
export function optionsText(report: SweepReport): string {
  const o = report.options;
  return `${plural(o.runs, 'run')} × ${o.holdSec} s hold (${o.warmupSec} s warm-up), ${o.arrivals} arrivals, rates ${o.rates}, k ${o.k}`;
}
