import type { Argv, CommandModule } from 'yargs';
import type { Args } from '../handlers/reset.ts';
import type { GlobalArgs } from '../shared/context.ts';

export const resetCommand: CommandModule<GlobalArgs, Args> = {
  command: 'reset [lesson]',
  describe: 'Forget that a lesson (or every lesson) was passed; exercise files are left alone',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('lesson', { type: 'string', describe: 'Lesson number or id (default: all)' })
      .example('$0 reset 2', 'Lesson 2 is unfinished again')
      .example('$0 reset', 'Start the lessons afresh') as Argv<Args>,
  handler: async (argv) => (await import('../handlers/reset.ts')).handle(argv),
};
