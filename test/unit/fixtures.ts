/**
 * Builders for synthetic runs, result entries and reports, shared by the unit tests.
 *
 * Every metric defaults to null, so a test states exactly the numbers it depends on.
 */
import assert from 'node:assert/strict';
import { buildResultEntry } from '../../bench/report/build.ts';
import { METRIC_NAMES, type MetricName } from '../../bench/report/metrics.ts';
import {
  type CompletedRun,
  type Environment,
  type FailedRun,
  type Report,
  type ResultEntry,
  type RunMetrics,
  SCHEMA_VERSION,
  type ScenarioVerdict,
} from '../../bench/report/types.ts';
import { DEFAULT_OPTIONS } from '../../bench/run/options.ts';
import { LooplabError } from '../../core/errors.ts';
import type { Params } from '../../scenarios/types.ts';

const STARTED_AT = '2024-01-01T00:00:00.000Z';

function nullMetrics(): RunMetrics {
  return Object.fromEntries(METRIC_NAMES.map((n) => [n, null])) as RunMetrics;
}

/** A completed run whose metrics are null except those given. */
export function completedRun(
  run: number,
  metrics: Partial<RunMetrics> = {},
  extra: Partial<Omit<CompletedRun, 'state' | 'run' | MetricName>> = {},
): CompletedRun {
  return {
    ...nullMetrics(),
    ...metrics,
    state: 'completed',
    run,
    startedAt: STARTED_AT,
    serverPid: 1000 + run,
    windowMs: 3000,
    serverWindowMs: 3000,
    requestsTotal: 0,
    pingSent: 0,
    // A run field before it was a metric too: never null.
    pingErrors: metrics.pingErrors ?? 0,
    pingTimeouts: 0,
    lagSamples: null,
    heapUsedMaxBytes: null,
    loadGenerator: { elu: 0.5, cpuPct: 50, saturated: false },
    timelineIntervalMs: null,
    timeline: [],
    ...extra,
  };
}

export function failedRun(run: number, reason = 'server exited with code 1'): FailedRun {
  return { state: 'failed', run, startedAt: STARTED_AT, code: null, reason };
}

/**
 * Completed runs 1..n from per-metric columns:
 * `runsFrom({ requestsPerSec: [100, 102], lagMaxMs: [9, 8] })` gives two runs.
 */
export function runsFrom(columns: Partial<Record<MetricName, (number | null)[]>>): CompletedRun[] {
  const n = Math.max(...Object.values(columns).map((c) => c.length));
  return Array.from({ length: n }, (_, i) => {
    const metrics: Partial<RunMetrics> = {};
    for (const [name, values] of Object.entries(columns) as [MetricName, (number | null)[]][]) {
      metrics[name] = values[i] ?? null;
    }
    return completedRun(i + 1, metrics);
  });
}

/** A result entry built (and summarised) by the real buildResultEntry. */
export function entry(
  scenario: string,
  variant: string,
  runs: CompletedRun[] | (CompletedRun | FailedRun)[],
  params: Params = {},
): ResultEntry {
  return buildResultEntry(scenario, variant, params, runs);
}

/** A report of one busy-wait sync entry whose runs measured latency p99 only, at `resolution` ms. */
export function latencyReport(values: number[], resolution?: number): Report {
  const runs = runsFrom({ latencyP99Ms: values });
  return makeReport([
    entry(
      'busy-wait',
      'sync',
      resolution === undefined
        ? runs
        : runs.map((r) => ({ ...r, latencyResolutionMs: resolution })),
    ),
  ]);
}

export const ENVIRONMENT: Environment = {
  node: 'v20.19.0',
  v8: '11.3.244.8-node.26',
  platform: 'linux',
  arch: 'x64',
  cpuModel: 'Test CPU 3000',
  cpuCount: 8,
  totalMemoryBytes: 16 * 1024 ** 3,
  loadAverage: [0.5, 0.4, 0.3],
  uvThreadpoolSize: null,
  nodeOptions: null,
  looplabVersion: '0.1.0',
  gitCommit: null,
};

export function makeReport(
  results: ResultEntry[],
  verdicts: ScenarioVerdict[] = [],
  warnings: string[] = [],
): Report {
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  return {
    schemaVersion: SCHEMA_VERSION,
    createdAt: STARTED_AT,
    environment: ENVIRONMENT,
    options: {
      ...DEFAULT_OPTIONS,
      scenarios,
      params: Object.fromEntries(results.map((r) => [r.scenario, r.params])),
    },
    results,
    verdicts,
    warnings,
  };
}

/** Asserts that `fn` throws a LooplabError with this code and message. */
export function throwsCoded(fn: () => unknown, code: string, message: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof LooplabError, `expected a LooplabError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

/** A report's JSON made a version-1 one: no raw lag names (read.ts moves its lag figures there). */
export function asVersion1(doc: unknown): {
  schemaVersion: number;
  results: { runs: Record<string, unknown>[]; summary: Record<string, unknown> }[];
} {
  const v1 = doc as ReturnType<typeof asVersion1>;
  v1.schemaVersion = 1;
  for (const e of v1.results) {
    for (const name of ['lagRawP50Ms', 'lagRawP99Ms']) {
      delete e.summary[name];
      for (const run of e.runs) delete run[name];
    }
  }
  return v1;
}
