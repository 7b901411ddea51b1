/**
 * Building the report's results from run records: the per-variant entry and its summary. Pure;
 * writing a report lives in core/write-atomic.ts.
 */
import type { Params } from '../../scenarios/types.ts';
import { coefficientOfVariation, mean, type Summary, summarize } from '../stats/descriptive.ts';
import { METRIC_NAMES, type MetricName } from './metrics.ts';
import { summarizeStalls } from './stalls.ts';
import type { ResultEntry, RunRecord, SentinelSummary } from './types.ts';

export function summarizeRuns(runs: readonly RunRecord[]): Record<MetricName, Summary> {
  const completed = runs.filter((r) => r.state === 'completed');
  const summary = {} as Record<MetricName, Summary>;
  for (const name of METRIC_NAMES) {
    summary[name] = summarize(completed.flatMap((r) => (r[name] === null ? [] : [r[name]])));
  }
  return summary;
}

export function buildResultEntry(
  scenario: string,
  variant: string,
  params: Params,
  runs: RunRecord[],
): ResultEntry {
  const ordered = [...runs].sort((a, b) => a.run - b.run);
  const stalls = summarizeStalls(ordered);
  return {
    scenario,
    variant,
    params,
    runs: ordered,
    summary: summarizeRuns(ordered),
    ...(stalls && { stalls }),
  };
}

/** Result entries by scenario, in report order. */
export function groupByScenario(results: readonly ResultEntry[]): Map<string, ResultEntry[]> {
  const groups = new Map<string, ResultEntry[]>();
  for (const r of results) groups.set(r.scenario, [...(groups.get(r.scenario) ?? []), r]);
  return groups;
}

/** The sentinel times of runs, failed ones included: the machine ran those too. */
export function sentinelTimes(results: readonly ResultEntry[]): number[] {
  return results.flatMap((r) =>
    r.runs.flatMap((run) => (run.sentinelMs === undefined ? [] : [run.sentinelMs])),
  );
}

/** The sentinel over every run of `results`; undefined when no run timed it (an older report). */
export function summarizeSentinel(
  results: readonly ResultEntry[],
  workload: string,
): SentinelSummary | undefined {
  const times = sentinelTimes(results);
  if (times.length === 0) return undefined;
  const cv = coefficientOfVariation(times);
  return {
    workload,
    n: times.length,
    meanMs: Math.round(mean(times) * 10_000) / 10_000,
    cv: cv === null ? null : Math.round(cv * 10_000) / 10_000,
  };
}
