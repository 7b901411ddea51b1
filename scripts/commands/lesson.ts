import type { Argv, CommandModule } from 'yargs';
import type { Args } from '../handlers/lesson.ts';
import { LESSON_FLAGS, withBenchFlags } from '../options/bench.ts';
import type { GlobalArgs } from '../shared/context.ts';

export const lessonCommand: CommandModule<GlobalArgs, Args> = {
  command: 'lesson [lesson]',
  describe:
    'Take a lesson: read, predict, measure on this machine, see why (default: the first unfinished)',
  builder: (y: Argv<GlobalArgs>) =>
    withBenchFlags(
      y
        .positional('lesson', {
          type: 'string',
          describe: 'Lesson number or id (see: looplab lessons)',
        })
        .option('exercise', {
          type: 'boolean',
          default: false,
          describe:
            "Copy the lesson's exercise starter (lesson 14: the app, a folder) into ./looplab-exercises/ and say what to fix",
        })
        .option('force', {
          type: 'boolean',
          default: false,
          describe: 'With --exercise: overwrite an existing file',
        })
        .option('input', {
          type: 'boolean',
          default: true,
          describe:
            'Ask for a prediction (--no-input: run end to end without asking; also without a terminal)',
        })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: "Print the lesson's measured claims as JSON",
        })
        .option('live', {
          type: 'boolean',
          default: false,
          describe:
            "Show the lesson's runs live on looplab live's page while they measure (docs/live.md)",
        })
        .option('open', {
          type: 'boolean',
          default: true,
          describe: 'With --live: open the page in the browser (--no-open: only print its address)',
        })
        .option('port', {
          type: 'number',
          describe: 'With --live: port of the page on 127.0.0.1 (0 or none picks a free one)',
        }),
      LESSON_FLAGS,
    )
      .example('$0 lesson', 'The first lesson you have not passed yet')
      .example('$0 lesson 1', 'Lesson 1: read, predict, measure, explain')
      .example('$0 lesson the-waiter --no-input', 'The same, without asking (CI, pipes)')
      .example('$0 lesson 1 --live', 'The same, with its runs drawn live in the browser')
      .example(
        '$0 lesson 1 --exercise',
        'Start exercise 1 in ./looplab-exercises/the-waiter.ts',
      ) as unknown as Argv<Args>,
  handler: async (argv) => (await import('../handlers/lesson.ts')).handle(argv),
};
