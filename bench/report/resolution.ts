/**
 * How finely a run's metrics were recorded. autocannon keeps latency in whole milliseconds,
 * rounded down (its histogram takes integers), so a run whose every request took 1.7 ms reads 1;
 * everything else looplab reports is timed to the microsecond or finer (first byte and /ping with
 * performance.now(), the WebSocket round trips in a µs histogram, the loop's delay in ns, CPU in
 * µs). compare adds that rounding to its statistics, and the tables say how it rounds.
 */
import type { MetricName } from './metrics.ts';
import type { CompletedRun, ResultEntry } from './types.ts';

/** The metrics a run's `latencyResolutionMs` applies to: the load's own latency percentiles. */
export const LATENCY_METRICS: readonly MetricName[] = [
  'latencyP50Ms',
  'latencyP90Ms',
  'latencyP99Ms',
  'latencyMaxMs',
];

/** autocannon's resolution: whole milliseconds. */
export const WHOLE_MS = 1;

/**
 * The WebSocket driver's round trips (bench/stats/histogram.ts): whole µs below 2 ms, 0.1% of
 * the value above, where a step that small beside the runs' own noise changes nothing.
 */
const MESSAGE_RESOLUTION_MS = 0.001;

/**
 * The step a run's latencies were recorded in: its own `latencyResolutionMs`, else what wrote a
 * report without one: autocannon's whole milliseconds for HTTP, the µs histogram for WebSocket.
 */
export function latencyResolutionMs(
  run: Pick<CompletedRun, 'latencyResolutionMs' | 'messagesSentPerSec'>,
): number {
  if (run.latencyResolutionMs !== undefined) return run.latencyResolutionMs;
  return run.messagesSentPerSec === null || run.messagesSentPerSec === undefined
    ? WHOLE_MS
    : MESSAGE_RESOLUTION_MS;
}

/** The step `metric` was rounded to in `run`, in its unit; 0 for a metric kept as measured. */
export function resolutionOf(run: CompletedRun, metric: MetricName): number {
  return LATENCY_METRICS.includes(metric) ? latencyResolutionMs(run) : 0;
}

/** The coarsest step of `metric` over an entry's completed runs that measured it; 0 for none. */
export function entryResolution(entry: Pick<ResultEntry, 'runs'>, metric: MetricName): number {
  let step = 0;
  for (const r of entry.runs)
    if (r.state === 'completed' && r[metric] !== null)
      step = Math.max(step, resolutionOf(r, metric));
  return step;
}

/** Whether `metric` of `run` is autocannon's whole milliseconds, rounded down. */
export const roundedDown = (run: CompletedRun, metric: MetricName): boolean =>
  resolutionOf(run, metric) >= WHOLE_MS;

/**
 * Whether the entries' runs that measured `metric` mix whole milliseconds rounded down with
 * values timed finely (a version-1 report or an older `--workers` run against one timed to the µs).
 * Rounding down reads low by half a step on average, so such a mix is biased by about 0.5 ms.
 */
export function mixesWholeMs(entries: readonly Pick<ResultEntry, 'runs'>[], metric: MetricName) {
  const measured = entries.flatMap((e) =>
    e.runs.flatMap((r) => (r.state === 'completed' && r[metric] !== null ? [r] : [])),
  );
  const down = measured.filter((r) => roundedDown(r, metric)).length;
  return down > 0 && down < measured.length;
}

/** Whether an entry's `metric` is autocannon's whole milliseconds (rounded down). */
export const inWholeMs = (entry: Pick<ResultEntry, 'runs'>, metric: MetricName): boolean =>
  entryResolution(entry, metric) >= WHOLE_MS;
