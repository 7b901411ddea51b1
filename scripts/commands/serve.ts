import type { Argv, CommandModule } from 'yargs';
import { scenarioIds } from '../../scenarios/registry.ts';
import type { Args } from '../handlers/serve.ts';
import { withStallFlags } from '../options/bench.ts';
import type { GlobalArgs } from '../shared/context.ts';

export const serveCommand: CommandModule<GlobalArgs, Args> = {
  command: 'serve <scenario> [variant]',
  describe: 'Run one variant in the foreground, to poke with curl; Ctrl-C stops it',
  builder: (y: Argv<GlobalArgs>) =>
    withStallFlags(y)
      .positional('scenario', {
        type: 'string',
        demandOption: true,
        describe: `One of: ${scenarioIds().join(', ')}`,
      })
      .positional('variant', { type: 'string', default: 'sync', describe: 'Variant to serve' })
      .option('port', {
        type: 'number',
        default: 0,
        describe: 'Port to listen on (0 picks a free one)',
      })
      .option('host', {
        type: 'string',
        default: '127.0.0.1',
        describe: 'Address to listen on; not loopback only with --allow-remote',
      })
      .option('allow-remote', {
        type: 'boolean',
        default: false,
        describe: 'Allow a --host other machines can reach (the server has no authentication)',
      })
      .option('param', {
        type: 'string',
        array: true,
        nargs: 1,
        default: [],
        describe: 'Override a parameter: name=value (repeatable)',
      })
      .example(
        '$0 serve fs-read sync --port 3000',
        'then: curl http://127.0.0.1:3000/ and curl http://127.0.0.1:3000/ping',
      )
      .example(
        '$0 serve busy-wait sync --stalls',
        'Ctrl-C then also says which code held the loop',
      ) as unknown as Argv<Args>,
  handler: async (argv) => (await import('../handlers/serve.ts')).handle(argv),
};
