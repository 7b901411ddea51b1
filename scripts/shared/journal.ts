/**
 * The journal on disk (bench --journal, bench --resume): the header written before the first
 * run, each run appended as it ends, and a journal read back into the plan it had.
 */

import {
  constants,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { resolve } from 'node:path';
import {
  environmentMismatches,
  type Journal,
  type JournalApp,
  type JournalPlanEntry,
  type JournalRun,
  journalLine,
  optionMismatches,
  parseJournal,
} from '../../bench/report/journal.ts';
import { parseReport, readInput } from '../../bench/report/read.ts';
import {
  type BenchOptions,
  JOURNAL_KIND,
  type Report,
  type RunRecord,
  SCHEMA_VERSION,
} from '../../bench/report/types.ts';
import {
  type AppBenchSpec,
  appRecordKey,
  assembleAppReport,
  planAppJobs,
} from '../../bench/run/app-bench.ts';
import {
  assembleReport,
  type BenchHooks,
  notRunIn,
  type Resume,
  recordKey,
} from '../../bench/run/benchmark.ts';
import { captureEnvironment } from '../../bench/run/environment.ts';
import { validateOptions } from '../../bench/run/options.ts';
import { planJobs, type RunLabel } from '../../bench/run/plan.ts';
import { type RecordStore, recordStore } from '../../bench/run/record-store.ts';
import { ERROR_CODES, isLooplabError, LooplabError } from '../../core/errors.ts';
import { plural } from '../../core/numbers.ts';
import { shellWord } from '../../core/shell-word.ts';
import { type Selection, selectScenarios } from '../../scenarios/select.ts';

/** What a journal plans: scenarios (a selection), or your own server (--cmd, --vs-cmd, --url). */
export type JournalTarget =
  | { selection: readonly Selection[]; app?: undefined; cpuProfDir?: string | undefined }
  | { selection?: undefined; app: AppBenchSpec; cpuProfDir?: undefined };

/** A --cmd, --vs-cmd or --url benchmark as its journal keeps it (the environment aside). */
export function journalApp(spec: AppBenchSpec, cwd: string = process.cwd()): JournalApp {
  return {
    cwd,
    sides: spec.sides.map(({ name, label, command, url }) => ({ name, label, command, url })),
    paths: spec.paths.map(({ label, request: r }) => ({
      label,
      method: r.method,
      path: r.path,
      headers: { ...r.headers },
      bodyBase64: r.body ? r.body.toString('base64') : null,
    })),
    port: spec.port ?? null,
    pingPath: spec.pingPath,
    readyTimeoutMs: spec.readyTimeoutMs,
  };
}

/** The benchmark a journal's `app` describes, to run again (with our environment). */
function appSpecOf(app: JournalApp): AppBenchSpec {
  return {
    sides: app.sides,
    paths: app.paths.map((p) => ({
      label: p.label,
      request: {
        method: p.method,
        path: p.path,
        headers: p.headers,
        body: p.bodyBase64 === null ? null : Buffer.from(p.bodyBase64, 'base64'),
      },
    })),
    ...(app.port !== null && { port: app.port }),
    pingPath: app.pingPath,
    readyTimeoutMs: app.readyTimeoutMs,
  };
}

/**
 * The journal's file, opened once: a link planted where it is written is refused, never followed
 * (O_NOFOLLOW, as write-atomic.ts refuses one for the reports), and a journal moved away is not
 * recreated headless at its old name. Open for reading too: the runs are read back from it for
 * the report, even if it was moved or removed meanwhile.
 */
function openJournal(path: string, fresh: boolean): number {
  const { O_RDWR, O_CREAT, O_TRUNC, O_APPEND } = constants;
  const noFollow = constants.O_NOFOLLOW ?? 0;
  return fresh
    ? openSync(path, O_RDWR | O_CREAT | O_TRUNC | noFollow, 0o644)
    : openSync(path, O_RDWR | O_APPEND | noFollow);
}

/** Where a run's line is in the journal, and the run's plan index, to check it on reading back. */
interface Place {
  index: number;
  offset: number;
  bytes: number;
}

/**
 * A run's record read back from its line.
 *
 * @throws {LooplabError} BAD_JOURNAL when the line there is not that run's (the file was changed
 * under looplab, through another path than its lock guards).
 */
function readRecordAt(fd: number, { index, offset, bytes }: Place, path: string): RunRecord {
  const buffer = Buffer.alloc(bytes);
  for (let at = 0; at < bytes; ) {
    const read = readSync(fd, buffer, at, bytes - at, offset + at);
    if (read === 0) break;
    at += read;
  }
  let run: Partial<JournalRun> | undefined;
  try {
    run = JSON.parse(buffer.toString('utf8')) as Partial<JournalRun>;
  } catch {}
  if (run?.index !== index || run.record === undefined) {
    throw new LooplabError(
      ERROR_CODES.BAD_JOURNAL,
      `${path} was changed while looplab wrote it (run ${index} is not where it was written), and the report is made from its runs: leave a journal alone until its bench ends`,
    );
  }
  return run.record;
}

/**
 * Writes a whole line and flushes it to the disk (one fsync a run): a power cut loses at most the
 * run in progress. A short write is written on; a failed one is cut back off (`goodBytes`), so
 * the journal holds whole lines.
 */
function appendWhole(fd: number, line: string, goodBytes: number): number {
  const bytes = Buffer.from(line);
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    fsyncSync(fd);
  } catch (error) {
    try {
      ftruncateSync(fd, goodBytes);
    } catch {}
    throw error;
  }
  return goodBytes + bytes.length;
}

/**
 * The hooks that keep a journal at `path`: a fresh one (its header first, replacing any file
 * there), or, resuming, the runs appended to the one read. A journal that cannot be written (a
 * full disk, its folder gone) is told once to `warn` and given up: the benchmark goes on, its
 * report still written at the end.
 */
export function journalHooks(
  path: string,
  target: JournalTarget,
  options: BenchOptions,
  warn: (line: string) => void = () => {},
): {
  onPlanned: NonNullable<BenchHooks['onPlanned']>;
  onRecord: (job: RunLabel, record: RunRecord, index: number) => void;
  store: RecordStore;
} {
  const plan: JournalPlanEntry[] = (target.selection ?? []).map((s) => ({
    scenario: s.scenario.id,
    variants: [...s.variants],
    params: s.params,
  }));
  let fd: number | null = null;
  let goodBytes = 0;
  let gaveUp = false;
  /** The runs written, not yet handed to the store: where their lines are. */
  const written = new Map<number, Place>();
  /** Where the line starts in the file, once written whole; a journal given up on writes no more. */
  const write = (line: string, fresh: boolean): number | null => {
    if (gaveUp) return null;
    try {
      if (fd === null) {
        fd = openJournal(path, fresh);
        goodBytes = fresh ? 0 : fstatSync(fd).size;
      }
      const offset = goodBytes;
      goodBytes = appendWhole(fd, line, goodBytes);
      return offset;
    } catch (error) {
      gaveUp = true;
      const code = (error as NodeJS.ErrnoException).code;
      warn(
        `the journal ${path} cannot be written (${code ?? (error as Error).message}): the benchmark goes on without it, and a run it lacks is measured again on --resume`,
      );
      return null;
    }
  };
  return {
    onPlanned: ({ createdAt, environment, jobs, ceilings }) => {
      write(
        journalLine({
          kind: 'looplab-journal',
          schemaVersion: SCHEMA_VERSION,
          createdAt,
          environment,
          options,
          plan,
          ...(target.app && { app: journalApp(target.app) }),
          plannedRuns: jobs.length,
          ceilings,
          ...(target.cpuProfDir && { cpuProfDir: resolve(target.cpuProfDir) }),
        }),
        true,
      );
    },
    onRecord: (job, record, index) => {
      const line = journalLine({ index, scenario: job.scenario.id, variant: job.variant, record });
      const offset = write(line, false);
      if (offset !== null) written.set(index, { index, offset, bytes: goodBytes - offset });
    },
    // A run the journal holds waits there for the report, not in memory: a long benchmark stays
    // flat. One it could not write stays in memory.
    store: recordStore(
      (index) => {
        const place = written.get(index) ?? null;
        written.delete(index);
        return place;
      },
      (places) => places.map((place) => readRecordAt(fd as number, place, path)),
    ),
  };
}

/**
 * Reads a journal file.
 *
 * @throws {LooplabError} LOOPLAB_ERR_NO_SUCH_FILE when it cannot be read, else as parseJournal.
 */
export async function readJournal(path: string): Promise<Journal> {
  const text = await readInput(path, 'journal');
  return parseJournal(text, path);
}

/** What a resume runs: the journal's plan and options, and the runs it already has. */
export interface Resumed {
  /** The scenarios planned; empty when `app` is set. */
  selection: Selection[];
  /** Your own server's benchmark, as the journal keeps it. */
  app: AppBenchSpec | undefined;
  options: BenchOptions;
  resume: Resume;
  /** --cpu-prof's directory when the journal's runs were profiled: the resumed ones are too. */
  cpuProfDir: string | undefined;
}

/**
 * How the server flags given with --resume differ from the journal's benchmark, one phrase each;
 * none given (`given` undefined): the journal's are run, from the directory they ran in.
 */
function appMismatches(
  journal: JournalApp | undefined,
  given: AppBenchSpec | undefined,
  cwd: string = process.cwd(),
): string[] {
  // The journal's commands are run again as they were given, and a command names its files from
  // the directory it runs in: elsewhere it may start another server.
  if (given === undefined)
    return journal?.sides.some((side) => side.command) && journal.cwd !== cwd
      ? [`its commands ran from ${journal.cwd}, not ${cwd}: resume it from there`]
      : [];
  if (journal === undefined) return ['--cmd or --url given, but the journal planned scenarios'];
  const now = journalApp(given);
  const fields: [string, unknown, unknown][] = [
    ['the directory', now.cwd, journal.cwd],
    ['the servers', now.sides, journal.sides],
    ['the paths and requests', now.paths, journal.paths],
    ['--port', now.port, journal.port],
    ['--ping', now.pingPath, journal.pingPath],
    ['--start-timeout', now.readyTimeoutMs, journal.readyTimeoutMs],
  ];
  return fields
    .filter(([, a, b]) => JSON.stringify(a) !== JSON.stringify(b))
    .map(([label, a, b]) =>
      label === 'the directory' ? `run from ${String(b)}, not ${String(a)}` : `${label} differ`,
    );
}

/**
 * The benchmark a journal planned, checked against this looplab, Node and machine, and against
 * the options and server flags given now (`given`, the flags set on the command line; `givenApp`,
 * the server --cmd, --vs-cmd or --url describe, when given).
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_JOURNAL for a plan this looplab cannot rebuild or runs
 *   that do not fit it; LOOPLAB_ERR_JOURNAL_MISMATCH for another setup (unless `force`), or an
 *   option or server given that differs; LOOPLAB_ERR_BAD_REPORT for a run the schema refuses.
 */
export function resumeFrom(
  journal: Journal,
  path: string,
  given: Partial<BenchOptions>,
  force: boolean,
  givenApp?: AppBenchSpec,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Resumed {
  const { header } = journal;
  const differentOptions = optionMismatches(header.options, given);
  if (differentOptions.length > 0) {
    throw new LooplabError(
      ERROR_CODES.JOURNAL_MISMATCH,
      `--resume runs the plan of ${path} as it was: ${differentOptions.join('; ')}; leave the option out`,
    );
  }
  // Another server is another benchmark: never forced.
  const differentApp = appMismatches(header.app, givenApp, cwd);
  if (differentApp.length > 0) {
    throw new LooplabError(
      ERROR_CODES.JOURNAL_MISMATCH,
      `--resume runs the benchmark of ${path} as it was: ${differentApp.join('; ')}${givenApp ? '; give the same server flags, or none' : ''}`,
    );
  }
  const { selection, app, options } = planOf(journal, path);
  // The runs from before go into the report as they are: checked as a report's runs are.
  reportFromJournal(journal, path);
  const now = captureEnvironment(env);
  const differences = environmentMismatches(header.environment, now);
  if (differences.length > 0 && !force) {
    throw new LooplabError(
      ERROR_CODES.JOURNAL_MISMATCH,
      `${path} was measured elsewhere: ${differences.join('; ')}; resume where it ran, or add --force to mix them (the report says so)`,
    );
  }
  return {
    selection,
    app: app && { ...app, env },
    options,
    cpuProfDir: header.cpuProfDir,
    resume: {
      createdAt: header.createdAt,
      environment: header.environment,
      ceilings: header.ceilings,
      records: new Map(journal.runs.map((r) => [r.index, r.record])),
      // The runs before and after a stop are minutes or days apart: the report says so.
      warnings: [
        `resumed from ${path}: ${journal.runs.length} of ${header.plannedRuns} planned runs were measured before it stopped`,
        ...(differences.length > 0
          ? [`resumed with --force on another setup: ${differences.join('; ')}`]
          : []),
      ],
    },
  };
}

interface JournalPlan {
  selection: Selection[];
  app: AppBenchSpec | undefined;
  options: BenchOptions;
  jobs: RunLabel[];
}

/**
 * The selection (or app) and options a journal planned, rebuilt here, with its runs checked
 * against it.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_JOURNAL for a plan this looplab cannot rebuild, or a
 *   run that is not where the plan has it.
 */
function planOf(journal: Journal, path: string): JournalPlan {
  const { header } = journal;
  let selection: Selection[];
  let options: BenchOptions;
  try {
    options = validateOptions(header.options);
    selection = header.plan.map(
      (p) =>
        selectScenarios(
          [p.scenario],
          p.variants,
          Object.entries(p.params).map(([k, v]) => `${k}=${v}`),
        )[0] as Selection,
    );
  } catch (err) {
    if (!isLooplabError(err)) throw err;
    throw new LooplabError(
      ERROR_CODES.BAD_JOURNAL,
      `${path} plans a benchmark this looplab cannot run: ${err.message}`,
    );
  }
  const app = header.app && appSpecOf(header.app);
  const jobs: RunLabel[] = app ? planAppJobs(app, options.runs) : planJobs(selection, options.runs);
  if (jobs.length !== header.plannedRuns) {
    throw new LooplabError(
      ERROR_CODES.BAD_JOURNAL,
      `${path} plans ${header.plannedRuns} runs, but its plan makes ${jobs.length} here`,
    );
  }
  for (const run of journal.runs) {
    const job = jobs[run.index];
    if (job?.scenario.id !== run.scenario || job.variant !== run.variant) {
      throw new LooplabError(
        ERROR_CODES.BAD_JOURNAL,
        `${path}: run ${run.index} is ${run.scenario} ${run.variant}, where the plan has ${job?.scenario.id} ${job?.variant}`,
      );
    }
  }
  return { selection, app, options, jobs };
}

/**
 * What a journal holds, as a report (looplab report): its runs so far, and when the plan is
 * not done, a first warning that says so. Checked against the report's schema, as a report is.
 *
 * @throws {LooplabError} as planOf, and LOOPLAB_ERR_BAD_REPORT for a run the schema refuses.
 */
export function reportFromJournal(journal: Journal, path: string): Report {
  const { header } = journal;
  const { selection, app, options, jobs } = planOf(journal, path);
  const records = new Map<string, RunRecord[]>();
  for (const run of [...journal.runs].sort((a, b) => a.index - b.index)) {
    const job = jobs[run.index] as RunLabel;
    const key = app
      ? appRecordKey(job.scenario.id, job.variant)
      : recordKey(job.scenario.id, job.variant);
    records.set(key, [...(records.get(key) ?? []), run.record]);
  }
  const missing = header.plannedRuns - journal.runs.length;
  const unfinished = (notRun: readonly string[]) =>
    missing > 0
      ? [
          `journal: ${journal.runs.length} of ${plural(header.plannedRuns, 'planned run')}; ` +
            `the benchmark stopped, or is still running (finish it with looplab bench --resume ${shellWord(path)})` +
            (notRun.length > 0 ? `; ${notRun.join(', ')} never ran` : ''),
        ]
      : [];
  const meta = { createdAt: header.createdAt, environment: header.environment, stopped: null };
  const report = app
    ? assembleAppReport(app, options, records, {
        ...meta,
        warnings: unfinished(
          app.sides.flatMap((side) =>
            app.paths
              .filter((p) => !records.has(appRecordKey(side.name, p.label)))
              .map((p) => `${side.name} ${p.label}`),
          ),
        ),
        completedRuns: journal.runs.length,
      })
    : assembleReport(selection, options, records, {
        ...meta,
        ceilings: header.ceilings,
        warnings: unfinished(notRunIn(selection, records)),
      });
  // Not every planned run is there: a partial report, for all a reader of it knows (no signal
  // is known: the benchmark was killed, or is still running).
  const partial =
    missing > 0 ? { ...report, complete: false, plannedRuns: header.plannedRuns } : report;
  return parseReport(JSON.stringify(partial), path);
}

/**
 * Reads a report, or a journal as the report of what it holds (looplab report).
 *
 * @throws {LooplabError} as readReport, parseJournal and reportFromJournal.
 */
export async function readReportOrJournal(path: string): Promise<Report> {
  const text = await readInput(path, 'report');
  // A journal's first line is its header, and starts with its kind.
  return text.startsWith(`{"kind":"${JOURNAL_KIND}"`)
    ? reportFromJournal(parseJournal(text, path), path)
    : parseReport(text, path);
}

/** Cuts a torn last line off, so that the next run appended starts a line of its own. */
export function dropTornLine(path: string, journal: Journal): void {
  if (journal.torn) truncateSync(path, journal.validBytes);
}
