import { realpathSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { EXIT } from '../../core/errors.ts';
import { formatVerify } from '../../lessons/engine/format.ts';
import { markPassed, saveProgress } from '../../lessons/engine/progress.ts';
import { VERIFY_OPTIONS, verifyExercise } from '../../lessons/engine/verify.ts';
import { findLesson, lessonFile, lessonNumber } from '../../lessons/registry.ts';
import {
  type BenchFlags,
  LESSON_FLAGS,
  optionsFromFlags,
  withBenchFlags,
} from '../options/bench.ts';
import {
  err,
  type GlobalArgs,
  interruptSignal,
  out,
  setOutcome,
  stderrProgress,
  useColor,
} from '../shared/context.ts';
import { exercisePath, lessonStyle, openProgress, textWidth } from '../shared/lessons.ts';

/** Whether `file` is looplab's own reference solution: verifying it proves nothing about the learner. */
function isReferenceSolution(file: string, reference: string): boolean {
  try {
    return realpathSync(file) === realpathSync(reference);
  } catch {
    return false;
  }
}

interface Args extends GlobalArgs, BenchFlags {
  lesson: string;
  file?: string;
  json: boolean;
}

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
          describe: 'Your handler, a TypeScript file [default: ./looplab-exercises/<lesson id>.ts]',
        })
        .option('json', { type: 'boolean', default: false, describe: 'Print the checks as JSON' }),
      LESSON_FLAGS,
    )
      .epilogue(
        'Exit 0 when every check passes, 1 when one fails, 2 when the file is missing, throws when loaded, or exports no handler.',
      )
      .example('$0 verify 1', 'Verify ./looplab-exercises/the-waiter.ts')
      .example(
        '$0 verify 2 my-reader.ts --runs 3',
        'Another file, more runs',
      ) as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const lesson = findLesson(argv.lesson);
    const options = optionsFromFlags(argv, { ...VERIFY_OPTIONS, ...lesson.verify.bench });
    const file = argv.file ?? exercisePath(lesson);
    const { path, progress } = await openProgress();
    const result = await verifyExercise(lesson, file, options, {
      signal: interruptSignal,
      // Only once the file has loaded: a broken file gets exactly one line, the error.
      onLoaded: () => {
        if (!argv.quiet)
          err(
            `looplab: ${file} loaded; comparing its responses with ${lesson.scenario.id} ${lesson.verify.reference}…\n`,
          );
      },
      onLoad: () => {
        if (!argv.quiet)
          err(
            `same responses; now under load (${options.runs} × ${options.durationSec} s per handler)…\n`,
          );
      },
      ...stderrProgress(argv, options.durationSec),
    });
    const reference = isReferenceSolution(file, lessonFile(lesson, 'solution.ts'));
    const record = result.passed && !reference;
    if (record) await saveProgress(path, markPassed(progress, lesson.id, new Date()));

    if (argv.json) {
      out(
        `${JSON.stringify(
          {
            lesson: { number: lessonNumber(lesson), id: lesson.id },
            file,
            passed: result.passed,
            recorded: record,
            equivalence: result.equivalence,
            criteria: result.criteria,
            heldBy: result.heldBy,
            warnings: result.report?.warnings ?? [],
          },
          null,
          2,
        )}\n`,
      );
    } else {
      out(formatVerify(result, lessonStyle(useColor(process.stdout)), textWidth()));
      if (record) out(`Lesson ${lessonNumber(lesson)} passed; see \`looplab lessons\`.\n`);
      else if (result.passed)
        out("That is looplab's reference solution: it passes, but it is not recorded as yours.\n");
    }
    setOutcome(result.passed ? EXIT.OK : EXIT.CHECK_FAILED);
  },
};
