import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_MICRO } from '../../bench/run/options.ts';
import { scenarioIds } from '../../scenarios/registry.ts';
import type { Args } from '../handlers/micro.ts';
import { paramOption } from '../options/param.ts';
import type { GlobalArgs } from '../shared/context.ts';

export const microCommand: CommandModule<GlobalArgs, Args> = {
  command: 'micro [scenarios..]',
  describe:
    "Time the one operation each scenario's sync variant does per request (tinybench), and the ceiling it puts on one event loop",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('scenarios', {
        type: 'string',
        array: true,
        default: [],
        describe: `Scenario ids: ${scenarioIds().join(', ')} (all when none is named)`,
      })
      .option('param', paramOption)
      .option('time', {
        type: 'number',
        default: DEFAULT_MICRO.timeMs,
        describe: `Milliseconds of timing per scenario (at least ${DEFAULT_MICRO.minSamples} calls)`,
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'Print the results as JSON on stdout',
      })
      .example('$0 micro', 'Every scenario: mean, p99, margin of error and ceiling')
      .example('$0 micro busy-wait --param ms=20', 'One 20 ms spin: a ceiling near 50 req/s')
      .example(
        '$0 micro crypto-pbkdf2 --json',
        'The per-call mean and ceiling as JSON',
      ) as unknown as Argv<Args>,
  handler: async (argv) => (await import('../handlers/micro.ts')).handle(argv),
};
