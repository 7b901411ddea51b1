/**
 * A lesson's measurement that is a sweep (`looplab sweep`'s open-model steps) rather than a
 * closed-loop bench: the numbers its claims, prediction and explanation can name, read from the
 * sweep's report (their names and units: sweep-metrics.ts). Pure: the sweep itself runs in
 * measure-sweep.ts.
 */
import { lastGoodMedian } from '../../bench/sweep/summary.ts';
import type { SweepReport, SweepRun, SweepStep, SweepVariant } from '../../bench/sweep/types.ts';
import type { Lookup } from './claims.ts';
import { isSweepMetric, type SweepMetricName } from './sweep-metrics.ts';

/** The mean over runs of one figure of a step, null figures and runs without the step left out. */
function meanOf(
  runs: readonly SweepRun[],
  pick: (steps: readonly SweepStep[]) => SweepStep | undefined,
  value: (s: SweepStep) => number | null | undefined,
  everyStep: boolean,
): number | null {
  const values = runs.flatMap((r) => {
    const step = pick(everyStep ? r.steps : r.steps.filter((s) => s.limitedBy !== 'generator'));
    const v = step === undefined ? null : value(step);
    return v === null || v === undefined ? [] : [v];
  });
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * The fastest answer of every step of every run, timed from its send: a request answered sooner
 * than its work takes skipped it. Every step counts, the generator's too: however late a request
 * went out, its answer cannot come before the work is done. null when no step kept it.
 */
function fastest(v: SweepVariant): number | null {
  const mins = v.runs.flatMap((r) =>
    r.steps.flatMap((s) =>
      s.uncorrectedLatencyMs?.min === undefined ? [] : [s.uncorrectedLatencyMs.min],
    ),
  );
  return mins.length === 0 ? null : Math.min(...mins);
}

/**
 * One variant's figure from a sweep, null when it was not measured. A step the generator could
 * not hold says nothing about the server, and is left out of the top and lowest steps, unless
 * `everyStep` (verify: two handlers judged at the same rates, each step offered to both).
 */
export function sweepFigure(
  v: SweepVariant,
  metric: SweepMetricName,
  everyStep = false,
): number | null {
  const top = (steps: readonly SweepStep[]) =>
    steps.reduce<SweepStep | undefined>(
      (a, s) => (a === undefined || s.offeredPerSec > a.offeredPerSec ? s : a),
      undefined,
    );
  const low = (steps: readonly SweepStep[]) =>
    steps.reduce<SweepStep | undefined>(
      (a, s) => (a === undefined || s.offeredPerSec < a.offeredPerSec ? s : a),
      undefined,
    );
  switch (metric) {
    case 'kneePerSec':
      return v.knee.medianPerSec;
    case 'lastGoodPerSec':
      return lastGoodMedian(v);
    case 'kneeBoundPerSec':
      return v.knee.medianPerSec ?? lastGoodMedian(v);
    case 'ceilingPerSec':
      return v.ceiling?.perSec ?? null;
    case 'ceilingServiceMs':
      return v.ceiling?.serviceMs ?? null;
    case 'topOfferedPerSec':
      return meanOf(v.runs, top, (s) => s.offeredPerSec, everyStep);
    case 'topArrivedPerSec':
      return meanOf(v.runs, top, (s) => s.arrivedPerSec, everyStep);
    case 'topAchievedPerSec':
      return meanOf(v.runs, top, (s) => s.achievedPerSec, everyStep);
    case 'topP99Ms':
      return meanOf(v.runs, top, (s) => s.latencyMs?.p99, everyStep);
    case 'topSentP99Ms':
      return meanOf(v.runs, top, (s) => s.uncorrectedLatencyMs?.p99, everyStep);
    case 'topElu':
      return meanOf(v.runs, top, (s) => s.elu, everyStep);
    case 'lowP99Ms':
      return meanOf(v.runs, low, (s) => s.latencyMs?.p99, everyStep);
    case 'fastestSentMs':
      return fastest(v);
  }
}

/** Looks sweep figures up by measurement key; null for anything else (a bench metric, no sweep). */
export function sweepLookupIn(
  sweeps: Readonly<Record<string, SweepReport>>,
  everyStep = false,
): Lookup {
  return ({ measurement, variant, metric }) => {
    if (!isSweepMetric(metric)) return null;
    const v = sweeps[measurement]?.variants.find((x) => x.variant === variant);
    return v === undefined ? null : sweepFigure(v, metric, everyStep);
  };
}
