import type { Argv, CommandModule } from 'yargs';
import type { Args } from '../handlers/hint.ts';
import type { GlobalArgs } from '../shared/context.ts';

export const hintCommand: CommandModule<GlobalArgs, Args> = {
  command: 'hint <lesson>',
  describe: "A hint for a lesson's exercise",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('lesson', { type: 'string', demandOption: true, describe: 'Lesson number or id' })
      .example('$0 hint 1', 'A nudge for exercise 1, without giving it away') as Argv<Args>,
  handler: async (argv) => (await import('../handlers/hint.ts')).handle(argv),
};
