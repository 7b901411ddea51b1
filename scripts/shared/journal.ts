/**
 * The journal on disk (bench --journal, bench --resume): the header written before the first
 * run, each run appended as it ends, and a journal read back into the plan it had.
 */
import { appendFileSync, truncateSync, writeFileSync } from 'node:fs';
import {
  environmentMismatches,
  JOURNAL_KIND,
  type Journal,
  journalLine,
  optionMismatches,
  parseJournal,
} from '../../bench/report/journal.ts';
import { parseReport, readInput } from '../../bench/report/read.ts';
import {
  type BenchOptions,
  type Report,
  type RunRecord,
  SCHEMA_VERSION,
} from '../../bench/report/types.ts';
import {
  assembleReport,
  type BenchHooks,
  notRunIn,
  type Resume,
  recordKey,
} from '../../bench/run/benchmark.ts';
import { captureEnvironment } from '../../bench/run/environment.ts';
import { validateOptions } from '../../bench/run/options.ts';
import { type Job, planJobs } from '../../bench/run/plan.ts';
import { ERROR_CODES, isLooplabError, LooplabError } from '../../core/errors.ts';
import { plural } from '../../core/numbers.ts';
import { type Selection, selectScenarios } from '../../scenarios/select.ts';

/**
 * The hooks that keep a journal at `path`: a fresh one (its header first, replacing any file
 * there), or, resuming, the runs appended to the one read.
 */
export function journalHooks(
  path: string,
  selection: readonly Selection[],
  options: BenchOptions,
): Pick<BenchHooks, 'onPlanned' | 'onRecord'> {
  return {
    onPlanned: ({ createdAt, environment, jobs, ceilings }) => {
      writeFileSync(
        path,
        journalLine({
          kind: 'looplab-journal',
          schemaVersion: SCHEMA_VERSION,
          createdAt,
          environment,
          options,
          plan: selection.map((s) => ({
            scenario: s.scenario.id,
            variants: [...s.variants],
            params: s.params,
          })),
          plannedRuns: jobs.length,
          ceilings,
        }),
      );
    },
    // One write of the whole line (O_APPEND): a kill tears at most this line, and a reader
    // sees whole lines or a torn last one.
    onRecord: (job, record, index) =>
      appendFileSync(
        path,
        journalLine({ index, scenario: job.scenario.id, variant: job.variant, record }),
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
  selection: Selection[];
  options: BenchOptions;
  resume: Resume;
}

/**
 * The benchmark a journal planned, checked against this looplab, Node and machine, and against
 * the options given now (`given`, the flags set on the command line).
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_JOURNAL for a plan this looplab cannot rebuild or runs
 *   that do not fit it; LOOPLAB_ERR_JOURNAL_MISMATCH for another setup (unless `force`) or an
 *   option given that differs; LOOPLAB_ERR_BAD_REPORT for a run the report's schema refuses.
 */
export function resumeFrom(
  journal: Journal,
  path: string,
  given: Partial<BenchOptions>,
  force: boolean,
  env: NodeJS.ProcessEnv = process.env,
): Resumed {
  const { header } = journal;
  const differentOptions = optionMismatches(header.options, given);
  if (differentOptions.length > 0) {
    throw new LooplabError(
      ERROR_CODES.JOURNAL_MISMATCH,
      `--resume runs the plan of ${path} as it was: ${differentOptions.join('; ')}; leave the option out`,
    );
  }
  const { selection, options } = planOf(journal, path);
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
    options,
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

/**
 * The selection and options a journal planned, rebuilt here, with its runs checked against it.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_JOURNAL for a plan this looplab cannot rebuild, or a
 *   run that is not where the plan has it.
 */
function planOf(journal: Journal, path: string): { selection: Selection[]; options: BenchOptions } {
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
  const jobs = planJobs(selection, options.runs);
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
  return { selection, options };
}

/**
 * What a journal holds, as a report (looplab report): its runs so far, and when the plan is
 * not done, a first warning that says so. Checked against the report's schema, as a report is.
 *
 * @throws {LooplabError} as planOf, and LOOPLAB_ERR_BAD_REPORT for a run the schema refuses.
 */
export function reportFromJournal(journal: Journal, path: string): Report {
  const { header } = journal;
  const { selection, options } = planOf(journal, path);
  const jobs = planJobs(selection, options.runs);
  const records = new Map<string, RunRecord[]>();
  for (const run of [...journal.runs].sort((a, b) => a.index - b.index)) {
    const job = jobs[run.index] as Job;
    const key = recordKey(job.scenario.id, job.variant);
    records.set(key, [...(records.get(key) ?? []), run.record]);
  }
  const missing = header.plannedRuns - journal.runs.length;
  const notRun = notRunIn(selection, records);
  const report = assembleReport(selection, options, records, {
    createdAt: header.createdAt,
    environment: header.environment,
    ceilings: header.ceilings,
    warnings:
      missing > 0
        ? [
            `journal: ${journal.runs.length} of ${plural(header.plannedRuns, 'planned run')}; ` +
              `the benchmark stopped, or is still running (finish it with looplab bench --resume ${path})` +
              (notRun.length > 0 ? `; ${notRun.join(', ')} never ran` : ''),
          ]
        : [],
    stopped: null,
  });
  return parseReport(JSON.stringify(report), path);
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
