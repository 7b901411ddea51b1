/**
 * The benchmark: every planned run in order, then the report.
 */
import type { Selection } from '../../scenarios/select.ts';

import type { Params } from '../../scenarios/types.ts';
import { buildResultEntry, summarizeSentinel } from '../report/build.ts';
import { diagnose } from '../report/diagnosis.ts';
import {
  type BenchOptions,
  type Environment,
  type MicroResult,
  type Report,
  type ResultEntry,
  type RunRecord,
  SCHEMA_VERSION,
} from '../report/types.ts';
import { scenarioVerdict, scenarioVerdicts } from '../report/verdict.ts';
import { reportWarnings } from '../report/warnings.ts';
import { captureEnvironment } from './environment.ts';
import { type JobHooks, measureRun, runHooksOf } from './measure-run.ts';
import { measureCeilings } from './micro.ts';
import { type Job, planJobs, type RunLabel } from './plan.ts';
import { type RecordStore, recordStore } from './record-store.ts';
import { SENTINEL_WORKLOAD } from './sentinel.ts';
import { completeness, partialWarning, runUntilStopped, type Stopped } from './until-stopped.ts';

export interface BenchHooks extends JobHooks<Job> {
  /**
   * Time each scenario's sync operation before any load (bench/micro.ts), for the ceiling it
   * puts on one event loop; the report carries them as `ceilings`.
   */
  ceilings?: boolean;
  onCeilingStart?: (scenario: string) => void;
  /** After a scenario's last run: its results, verdict and ceiling, before the next starts. */
  onScenarioDone?: (entries: ResultEntry[], verdict: string, ceiling?: MicroResult) => void;
  execArgv?: (job: Job) => string[];
  probe?: boolean;
  /** Every server child's environment (and the report's `uvThreadpoolSize`); default ours. */
  env?: NodeJS.ProcessEnv;
  /** How long each server child may take to report its port (--start-timeout). */
  startTimeoutMs?: number;
  /**
   * On an Interrupted abort (Ctrl-C, SIGTERM), return a partial report of the runs that
   * completed instead of throwing; it still throws when none had.
   */
  keepPartial?: boolean;
  /**
   * Once the plan is known (the ceilings timed, before the first run): what a journal's header
   * holds. Not called on a resume, whose journal has one.
   */
  onPlanned?: (planned: Planned) => void;
  /** A run measured now (not one resumed), as soon as it ends: the journal appends it. */
  onRecord?: (job: Job, record: RunRecord, index: number) => void;
  /** Runs measured before (a journal's): their plan index → record; only the others are run. */
  resume?: Resume;
  /** Where the records wait for the report (the journal's lines); default in memory. */
  store?: RecordStore;
}

/** What a benchmark planned, and where: a journal's header. */
export interface Planned {
  createdAt: string;
  environment: Environment;
  jobs: readonly RunLabel[];
  ceilings: MicroResult[];
}

/** What a resumed benchmark keeps from the journal. */
export interface Resume {
  createdAt: string;
  environment: Environment;
  ceilings: MicroResult[];
  records: ReadonlyMap<number, RunRecord>;
  /** What differed from the journal and was forced (--force): the report's warnings say it. */
  warnings: readonly string[];
}

/**
 * Runs every job of the selection and builds the report. Throws only when aborted, and with
 * `keepPartial`, on an interrupt, only when no run had completed.
 */
export async function runBench(
  selection: readonly Selection[],
  options: BenchOptions,
  hooks: BenchHooks = {},
): Promise<Report> {
  const { resume } = hooks;
  // A resumed report is the benchmark's: its start, and the machine its first runs measured.
  const environment = resume?.environment ?? captureEnvironment(hooks.env);
  const createdAt = resume?.createdAt ?? new Date().toISOString();
  const ceilings =
    resume?.ceilings ??
    (hooks.ceilings ? await measureCeilings(selection, hooks.signal, hooks.onCeilingStart) : []);
  const jobs = planJobs(selection, options.runs);
  if (!resume) hooks.onPlanned?.({ createdAt, environment, jobs, ceilings });
  const store = hooks.store ?? recordStore();

  const { completed, stopped } = await runUntilStopped(
    jobs,
    async (job, index) => {
      let record = resume?.records.get(index);
      if (!record) {
        hooks.onRunStart?.(job, index, jobs.length);
        record = await measureRun(job, options, {
          ...runHooksOf(job, hooks),
          execArgv: hooks.execArgv?.(job) ?? [],
          probe: hooks.probe ?? true,
          ...(hooks.env && { env: hooks.env }),
          ...(hooks.startTimeoutMs !== undefined && { startTimeoutMs: hooks.startTimeoutMs }),
        });
        hooks.onRecord?.(job, record, index);
        hooks.onRunEnd?.(job, record, index, jobs.length);
      }
      store.add(recordKey(job.scenario.id, job.variant), index, record);
      const scenario = selection.find((s) => s.scenario === job.scenario);
      if (hooks.onScenarioDone && scenario && jobs[index + 1]?.scenario !== job.scenario) {
        const keys = scenario.variants.map((v) => recordKey(scenario.scenario.id, v));
        const entries = entriesOfSelection(scenario, store.read(keys));
        const ceiling = ceilings.find((c) => c.scenario === job.scenario.id);
        hooks.onScenarioDone(entries, scenarioVerdict(entries), ceiling);
      }
    },
    hooks.signal,
    (index) => resume?.records.has(index) ?? false,
  );
  // Stopped: a report of the runs that completed, when the caller keeps one and there are any.
  if (stopped && (!hooks.keepPartial || completed === 0)) throw hooks.signal?.reason;

  const records = store.read();
  return assembleReport(selection, options, records, {
    createdAt,
    environment,
    ceilings,
    warnings: [
      ...(stopped ? [partialWarning(stopped, completed, notRunIn(selection, records))] : []),
      ...(resume?.warnings ?? []),
    ],
    stopped,
  });
}

/** Where a benchmark keeps a variant's records. */
export function recordKey(scenario: string, variant: string): string {
  return `${scenario}\u0000${variant}`;
}

function entriesOfSelection(
  s: Selection,
  records: ReadonlyMap<string, RunRecord[]>,
): ResultEntry[] {
  return s.variants.map((variant) => {
    const entry = buildResultEntry(
      s.scenario.id,
      variant,
      s.params,
      records.get(recordKey(s.scenario.id, variant)) ?? [],
    );
    return { ...entry, diagnosis: diagnose(entry) };
  });
}

/** The variants that have no run: `cpu-bound sync`. */
export function notRunIn(
  selection: readonly Selection[],
  records: ReadonlyMap<string, RunRecord[]>,
): string[] {
  return selection.flatMap((s) =>
    s.variants
      .filter((v) => (records.get(recordKey(s.scenario.id, v)) ?? []).length === 0)
      .map((v) => `${s.scenario.id} ${v}`),
  );
}

/**
 * The report of a selection's records (each variant's in run order): a benchmark's, or a
 * journal's. `warnings` come first, before those the results call for.
 */
export function assembleReport(
  selection: readonly Selection[],
  options: BenchOptions,
  records: ReadonlyMap<string, RunRecord[]>,
  meta: {
    createdAt: string;
    environment: Environment;
    ceilings: MicroResult[];
    warnings: readonly string[];
    stopped: Stopped | null;
  },
): Report {
  const { createdAt, environment, ceilings } = meta;
  // A variant the stop left without a run has nothing to report (the schema wants a run).
  const results = selection
    .flatMap((s) => entriesOfSelection(s, records))
    .filter((e) => e.runs.length > 0);
  const sentinel = summarizeSentinel(results, SENTINEL_WORKLOAD);
  return {
    schemaVersion: SCHEMA_VERSION,
    createdAt,
    ...completeness(meta.stopped),
    environment,
    options: {
      ...options,
      scenarios: selection.map((s) => s.scenario.id),
      params: Object.fromEntries(selection.map((s) => [s.scenario.id, s.params])) as Record<
        string,
        Params
      >,
    },
    results,
    verdicts: scenarioVerdicts(results),
    warnings: [...meta.warnings, ...reportWarnings(results, environment.cpuCount)],
    ...(ceilings.length > 0 && { ceilings }),
    ...(sentinel && { sentinel }),
  };
}
