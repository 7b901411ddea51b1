import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { formatMicro } from '../../bench/render/micro.ts';
import { DEFAULT_MICRO, measureOperation } from '../../bench/run/micro.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { jsonText } from '../../core/json.ts';
import { scenarioIds } from '../../scenarios/registry.ts';
import { selectScenarios } from '../../scenarios/select.ts';
import { paramOption } from '../options/param.ts';
import { err, type GlobalArgs, interruptSignal, out } from '../shared/context.ts';

interface Args extends GlobalArgs {
  scenarios: string[];
  param: string[];
  time: number;
  json: boolean;
}

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
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    if (!(Number.isFinite(argv.time) && argv.time > 0)) {
      throw new LooplabError(
        ERROR_CODES.BAD_OPTION,
        `--time must be a positive number of milliseconds, got ${argv.time}`,
      );
    }
    const selection = selectScenarios(argv.scenarios, [], argv.param);
    const results = [];
    for (const s of selection) {
      if (!argv.quiet) err(`timing ${s.scenario.id}…\n`);
      results.push(
        await measureOperation(s.scenario, s.params, {
          ...DEFAULT_MICRO,
          timeMs: argv.time,
          signal: interruptSignal,
        }),
      );
    }
    out(argv.json ? jsonText(results) : formatMicro(results));
  },
};
