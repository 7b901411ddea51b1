/**
 * The report: a versioned JSON document (DESIGN.md). Building it is pure; writing it lives in
 * write-atomic.ts.
 */
import type { Params } from '../scenarios/types.ts';
import type { Environment } from './environment.ts';
import { METRIC_NAMES, type MetricName, type RunRecord } from './metrics.ts';
import type { BenchOptions } from './options.ts';
import { type Summary, summarize } from './stats.ts';

/** Bump on any change that an older reader would misread. */
export const SCHEMA_VERSION = 1;

export interface ResultEntry {
  scenario: string;
  variant: string;
  params: Params;
  /** Every run, in run order, failed ones included: compare does its statistics on these. */
  runs: RunRecord[];
  /** Over the completed runs; a metric a run could not measure (null) is left out of its summary. */
  summary: Record<MetricName, Summary>;
}

export interface ScenarioVerdict {
  scenario: string;
  text: string;
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  createdAt: string;
  environment: Environment;
  options: BenchOptions & { scenarios: string[]; params: Record<string, Params> };
  results: ResultEntry[];
  verdicts: ScenarioVerdict[];
  /** Things a reader must know to trust the numbers: a saturated load generator, failed runs. */
  warnings: string[];
}

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
  return { scenario, variant, params, runs: ordered, summary: summarizeRuns(ordered) };
}

/** Warnings a reader must see next to the numbers. */
export function collectWarnings(results: readonly ResultEntry[]): string[] {
  const warnings: string[] = [];
  for (const r of results) {
    const label = `${r.scenario} ${r.variant}`;
    const failed = r.runs.filter((run) => run.state === 'failed');
    if (failed.length > 0) {
      warnings.push(
        `${label}: ${failed.length} of ${r.runs.length} runs failed (${failed[0]?.reason})`,
      );
    }
    const saturated = r.runs.filter(
      (run) => run.state === 'completed' && run.loadGenerator.saturated,
    );
    if (saturated.length > 0) {
      warnings.push(
        `${label}: the load generator was saturated in ${saturated.length} of ${r.runs.length} runs; ` +
          'these numbers measure autocannon more than the server',
      );
    }
  }
  return warnings;
}
