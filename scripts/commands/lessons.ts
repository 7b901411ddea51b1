import type { Argv, CommandModule } from 'yargs';
import type { Args } from '../handlers/lessons.ts';
import type { GlobalArgs } from '../shared/context.ts';

export const lessonsCommand: CommandModule<GlobalArgs, Args> = {
  command: 'lessons',
  describe: 'List the guided lessons, with a check mark for each one passed',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'Print the list as JSON' })
      .example('$0 lessons', 'The lessons, in order')
      .example(
        '$0 lessons --json',
        'number, id, title, scenario and passed for each',
      ) as Argv<Args>,
  handler: async (argv) => (await import('../handlers/lessons.ts')).handle(argv),
};
