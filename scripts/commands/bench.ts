import type { Argv, CommandModule } from 'yargs';
import { allScenarios, scenarioIds } from '../../scenarios/registry.ts';
import type { Args } from '../handlers/bench.ts';
import { withAppFlags } from '../options/app.ts';
import { withBenchFlags } from '../options/bench.ts';
import { compareFlags } from '../options/compare.ts';
import { paramOption } from '../options/param.ts';
import type { GlobalArgs } from '../shared/context.ts';

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
      .option('journal', {
        type: 'string',
        describe:
          'Append each run to this NDJSON file as it ends, so that a killed benchmark can be finished with --resume [default: beside the first of --json, --md, --html, as FILE.journal.ndjson, removed once the whole report is written]; --no-journal keeps none',
      })
      .option('resume', {
        type: 'string',
        describe:
          'Finish the benchmark a journal holds: run only its missing runs, in plan order, appending to it, and write the whole report (with --json, --md, --html)',
      })
      .option('force', {
        type: 'boolean',
        default: false,
        describe:
          'With --resume: resume on another looplab, Node or machine; the report warns of the mix',
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
      .example(
        '$0 bench busy-wait --journal run.ndjson --json out.json',
        'Keep every run as it ends; after a kill: $0 bench --resume run.ndjson --json out.json',
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
  handler: async (argv) => (await import('../handlers/bench.ts')).handle(argv),
};
