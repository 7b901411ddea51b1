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
  type Report,
  type ResultEntry,
  type RunRecord,
  SCHEMA_VERSION,
} from '../report/types.ts';
import { scenarioVerdicts } from '../report/verdict.ts';
import { reportWarnings } from '../report/warnings.ts';
import { startApp } from './app/app.ts';
import { captureEnvironment } from './environment.ts';
import { type JobHooks, measureTarget, type RunTarget, runHooksOf } from './measure-run.ts';
import type { RunLabel } from './plan.ts';
import { NO_SUCH_ROUTE, type RequestSpec, unprobedServer } from './process/target.ts';
import { SENTINEL_WORKLOAD } from './sentinel.ts';
import { completeness, partialWarning, runUntilStopped } from './until-stopped.ts';

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
    requests: [{ ...path.request, body: path.request.body ?? Buffer.alloc(0) }],
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
  const environment = captureEnvironment(spec.env);
  const createdAt = new Date().toISOString();
  const jobs = planAppJobs(spec, options.runs);
  const records = new Map<string, RunRecord[]>();
  const key = (side: AppSide, path: AppPath) => `${side.name}\u0000${path.label}`;

  const { records: done, stopped } = await runUntilStopped(
    jobs,
    async (job, index) => {
      hooks.onRunStart?.(job, index, jobs.length);
      const record = await measureTarget(
        job.run,
        appRunTarget(job.side, job.path, spec, options),
        options,
        runHooksOf(job, hooks),
      );
      const k = key(job.side, job.path);
      records.set(k, [...(records.get(k) ?? []), record]);
      hooks.onRunEnd?.(job, record, index, jobs.length);
      return record;
    },
    hooks.signal,
  );
  if (stopped && (!hooks.keepPartial || done.length === 0)) throw hooks.signal?.reason;

  const all: ResultEntry[] = spec.sides.flatMap((side) =>
    spec.paths.map((path) => {
      const entry: ResultEntry = {
        ...buildResultEntry(side.name, path.label, {}, records.get(key(side, path)) ?? []),
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
      ...(stopped ? [partialWarning(stopped, done.length, notRun)] : []),
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
