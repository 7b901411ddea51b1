import type { Argv, CommandModule } from 'yargs';
import type { Args } from '../handlers/verify.ts';
import { LESSON_FLAGS, withBenchFlags } from '../options/bench.ts';
import type { GlobalArgs } from '../shared/context.ts';

export const verifyCommand: CommandModule<GlobalArgs, Args> = {
  command: 'verify <lesson> [file]',
  describe:
    "Check your exercise under load: same answers as the reference, and the lesson's load criteria",
  builder: (y: Argv<GlobalArgs>) =>
    withBenchFlags(
      y
        .positional('lesson', {
          type: 'string',
          demandOption: true,
          describe: 'Lesson number or id',
        })
        .positional('file', {
          type: 'string',
          describe:
            'Your handler, a TypeScript file [default: ./looplab-exercises/<lesson id>.ts]; for lesson 14, your app folder [default: ./looplab-exercises/the-detective/]',
        })
        .option('json', { type: 'boolean', default: false, describe: 'Print the checks as JSON' }),
      // --timeout: how long verify waits for each answer before it calls the handler stuck.
      [...LESSON_FLAGS, 'timeout'],
    )
      .epilogue(
        'Exit 0 when every check passes, 1 when one fails, 2 when the file is missing, throws when loaded, exports no handler, or does not answer within --timeout (10 s).',
      )
      .example('$0 verify 1', 'Verify ./looplab-exercises/the-waiter.ts')
      .example(
        '$0 verify 14',
        'Verify the shop in ./looplab-exercises/the-detective/, blocker by blocker',
      )
      .example(
        '$0 verify 2 my-reader.ts --runs 3',
        'Another file, more runs',
      ) as unknown as Argv<Args>,
  handler: async (argv) => (await import('../handlers/verify.ts')).handle(argv),
};
