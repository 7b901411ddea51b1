/**
 * bench once handlers/bench.ts has checked its flags: read the baseline, run the scenarios or the
 * user's own server, write the outputs, print the tables and the comparisons. A module of its
 * own because the harness, the renderers and the statistics load with it, and a mistyped
 * scenario or flag is refused without them.
 */
import { rm } from 'node:fs/promises';
import { describeSyncProfiles } from '../../bench/profile/cpu-prof.ts';
import { formats } from '../../bench/render/formats.ts';
import { renderReportHtml } from '../../bench/render/html/render.ts';
import { formatScenario, formatTable, formatTableFooter } from '../../bench/render/table.ts';
import { terminalStyle } from '../../bench/render/terminal-style.ts';
import type { BenchOptions } from '../../bench/report/types.ts';
import { type AppBenchSpec, runAppBench } from '../../bench/run/app-bench.ts';
import { type BenchHooks, type Resume, runBench } from '../../bench/run/benchmark.ts';
import { planJobs } from '../../bench/run/plan.ts';
import { EXIT, Interrupted } from '../../core/errors.ts';
import { plural } from '../../core/numbers.ts';
import type { Selection } from '../../scenarios/select.ts';
import type { CompareFlags } from '../options/compare.ts';
import { type Output, outputFlags, resumeCommand } from '../options/outputs.ts';
import { prepareBaseline } from '../shared/comparison.ts';
import {
  err,
  type GlobalArgs,
  interruptSignal,
  out,
  setOutcome,
  stderrProgress,
  useColor,
} from '../shared/context.ts';
import { journalHooks } from '../shared/journal.ts';
import { checkAppReachable, comparePairs, describeAppPlan } from '../shared/own-server.ts';
import { writeEach } from '../shared/write-outputs.ts';

/** What handlers/bench.ts found the flags to ask for. */
export interface CheckedBench {
  flags: GlobalArgs &
    CompareFlags & { baseline?: string; ceiling: boolean; html?: string; cpuProf?: string };
  options: BenchOptions;
  /** Set for --cmd or --url; the scenarios' selection is then empty. */
  spec: AppBenchSpec | undefined;
  selection: Selection[];
  /** --cpu-prof's flags for each server. */
  execArgv: BenchHooks['execArgv'];
  outputs: Output[];
  scenarioStartTimeoutMs: number | null;
  /**
   * The journal: --journal FILE (`named`), the one beside the report, or --resume FILE with the
   * runs the journal has.
   */
  journal?: { path: string; named: boolean; resume?: Resume };
}

function describePlan(selection: readonly Selection[], o: BenchOptions): string {
  const runs = planJobs(selection, o.runs).length;
  const variants = selection.reduce((n, s) => n + s.variants.length, 0);
  // Server start-up, the probe read and reaping cost about half a second a run here.
  const seconds = Math.ceil(runs * (o.warmupSec + o.durationSec + 0.5));
  return (
    `${plural(selection.length, 'scenario')}, ${plural(variants, 'variant')} × ${plural(o.runs, 'run')}` +
    ` = ${plural(runs, 'run')}, about ${seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`}`
  );
}

/** Runs the benchmark the checked flags ask for, and prints and writes what it found. */
export async function runChecked(checked: CheckedBench): Promise<void> {
  const {
    flags: argv,
    options,
    spec,
    selection,
    execArgv,
    outputs,
    scenarioStartTimeoutMs,
    journal,
  } = checked;
  const compareWithBaseline = await prepareBaseline(argv.baseline, argv);
  if (spec) await checkAppReachable(spec);

  if (!argv.quiet) {
    err(`looplab: ${spec ? describeAppPlan(spec, options) : describePlan(selection, options)}
`);
    if (journal?.resume) {
      err(
        `looplab: resuming ${journal.path}: ${plural(journal.resume.records.size, 'run')} done\n`,
      );
    }
  }
  const toStdout = outputs.find((o) => !o.path);
  const journalWarning = (line: string) => err(`looplab: warning: ${line}\n`);
  const style = terminalStyle(useColor(process.stdout));
  // Scenarios whose table is out: on a stop, the others' tables follow, marked partial.
  const printed = new Set<string>();
  const report = await (spec
    ? runAppBench(spec, options, {
        signal: interruptSignal,
        keepPartial: true,
        ...stderrProgress(argv, options.durationSec),
        ...(journal && journalHooks(journal.path, { app: spec }, options, journalWarning)),
        ...(journal?.resume && { resume: journal.resume }),
      })
    : runBench(selection, options, {
        signal: interruptSignal,
        keepPartial: true,
        ceilings: argv.ceiling,
        onCeilingStart: (scenario) => {
          if (!argv.quiet) err(`looplab: timing one ${scenario} sync operation for its ceiling…\n`);
        },
        // Each scenario's table as soon as its runs are done: the first result in seconds, not
        // after the whole benchmark.
        ...(!toStdout && {
          onScenarioDone: (entries, verdict, ceiling) => {
            printed.add(entries[0]?.scenario ?? '');
            out(`\n${formatScenario(entries, verdict, ceiling, options, style)}`);
          },
        }),
        ...(execArgv && { execArgv }),
        ...(scenarioStartTimeoutMs !== null && { startTimeoutMs: scenarioStartTimeoutMs }),
        ...stderrProgress(argv, options.durationSec),
        ...(journal &&
          journalHooks(
            journal.path,
            { selection, cpuProfDir: argv.cpuProf },
            options,
            journalWarning,
          )),
        ...(journal?.resume && { resume: journal.resume }),
      })
  ).catch(async (error: unknown) => {
    if (error instanceof Interrupted) {
      // Nothing measured: an earlier report at an output path stays as it was, and the journal
      // looplab started beside it, its header alone, goes.
      if (journal && !journal.named && !journal.resume) await rm(journal.path, { force: true });
      err(`looplab: stopped by ${error.signal} before any run completed; nothing written\n`);
    }
    throw error;
  });

  const partial = report.complete === false ? report.warnings[0] : undefined;
  // An app's runs are interleaved, so its tables come at the end, all at once; so do the
  // tables of the scenarios a stop cut short.
  const late = spec
    ? report
    : { ...report, results: report.results.filter((r) => !printed.has(r.scenario)) };
  const tables =
    !toStdout && late.results.length > 0
      ? `\n${partial ? `${partial}\n\n` : ''}${formatTable(late, style, false).trimEnd()}\n`
      : '';
  out(
    toStdout
      ? formats[toStdout.format](report)
      : `${tables}\n${formatTableFooter(report.warnings, style, report.sentinel)}\n`,
  );
  if (argv.cpuProf) {
    const top = await describeSyncProfiles(argv.cpuProf, selection);
    // With the report on stdout, stdout stays pure JSON or Markdown.
    if (!toStdout) out(top);
    else if (!argv.quiet) err(top);
  }
  // After the table, each on its own: a full disk on --json loses neither the table nor --html.
  if (argv.debug) err('debug: phase writing outputs\n');
  const written = await writeEach(
    [
      ...outputs.flatMap((o) =>
        o.path ? [{ path: o.path, text: () => formats[o.format](report) }] : [],
      ),
      ...(argv.html ? [{ path: argv.html, text: () => renderReportHtml(report) }] : []),
    ],
    argv.quiet,
  );
  if (!argv.quiet && argv.cpuProf) err(`CPU profiles in ${argv.cpuProf}\n`);
  // The journal beside the report has done its job once the whole report is written; one named
  // (--journal, --resume) is kept, and so is any journal of a partial report, to resume.
  if (journal && !journal.named && written && report.complete !== false) {
    await rm(journal.path, { force: true });
  } else if (journal && report.complete === false && !argv.quiet) {
    err(
      `looplab: the runs so far are in ${journal.path}; finish them with: ${resumeCommand(journal.path, outputFlags(outputs, argv.html))}\n`,
    );
  }

  // With JSON or Markdown on stdout, the comparison goes to stderr so stdout stays parseable.
  const stream = toStdout ? process.stderr : process.stdout;
  if (spec && report.pairs) await comparePairs(report, spec, argv, stream);
  if (compareWithBaseline) await compareWithBaseline(report, stream, argv.quiet);

  if (report.results.some((r) => r.runs.some((run) => run.state === 'failed'))) {
    setOutcome(EXIT.CHECK_FAILED);
  }
}
