import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { progressPath, resetProgress, saveProgress } from '../../lessons/engine/progress.ts';
import { findLesson, lessonNumber } from '../../lessons/registry.ts';
import { err, type GlobalArgs } from '../shared/context.ts';
import { openProgress } from '../shared/lessons.ts';

interface Args extends GlobalArgs {
  lesson?: string;
}

export const resetCommand: CommandModule<GlobalArgs, Args> = {
  command: 'reset [lesson]',
  describe: 'Forget that a lesson (or every lesson) was passed; exercise files are left alone',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('lesson', { type: 'string', describe: 'Lesson number or id (default: all)' })
      .example('$0 reset 2', 'Lesson 2 is unfinished again')
      .example('$0 reset', 'Start the lessons afresh') as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const lesson = argv.lesson === undefined ? undefined : findLesson(argv.lesson);
    const { path, progress } = await openProgress();
    await saveProgress(path, resetProgress(progress, lesson?.id));
    if (!argv.quiet) {
      err(
        `${lesson ? `lesson ${lessonNumber(lesson)} (${lesson.id}) is` : 'every lesson is'} unfinished again (${progressPath()})\n`,
      );
    }
  },
};
