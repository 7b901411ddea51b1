import type { Argv, CommandModule } from 'yargs';
import type { Args } from '../handlers/scenarios.ts';
import type { GlobalArgs } from '../shared/context.ts';

export const scenariosCommand: CommandModule<GlobalArgs, Args> = {
  command: 'scenarios',
  describe: 'List the scenarios, their variants and parameters',
  builder: (y: Argv<GlobalArgs>) =>
    y.option('json', {
      type: 'boolean',
      default: false,
      describe: 'Print machine-readable JSON',
    }) as Argv<Args>,
  handler: async (argv) => (await import('../handlers/scenarios.ts')).handle(argv),
};
