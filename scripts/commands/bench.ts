import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { cpuProfArgs, describeSyncProfiles } from '../../bench/profile/cpu-prof.ts';
import { renderReportHtml } from '../../bench/render/html/render.ts';
import { scenarioNotes } from '../../bench/render/notes.ts';
import {
  formatScenarioTable,
  formats,
  formatTableFooter,
  plural,
  terminalStyle,
} from '../../bench/render/table.ts';
import { runBench } from '../../bench/run/benchmark.ts';
import {
  type BenchOptions,
  DEFAULT_OPTIONS,
  QUICK_OPTIONS,
  validateOptions,
} from '../../bench/run/options.ts';
import { planJobs, type Selection } from '../../bench/run/plan.ts';
import { ERROR_CODES, EXIT, LooplabError } from '../../core/errors.ts';
import { assertWritable, writeFileAtomic } from '../../core/write-atomic.ts';
import { allScenarios, scenarioIds } from '../../scenarios/registry.ts';
import { selectScenarios } from '../../scenarios/select.ts';
import { checkHtmlPath } from '../options/html.ts';
import { paramOption } from '../options/param.ts';
import {
  err,
  type GlobalArgs,
  interruptSignal,
  out,
  setOutcome,
  stderrProgress,
  useColor,
} from '../shared/context.ts';
import { type CompareFlags, compareFlags, prepareBaseline } from './compare.ts';

interface Args extends GlobalArgs, CompareFlags {
  baseline?: string;
  scenarios: string[];
  variant: string[];
  param: string[];
  duration?: number;
  warmup?: number;
  connections?: number;
  runs?: number;
  pingRate?: number;
  timeout?: number;
  timelineInterval?: number;
  quick: boolean;
  json?: string;
  md?: string;
  html?: string;
  cpuProf?: string;
  ceiling: boolean;
}

/** The options in force: defaults, then --quick, then every flag given explicitly. */
export function benchOptions(argv: Partial<Args>): BenchOptions {
  const given: Partial<BenchOptions> = {};
  const set = <K extends keyof BenchOptions>(key: K, value: BenchOptions[K] | undefined) => {
    if (value !== undefined) given[key] = value;
  };
  set('durationSec', argv.duration);
  set('warmupSec', argv.warmup);
  set('connections', argv.connections);
  set('runs', argv.runs);
  set('pingRateHz', argv.pingRate);
  set('timeoutSec', argv.timeout);
  set('timelineIntervalMs', argv.timelineInterval);
  return validateOptions({ ...DEFAULT_OPTIONS, ...(argv.quick ? QUICK_OPTIONS : {}), ...given });
}

interface Output {
  format: 'json' | 'markdown';
  /** undefined: stdout, in place of the table. */
  path: string | undefined;
}

/**
 * `--json FILE` / `--md FILE` write files; either flag alone (yargs gives '') or with `-`
 * prints that format on stdout instead of the table.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION when both ask for stdout.
 */
export function resolveOutputs(json: string | undefined, md: string | undefined): Output[] {
  const outputs: Output[] = [];
  const toPath = (value: string) => (value === '' || value === '-' ? undefined : value);
  if (json !== undefined) outputs.push({ format: 'json', path: toPath(json) });
  if (md !== undefined) outputs.push({ format: 'markdown', path: toPath(md) });
  if (outputs.filter((o) => !o.path).length > 1) {
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      'only one of --json and --md can print to stdout; give the other a file name',
    );
  }
  return outputs;
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
  describe: 'Load-test the variants of each scenario (all when none is named) and report',
  builder: (y: Argv<GlobalArgs>) =>
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
      .option('param', paramOption)
      .option('duration', {
        type: 'number',
        describe: `Seconds of measured load per run [default: ${DEFAULT_OPTIONS.durationSec}]`,
      })
      .option('warmup', {
        type: 'number',
        describe: `Seconds of unmeasured load before each run [default: ${DEFAULT_OPTIONS.warmupSec}]`,
      })
      .option('connections', {
        type: 'number',
        describe: `Concurrent connections [default: ${DEFAULT_OPTIONS.connections}]`,
      })
      .option('runs', {
        type: 'number',
        describe: `Runs per variant, each on a fresh server, interleaved [default: ${DEFAULT_OPTIONS.runs}]`,
      })
      .option('ping-rate', {
        type: 'number',
        describe: `Bystander /ping calls per second [default: ${DEFAULT_OPTIONS.pingRateHz}]`,
      })
      .option('timeout', {
        type: 'number',
        describe: `Seconds before a request counts as timed out [default: ${DEFAULT_OPTIONS.timeoutSec}]`,
      })
      .option('timeline-interval', {
        type: 'number',
        describe: `Milliseconds per lag-timeline point [default: ${DEFAULT_OPTIONS.timelineIntervalMs}]`,
      })
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
      .group(['baseline', 'alpha', 'threshold', 'metrics'], 'Comparing with a baseline:')
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
      .example(
        '$0 bench crypto-pbkdf2 --param iterations=50000',
        'Change a scenario parameter',
      ) as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const options = benchOptions(argv);
    const selection = selectScenarios(argv.scenarios, argv.variant, argv.param);
    await checkHtmlPath(argv.html);
    const execArgv = argv.cpuProf ? await cpuProfArgs(argv.cpuProf) : undefined;
    const outputs = resolveOutputs(argv.json, argv.md);
    // Checked before the benchmark, not after: minutes of measurement must not be lost to a typo.
    for (const o of outputs) if (o.path) await assertWritable(o.path);
    const compareWithBaseline = await prepareBaseline(argv.baseline, argv);

    if (!argv.quiet) err(`looplab: ${describePlan(selection, options)}\n`);
    const toStdout = outputs.find((o) => !o.path);
    const style = terminalStyle(useColor(process.stdout));
    const report = await runBench(selection, options, {
      signal: interruptSignal,
      ceilings: argv.ceiling,
      onCeilingStart: (scenario) => {
        if (!argv.quiet) err(`looplab: timing one ${scenario} sync operation for its ceiling…\n`);
      },
      // Each scenario's table as soon as its runs are done: the first result in seconds, not
      // after the whole benchmark.
      ...(!toStdout && {
        onScenarioDone: (entries, verdict, ceiling) =>
          out(
            `\n${formatScenarioTable(entries, verdict, options, style).trimEnd()}\n` +
              scenarioNotes(entries, ceiling),
          ),
      }),
      ...(execArgv && { execArgv }),
      ...stderrProgress(argv, options.durationSec),
    });

    for (const o of outputs) if (o.path) await writeFileAtomic(o.path, formats[o.format](report));
    if (argv.html) await writeFileAtomic(argv.html, renderReportHtml(report));
    out(
      toStdout
        ? formats[toStdout.format](report)
        : `\n${formatTableFooter(report.warnings, style)}\n`,
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
    if (compareWithBaseline) await compareWithBaseline(report, stream, argv.quiet);

    if (report.results.some((r) => r.runs.some((run) => run.state === 'failed'))) {
      setOutcome(EXIT.CHECK_FAILED);
    }
  },
};
