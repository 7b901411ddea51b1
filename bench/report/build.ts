/**
 * The report: a versioned JSON document (DESIGN.md). Building it is pure; writing it lives in
 * write-atomic.ts.
 */
import type { Params } from '../../scenarios/types.ts';
import type { Environment } from '../run/environment.ts';
import type { MicroResult } from '../run/micro.ts';
import type { BenchOptions } from '../run/options.ts';
import { type Summary, summarize } from '../stats/descriptive.ts';
import type { Diagnosis } from './diagnosis.ts';
import { type CompletedRun, METRIC_NAMES, type MetricName, type RunRecord } from './metrics.ts';

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
  /** looplab's diagnosis in words (diagnosis.ts); absent in reports written before it existed. */
  diagnosis?: Diagnosis;
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
  /** Per scenario, the cost of its sync operation and the ceiling it sets (micro.ts), when measured. */
  ceilings?: MicroResult[];
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

/** Above this share of all cores in use, the machine, not either program, bounds the numbers. */
export const MACHINE_BUSY_SHARE = 0.9;

/**
 * The share of all the machine's cores that the server and the harness used together during a
 * run's window, or null when the probe did not measure the server's CPU.
 */
export function machineBusyShare(run: CompletedRun, cpuCount: number): number | null {
  const { cpuUserMs, cpuSystemMs, serverWindowMs, windowMs } = run;
  if (cpuUserMs === null || cpuSystemMs === null || !serverWindowMs || windowMs <= 0) return null;
  // Each program's CPU as a share of its own window: the two windows differ by milliseconds
  // normally, by seconds when a block outlasts the load.
  const serverCores = (cpuUserMs + cpuSystemMs) / serverWindowMs;
  const harnessCores = run.loadGenerator.cpuPct / 100;
  return (serverCores + harnessCores) / cpuCount;
}

/**
 * Warnings a reader must see next to the numbers. With `cpuCount`, also says when server and
 * load generator together kept every core busy: then neither alone set the pace.
 */
export function collectWarnings(results: readonly ResultEntry[], cpuCount?: number): string[] {
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
    const timedOut = r.runs.reduce(
      (n, run) => n + (run.state === 'completed' ? (run.timeouts ?? 0) : 0),
      0,
    );
    if (timedOut > 0) {
      warnings.push(
        `${label}: ${timedOut} requests timed out; its latency percentiles cover only the answered ones ` +
          '(a longer --timeout or fewer --connections keeps them all)',
      );
    }
    if (cpuCount === undefined) continue;
    const busy = r.runs.filter((run) => {
      if (run.state !== 'completed') return false;
      const share = machineBusyShare(run, cpuCount);
      return share !== null && share >= MACHINE_BUSY_SHARE;
    });
    if (busy.length > 0) {
      warnings.push(
        `${label}: server and load generator together kept all ${cpuCount} cores busy in ` +
          `${busy.length} of ${r.runs.length} runs; the machine, not the server alone, set the pace`,
      );
    }
  }
  return warnings;
}
