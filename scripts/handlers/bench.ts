/**
 * What `looplab bench` does: check every flag before anything starts (scenarios, variants,
 * parameters, your own server's flags, output paths), then run it with handlers/bench-run.ts.
 */
import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ArgumentsCamelCase } from 'yargs';
import { cpuProfArgs } from '../../bench/profile/cpu-prof.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { assertDistinctOutputs } from '../../core/output-paths.ts';
import { assertWritable, outputTarget } from '../../core/write-atomic.ts';
import { selectScenarios } from '../../scenarios/select.ts';
import {
  type AppFlags,
  appSpec,
  checkAppFlagsUnused,
  checkScenarioFlagsUnused,
  startTimeoutMs,
  wantsApp,
} from '../options/app.ts';
import { type BenchFlags, benchOptions, givenOptions } from '../options/bench.ts';
import type { CompareFlags } from '../options/compare.ts';
import { checkHtmlPath } from '../options/html.ts';
import { type Output, resolveOutputs, stepSummaryOutput } from '../options/outputs.ts';
import type { GlobalArgs } from '../shared/context.ts';
import { dropTornLine, readJournal, resumeFrom } from '../shared/journal.ts';
import { lockJournal } from '../shared/journal-lock.ts';

export interface Args extends GlobalArgs, CompareFlags, BenchFlags, AppFlags {
  baseline?: string;
  scenarios: string[];
  variant: string[];
  param: string[];
  quick: boolean;
  json?: string;
  md?: string;
  html?: string;
  cpuProf?: string;
  ceiling: boolean;
  /** A path, or false for --no-journal. */
  journal?: string | false;
  resume?: string;
  force: boolean;
}

/** --resume runs the journal's plan: a flag that would set another is refused, not ignored. */
function checkResumeFlags(argv: Args): void {
  const planFlags = [
    argv.scenarios.length > 0 && 'a scenario',
    argv.variant.length > 0 && '--variant',
    argv.param.length > 0 && '--param',
    argv.quick && '--quick',
    argv.journal !== undefined && '--journal (the runs are appended to the journal resumed)',
    argv.cpuProf !== undefined && '--cpu-prof',
  ].filter((f): f is string => typeof f === 'string');
  if (planFlags.length > 0) {
    throw new LooplabError(
      ERROR_CODES.USAGE,
      `--resume runs the plan the journal holds; leave out ${planFlags.join(', ')}`,
    );
  }
}

/**
 * Where bench keeps its journal: --journal FILE; none for --no-journal; else beside the first
 * report file asked for (--json, --md, --html), as `FILE.journal.ndjson`; none when the report
 * only goes to stdout or to a device or pipe. A journal resumed is removed, once the whole report
 * is written, only when it is the one beside that report.
 */
async function journalPathOf(
  argv: Args,
  outputs: readonly Output[],
): Promise<{ path: string; named: boolean } | undefined> {
  if (argv.journal === false && argv.resume === undefined) return undefined;
  if (typeof argv.journal === 'string') return { path: argv.journal, named: true };
  const report = [
    outputs.find((o) => o.format === 'json' && o.path)?.path,
    outputs.find((o) => o.format === 'markdown' && o.path)?.path,
    argv.html,
  ].find((p) => p !== undefined);
  const target = report === undefined ? undefined : await outputTarget(report);
  const beside =
    target?.kind === 'file' || target?.kind === 'missing' ? `${report}.journal.ndjson` : undefined;
  // A journal resumed is kept, unless it is the one beside the report it now completes.
  // The same file however it is spelled (./out.json.journal.ndjson, an absolute path).
  if (argv.resume !== undefined)
    return {
      path: argv.resume,
      named: beside === undefined || resolve(argv.resume) !== resolve(beside),
    };
  return beside === undefined ? undefined : { path: beside, named: false };
}

/**
 * A fresh benchmark must not replace a journal that holds runs: they may be all that is left of
 * them. One that did not finish is resumed; one that did but is still there lost its report (the
 * journal beside a report goes once the report is whole), which --resume writes without running
 * anything (one named with --journal is kept by design, and replaced). A file there that is not
 * a journal looplab can read is not replaced either. A journal with no run in it (stopped before
 * the first ended) is.
 *
 * @throws {LooplabError} LOOPLAB_ERR_JOURNAL_UNFINISHED.
 */
async function checkNotUnfinished(path: string, named: boolean): Promise<void> {
  const unfinished = (why: string) =>
    new LooplabError(
      ERROR_CODES.JOURNAL_UNFINISHED,
      `${path} ${why}; move it away, or add --no-journal (or --journal another file)`,
    );
  if ((await lstat(path).catch(() => null)) === null) return;
  let journal: Awaited<ReturnType<typeof readJournal>>;
  try {
    journal = await readJournal(path);
  } catch (error) {
    throw unfinished(
      `is there and is not a journal this looplab can read (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const { plannedRuns } = journal.header;
  // A finished journal named with --journal is kept by design, its report written beside it.
  if (journal.runs.length === 0 || (named && journal.runs.length >= plannedRuns)) return;
  if (journal.runs.length < plannedRuns)
    throw unfinished(
      `holds ${journal.runs.length} of ${plannedRuns} runs of a benchmark that did not finish: finish it with --resume ${path}`,
    );
  throw unfinished(
    `holds ${plannedRuns === 1 ? 'the one run' : `all ${plannedRuns} runs`} of a benchmark whose report was not written: write it with --resume ${path} (it runs nothing)`,
  );
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  // The journal's lock, once taken, is let go however the benchmark ends.
  let unlock = () => {};
  try {
    await bench(argv, (path) => {
      unlock = lockJournal(path);
    });
  } finally {
    unlock();
  }
}

/** `lock` takes the journal's lock before it is read or replaced: another looplab may write it. */
async function bench(
  argv: ArgumentsCamelCase<Args>,
  lock: (journal: string) => void,
): Promise<void> {
  if (argv.force && argv.resume === undefined) {
    throw new LooplabError(ERROR_CODES.USAGE, '--force goes with --resume JOURNAL');
  }
  if (argv.resume !== undefined) checkResumeFlags(argv);
  const app = wantsApp(argv);
  if (app) checkScenarioFlagsUnused(argv);
  else checkAppFlagsUnused(argv);
  // With --resume, the server flags given are checked against the journal's.
  const givenSpec = app ? await appSpec(argv, argv.scenarios) : undefined;
  if (argv.resume !== undefined) lock(argv.resume);
  const journal = argv.resume !== undefined ? await readJournal(argv.resume) : undefined;
  const resumed =
    journal && argv.resume !== undefined
      ? resumeFrom(journal, argv.resume, givenOptions(argv), argv.force, givenSpec)
      : undefined;
  const options = resumed?.options ?? benchOptions(argv);
  const spec = resumed ? resumed.app : givenSpec;
  // Checked with the other flags, before anything is printed or started (an app's, in appSpec).
  const scenarioStartTimeoutMs = spec ? null : startTimeoutMs(argv.startTimeout, 'scenario');
  const selection =
    resumed?.selection ?? (spec ? [] : selectScenarios(argv.scenarios, argv.variant, argv.param));
  await checkHtmlPath(argv.html);
  // A resume profiles as the journal's runs were (a profiled server runs slower).
  const cpuProf = resumed ? resumed.cpuProfDir : argv.cpuProf;
  const execArgv = cpuProf ? await cpuProfArgs(cpuProf) : undefined;
  const outputs = resolveOutputs(argv.json, argv.md);
  const journalAt = await journalPathOf(argv, outputs);
  await assertDistinctOutputs(
    argv.baseline === undefined ? [] : [{ name: '--baseline', path: argv.baseline }],
    [
      ...outputs.flatMap((o) =>
        o.path ? [{ name: o.format === 'json' ? '--json' : '--md', path: o.path }] : [],
      ),
      ...(argv.html ? [{ name: '--html', path: argv.html }] : []),
      ...(journalAt !== undefined
        ? [
            {
              name: argv.resume !== undefined ? '--resume' : 'the journal (--journal)',
              path: journalAt.path,
            },
          ]
        : []),
      ...stepSummaryOutput(argv.baseline !== undefined),
    ],
  );
  // Checked before the benchmark, not after: minutes of measurement must not be lost to a typo.
  for (const o of outputs) if (o.path) await assertWritable(o.path);
  if (journalAt && argv.resume === undefined) {
    lock(journalAt.path);
    await checkNotUnfinished(journalAt.path, journalAt.named);
    await assertWritable(journalAt.path);
  }
  // A torn last line is cut off before the first run is appended after it.
  if (journal && argv.resume !== undefined) dropTornLine(argv.resume, journal);
  // Only now the harness, the renderers and the statistics: bad input is refused without them.
  const { runChecked } = await import('./bench-run.ts');
  await runChecked({
    flags: cpuProf === argv.cpuProf ? argv : { ...argv, cpuProf },
    options,
    spec,
    selection,
    execArgv,
    outputs,
    scenarioStartTimeoutMs,
    ...(journalAt !== undefined && {
      journal: {
        path: journalAt.path,
        named: journalAt.named,
        ...(resumed && { resume: resumed.resume }),
      },
    }),
  });
}
