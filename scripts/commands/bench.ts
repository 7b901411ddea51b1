import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
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
import { allScenarios, scenarioIds } from '../../scenarios/registry.ts';
import { type Selection, selectScenarios } from '../../scenarios/select.ts';
import { type AppFlags, appSpec, startTimeoutMs, wantsApp, withAppFlags } from '../options/app.ts';
import { type BenchFlags, benchOptions, withBenchFlags } from '../options/bench.ts';
import { type CompareFlags, compareFlags } from '../options/compare.ts';
import { checkHtmlPath } from '../options/html.ts';
import { resolveOutputs } from '../options/outputs.ts';
import { paramOption } from '../options/param.ts';
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

interface Args extends GlobalArgs, CompareFlags, BenchFlags, AppFlags {
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

/** The parameters each scenario takes, for --help: the flag is useless without them. */
function paramsEpilogue(): string {
  const lines = allScenarios.map((s) => {
    const params = Object.entries(s.params).map(([k, p]) => `${k}=${p.default} (${p.unit})`);
    return `  ${s.id}: ${params.join(', ') || 'none'}`;
  });
  return `Scenario parameters for --param, with defaults:\n${lines.join('\n')}`;
}

export const benchCommand: CommandModule<GlobalArgs, Args> = {
  command: 'bench [scenarios..]',
  describe:
    'Load-test the variants of each scenario (all when none is named), or your own server (--cmd, --url), and report',
  builder: (y: Argv<GlobalArgs>) =>
    withAppFlags(
      withBenchFlags(
        compareFlags(y)
          .positional('scenarios', {
            type: 'string',
            array: true,
            default: [],
            describe: `Scenario ids: ${scenarioIds().join(', ')}`,
          })
          .option('variant', {
            type: 'string',
            array: true,
            // One value per flag, so `--variant sync busy-wait` leaves busy-wait a scenario id.
            nargs: 1,
            default: [],
            describe: 'Only these variants (repeatable), e.g. --variant sync --variant async',
          })
          .option('param', paramOption),
      ),
    )
      .option('quick', {
        type: 'boolean',
        default: false,
        describe: 'One short run per variant (2 s, 0.5 s warm-up): a first look, not statistics',
      })
      .option('html', {
        type: 'string',
        describe: 'Also write the report as one self-contained HTML page (charts, no network)',
      })
      .option('cpu-prof', {
        type: 'string',
        describe:
          "Save a V8 CPU profile of every server run in this directory (Chrome DevTools loads them); print the sync variant's top functions",
      })
      .option('ceiling', {
        type: 'boolean',
        default: true,
        describe:
          'Time the sync operation first (tinybench, ~0.7 s a scenario) and show the ceiling it sets; --no-ceiling skips it',
      })
      .option('json', {
        type: 'string',
        describe:
          'Write the JSON report to this file; alone, print it on stdout instead of the table',
      })
      .option('md', {
        type: 'string',
        describe: 'Write a Markdown summary to this file; alone, print it on stdout',
      })
      .option('baseline', {
        type: 'string',
        describe:
          'Compare with this report afterwards (see looplab compare; --alpha, --threshold and --metrics apply); exit 1 on a regression',
      })
      .group(['baseline', 'alpha', 'threshold', 'metrics'], 'Comparing (--baseline, --vs-cmd):')
      .epilogue(paramsEpilogue())
      .example('$0 bench busy-wait', 'Both variants of one scenario, default settings')
      .example('$0 bench busy-wait --html out.html', 'Also write the charts as one offline page')
      .example(
        '$0 bench busy-wait --cpu-prof prof',
        'CPU profiles of every server, top functions of sync',
      )
      .example(
        '$0 bench busy-wait crypto-pbkdf2 --duration 3 --runs 3 --json out.json --md out.md',
        'Two scenarios; write the report and a Markdown summary',
      )
      .example(
        '$0 bench busy-wait --runs 8 --json head.json --baseline base.json',
        'Run, save the report, and compare it with an earlier one',
      )
      .example('$0 bench crypto-pbkdf2 --param iterations=50000', 'Change a scenario parameter')
      .example(
        '$0 bench --cmd "node server.js" --path /orders --path "/search?q=shoes"',
        'Your own server, with the probe preloaded: no code change',
      )
      .example(
        '$0 bench --cmd "node before.js" --vs-cmd "node after.js" --runs 10',
        'Two commands as a pair, interleaved; a paired test says which is faster',
      )
      .example(
        '$0 bench --url http://127.0.0.1:3000/orders',
        'A server already running: throughput, latency and the bystander, no loop metrics',
      ) as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
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
            if (!argv.quiet)
              err(`looplab: timing one ${scenario} sync operation for its ceiling…\n`);
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
  },
};
