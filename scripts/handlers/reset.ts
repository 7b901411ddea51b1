/** What `looplab reset` does: forget one lesson's pass, or every one. */
import type { ArgumentsCamelCase } from 'yargs';
import { progressPath, resetProgress, saveProgress } from '../../lessons/engine/progress.ts';
import { findLesson, lessonNumber } from '../../lessons/registry.ts';
import { err, type GlobalArgs } from '../shared/context.ts';
import { openProgress } from '../shared/lessons.ts';

export interface Args extends GlobalArgs {
  lesson?: string;
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  const lesson = argv.lesson === undefined ? undefined : findLesson(argv.lesson);
  const { path, progress } = await openProgress();
  await saveProgress(path, resetProgress(progress, lesson?.id));
  if (!argv.quiet) {
    err(
      `${lesson ? `lesson ${lessonNumber(lesson)} (${lesson.id}) is` : 'every lesson is'} unfinished again (${progressPath()})\n`,
    );
  }
}
