/**
 * Benchmarking a user's own server: `bench --cmd` (started with the probe preloaded), `--vs-cmd`
 * (a second command, interleaved run by run with the first), and `--url` (a server already
 * running, without a probe). The report is the same as for scenarios: the app is the scenario
 * (`--name`), each path a variant.
 */
import { buildResultEntry, summarizeSentinel } from '../report/build.ts';
import { diagnose } from '../report/diagnosis.ts';
import {
  type AppTarget,
  type BenchOptions,
  type Environment,
  type Report,
  type ResultEntry,
  type RunRecord,
  SCHEMA_VERSION,
} from '../report/types.ts';
import { scenarioVerdicts } from '../report/verdict.ts';
import { reportWarnings } from '../report/warnings.ts';
import { startApp } from './app/app.ts';
import type { Planned, Resume } from './benchmark.ts';
import { captureEnvironment } from './environment.ts';
import { type JobHooks, measureTarget, type RunTarget, runHooksOf } from './measure-run.ts';
import type { RunLabel } from './plan.ts';
import { NO_SUCH_ROUTE, type RequestSpec, unprobedServer } from './process/target.ts';
import { type RecordStore, recordStore } from './record-store.ts';
import { SENTINEL_WORKLOAD } from './sentinel.ts';
import { completeness, partialWarning, runUntilStopped, type Stopped } from './until-stopped.ts';

/** One server to measure: a command (with the probe) or a URL (without). */
export interface AppSide {
  /** The report's scenario name for it: --name, or --vs-name. */
  name: string;
  /** How messages name it: `--cmd "node server.js"`. */
  label: string;
  command: string | null;
  /** The origin of --url, e.g. `http://127.0.0.1:3000`. */
  url: string | null;
}

/** One route to load: the path as given (the variant), and the request it makes. */
export interface AppPath {
  label: string;
  request: RequestSpec;
  /**
   * Requests sent in turn instead of `request` alone (an app lesson's: many inputs, so that an
   * app that remembers its answers finds few repeats); the report describes the first.
   */
  requests?: readonly RequestSpec[];
}

export interface AppBenchSpec {
  /** One side, or two to compare (--vs-cmd). */
  sides: readonly AppSide[];
  paths: readonly AppPath[];
  /** The port to measure when the app listens on several. */
  port?: number;
  /** The app's own bystander route (--ping); null: the preload serves one (--url: a 404). */
  pingPath: string | null;
  /** How long an app may take to listen. */
  readyTimeoutMs: number;
  /** The apps' environment; default ours. */
  env?: NodeJS.ProcessEnv;
}

export interface AppJob extends RunLabel {
  side: AppSide;
  path: AppPath;
}

/**
 * Orders the runs: run by run, path by path, the sides side by side (A B A B ...), so that the
 * two runs of one pair are next to each other in time and the machine's drift hits both alike.
 */
export function planAppJobs(spec: AppBenchSpec, runs: number): AppJob[] {
  const jobs: AppJob[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const path of spec.paths) {
      for (const side of spec.sides) {
        jobs.push({ scenario: { id: side.name }, variant: path.label, run, side, path });
      }
    }
  }
  return jobs;
}

export interface AppBenchHooks extends JobHooks<AppJob> {
  /** As runBench's: on an interrupt, a partial report of the runs that completed. */
  keepPartial?: boolean;
  /** As runBench's: what a journal's header holds, before the first run (not on a resume). */
  onPlanned?: (planned: Planned) => void;
  /** A run measured now (not one resumed), as soon as it ends: the journal appends it. */
  onRecord?: (job: AppJob, record: RunRecord, index: number) => void;
  /** Runs measured before (a journal's): their plan index → record; only the others are run. */
  resume?: Resume;
  /** As runBench's: where the records wait for the report; default in memory. */
  store?: RecordStore;
}

/** Where an app benchmark keeps a side's records for one path. */
export function appRecordKey(side: string, path: string): string {
  return `${side}\u0000${path}`;
}

function appTarget(side: AppSide, path: AppPath, spec: AppBenchSpec): AppTarget {
  const r = path.request;
  return {
    command: side.command,
    url: side.url,
    method: r.method,
    path: r.path,
    headerNames: Object.keys(r.headers),
    bodyBytes: r.body ? r.body.length : null,
    pingPath: side.url !== null ? (spec.pingPath ?? NO_SUCH_ROUTE) : spec.pingPath,
    probe: side.command !== null,
    port: side.command !== null ? (spec.port ?? null) : null,
  };
}

/** One route of one side, as a run target: a fresh app (or the URL) on each start(). */
export function appRunTarget(
  side: AppSide,
  path: AppPath,
  spec: AppBenchSpec,
  options: BenchOptions,
): RunTarget {
  return {
    label: side.label,
    requests: (path.requests ?? [path.request]).map((r) => ({
      ...r,
      body: r.body ?? Buffer.alloc(0),
    })),
    start: async () => {
      if (side.url !== null) {
        // No probe on a server looplab did not start.
        return unprobedServer(side.url, spec.pingPath);
      }
      return startApp({
        command: side.command as string,
        label: side.label,
        ...(spec.port !== undefined && { port: spec.port }),
        pingPath: spec.pingPath,
        timelineIntervalMs: options.timelineIntervalMs,
        stallThresholdMs: options.stallThresholdMs ?? null,
        readyTimeoutMs: spec.readyTimeoutMs,
        ...(spec.env && { env: spec.env }),
      });
    },
  };
}

/**
 * Runs every side and path `options.runs` times, interleaved, and builds the report. Throws only
 * when aborted, and with `keepPartial`, on an interrupt, only when no run had completed.
 */
export async function runAppBench(
  spec: AppBenchSpec,
  options: BenchOptions,
  hooks: AppBenchHooks = {},
): Promise<Report> {
  const { resume } = hooks;
  // A resumed report is the benchmark's: its start, and the machine its first runs measured.
  const environment = resume?.environment ?? captureEnvironment(spec.env);
  const createdAt = resume?.createdAt ?? new Date().toISOString();
  const jobs = planAppJobs(spec, options.runs);
  if (!resume) hooks.onPlanned?.({ createdAt, environment, jobs, ceilings: [] });
  const store = hooks.store ?? recordStore();

  const { completed, stopped } = await runUntilStopped(
    jobs,
    async (job, index) => {
      let record = resume?.records.get(index);
      if (!record) {
        hooks.onRunStart?.(job, index, jobs.length);
        record = await measureTarget(
          job.run,
          appRunTarget(job.side, job.path, spec, options),
          options,
          runHooksOf(job, hooks),
        );
        hooks.onRecord?.(job, record, index);
        hooks.onRunEnd?.(job, record, index, jobs.length);
      }
      store.add(appRecordKey(job.side.name, job.path.label), index, record);
    },
    hooks.signal,
    (index) => resume?.records.has(index) ?? false,
  );
  if (stopped && (!hooks.keepPartial || completed === 0)) throw hooks.signal?.reason;
  return assembleAppReport(spec, options, store.read(), {
    createdAt,
    environment,
    warnings: resume?.warnings ?? [],
    stopped,
    completedRuns: completed,
  });
}

/**
 * The report of an app benchmark's records (each side and path's, in run order): a benchmark's,
 * or a journal's. `warnings` follow the partial one, before those the results call for.
 */
export function assembleAppReport(
  spec: AppBenchSpec,
  options: BenchOptions,
  records: ReadonlyMap<string, RunRecord[]>,
  meta: {
    createdAt: string;
    environment: Environment;
    warnings: readonly string[];
    stopped: Stopped | null;
    completedRuns: number;
  },
): Report {
  const { createdAt, environment, stopped } = meta;
  const all: ResultEntry[] = spec.sides.flatMap((side) =>
    spec.paths.map((path) => {
      const entry: ResultEntry = {
        ...buildResultEntry(
          side.name,
          path.label,
          {},
          records.get(appRecordKey(side.name, path.label)) ?? [],
        ),
        target: appTarget(side, path, spec),
      };
      return { ...entry, diagnosis: diagnose(entry) };
    }),
  );
  // A path the stop left without a run has nothing to report (the schema wants a run).
  const results = all.filter((e) => e.runs.length > 0);
  const notRun = all.filter((e) => e.runs.length === 0).map((e) => `${e.scenario} ${e.variant}`);
  const sentinel = summarizeSentinel(results, SENTINEL_WORKLOAD);
  const [base, head] = spec.sides;
  const measured = (side: AppSide) => results.some((r) => r.scenario === side.name);
  return {
    schemaVersion: SCHEMA_VERSION,
    createdAt,
    ...completeness(stopped),
    environment,
    options: {
      ...options,
      scenarios: spec.sides.map((s) => s.name),
      params: Object.fromEntries(spec.sides.map((s) => [s.name, {}])),
    },
    results,
    verdicts: scenarioVerdicts(results),
    warnings: [
      ...(stopped ? [partialWarning(stopped, meta.completedRuns, notRun)] : []),
      ...meta.warnings,
      ...reportWarnings(results, environment.cpuCount),
    ],
    ...(sentinel && { sentinel }),
    // Stopped before one side ran, there is no pair to compare.
    ...(base &&
      head &&
      measured(base) &&
      measured(head) && {
        pairs: { base: base.name, head: head.name },
      }),
  };
}
