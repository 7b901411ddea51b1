import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { findLesson, lessonNumber, readLessonFile } from '../../lessons/registry.ts';
import { err, type GlobalArgs, out } from '../shared/context.ts';
import { openProgress } from '../shared/lessons.ts';

interface Args extends GlobalArgs {
  lesson: string;
}

export const solutionCommand: CommandModule<GlobalArgs, Args> = {
  command: 'solution <lesson>',
  describe: "Show the reference solution to a lesson's exercise",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('lesson', { type: 'string', demandOption: true, describe: 'Lesson number or id' })
      .example('$0 solution 1', 'The reference solution to exercise 1 (TypeScript, on stdout)')
      .example('$0 solution 1 > mine.ts', 'Save it as a file') as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const lesson = findLesson(argv.lesson);
    const { progress } = await openProgress();
    // On stderr: stdout stays the file itself, so it can be redirected.
    if (!progress.passed[lesson.id] && !argv.quiet) {
      err(
        `looplab: warning: you have not passed exercise ${lessonNumber(lesson)} yet; ` +
          `try \`looplab hint ${lessonNumber(lesson)}\` first, you learn more by finding it\n`,
      );
    }
    out(readLessonFile(lesson, 'solution.ts'));
  },
};
