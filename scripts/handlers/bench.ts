/**
 * What `looplab bench` does: check every flag before anything starts, run the scenarios or the
 * user's own server, write the outputs, then compare with a baseline or between --cmd and
 * --vs-cmd. Loaded only when bench runs (see commands/bench.ts).
 */
import type { ArgumentsCamelCase } from 'yargs';
import { cpuProfArgs, describeSyncProfiles } from '../../bench/profile/cpu-prof.ts';
import { formats } from '../../bench/render/formats.ts';
import { renderReportHtml } from '../../bench/render/html/render.ts';
import { formatScenario, formatTable, formatTableFooter } from '../../bench/render/table.ts';
import { terminalStyle } from '../../bench/render/terminal-style.ts';
import type { BenchOptions } from '../../bench/report/types.ts';
import { runAppBench } from '../../bench/run/app-bench.ts';
import { runBench } from '../../bench/run/benchmark.ts';
import { planJobs } from '../../bench/run/plan.ts';
import { EXIT } from '../../core/errors.ts';
import { plural } from '../../core/numbers.ts';
import { assertWritable, writeFileAtomic } from '../../core/write-atomic.ts';
import { type Selection, selectScenarios } from '../../scenarios/select.ts';
import { type AppFlags, appSpec, startTimeoutMs, wantsApp } from '../options/app.ts';
import { type BenchFlags, benchOptions } from '../options/bench.ts';
import type { CompareFlags } from '../options/compare.ts';
import { checkHtmlPath } from '../options/html.ts';
import { resolveOutputs } from '../options/outputs.ts';
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
import {
  checkAppFlagsUnused,
  checkAppReachable,
  checkScenarioFlagsUnused,
  comparePairs,
  describeAppPlan,
} from '../shared/own-server.ts';

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

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  const options = benchOptions(argv);
  const app = wantsApp(argv);
  if (app) checkScenarioFlagsUnused(argv);
  else checkAppFlagsUnused(argv);
  // Checked with the other flags, before anything is printed or started (an app's, in appSpec).
  const scenarioStartTimeoutMs = app ? null : startTimeoutMs(argv.startTimeout, 'scenario');
  const spec = app ? await appSpec(argv, argv.scenarios) : undefined;
  const selection = spec ? [] : selectScenarios(argv.scenarios, argv.variant, argv.param);
  await checkHtmlPath(argv.html);
  const execArgv = argv.cpuProf ? await cpuProfArgs(argv.cpuProf) : undefined;
  const outputs = resolveOutputs(argv.json, argv.md);
  // Checked before the benchmark, not after: minutes of measurement must not be lost to a typo.
  for (const o of outputs) if (o.path) await assertWritable(o.path);
  const compareWithBaseline = await prepareBaseline(argv.baseline, argv);
  if (spec) await checkAppReachable(spec);

  if (!argv.quiet) {
    err(`looplab: ${spec ? describeAppPlan(spec, options) : describePlan(selection, options)}
`);
  }
  const toStdout = outputs.find((o) => !o.path);
  const style = terminalStyle(useColor(process.stdout));
  const report = spec
    ? await runAppBench(spec, options, {
        signal: interruptSignal,
        ...stderrProgress(argv, options.durationSec),
      })
    : await runBench(selection, options, {
        signal: interruptSignal,
        ceilings: argv.ceiling,
        onCeilingStart: (scenario) => {
          if (!argv.quiet) err(`looplab: timing one ${scenario} sync operation for its ceiling…\n`);
        },
        // Each scenario's table as soon as its runs are done: the first result in seconds, not
        // after the whole benchmark.
        ...(!toStdout && {
          onScenarioDone: (entries, verdict, ceiling) =>
            out(`\n${formatScenario(entries, verdict, ceiling, options, style)}`),
        }),
        ...(execArgv && { execArgv }),
        ...(scenarioStartTimeoutMs !== null && { startTimeoutMs: scenarioStartTimeoutMs }),
        ...stderrProgress(argv, options.durationSec),
      });

  for (const o of outputs) if (o.path) await writeFileAtomic(o.path, formats[o.format](report));
  if (argv.html) await writeFileAtomic(argv.html, renderReportHtml(report));
  // An app's runs are interleaved, so its tables come at the end, all at once.
  const tables = spec && !toStdout ? `\n${formatTable(report, style, false).trimEnd()}\n` : '';
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
  if (!argv.quiet && argv.html) err(`wrote ${argv.html}\n`);
  if (!argv.quiet && argv.cpuProf) err(`CPU profiles in ${argv.cpuProf}\n`);
  if (!argv.quiet) for (const o of outputs) if (o.path) err(`wrote ${o.path}\n`);

  // With JSON or Markdown on stdout, the comparison goes to stderr so stdout stays parseable.
  const stream = toStdout ? process.stderr : process.stdout;
  if (spec && report.pairs) await comparePairs(report, spec, argv, stream);
  if (compareWithBaseline) await compareWithBaseline(report, stream, argv.quiet);

  if (report.results.some((r) => r.runs.some((run) => run.state === 'failed'))) {
    setOutcome(EXIT.CHECK_FAILED);
  }
}
