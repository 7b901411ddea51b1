import type { Argv, CommandModule } from 'yargs';
import type { Args } from '../handlers/solution.ts';
import type { GlobalArgs } from '../shared/context.ts';

export const solutionCommand: CommandModule<GlobalArgs, Args> = {
  command: 'solution <lesson>',
  describe: "Show the reference solution to a lesson's exercise",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('lesson', { type: 'string', demandOption: true, describe: 'Lesson number or id' })
      .example('$0 solution 1', 'The reference solution to exercise 1 (TypeScript, on stdout)')
      .example('$0 solution 1 > mine.ts', 'Save it as a file') as Argv<Args>,
  handler: async (argv) => (await import('../handlers/solution.ts')).handle(argv),
};
