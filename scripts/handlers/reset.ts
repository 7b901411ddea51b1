/** What `looplab reset` does: forget one lesson's pass, or every one. */
import type { ArgumentsCamelCase } from 'yargs';
import { progressPath, resetProgress, updateProgress } from '../../lessons/engine/progress.ts';
import { findAnyLesson, lessonNumber } from '../../lessons/registry.ts';
import { err, type GlobalArgs } from '../shared/context.ts';

export interface Args extends GlobalArgs {
  lesson?: string;
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  const lesson = argv.lesson === undefined ? undefined : findAnyLesson(argv.lesson);
  const { saved, warning } = await updateProgress(progressPath(), (p) =>
    resetProgress(p, lesson?.id),
  );
  if (warning) err(`looplab: warning: ${warning}\n`);
  if (!saved) return;
  if (!argv.quiet) {
    err(
      `${lesson ? `lesson ${lessonNumber(lesson)} (${lesson.id}) is` : 'every lesson is'} unfinished again (${progressPath()})\n`,
    );
  }
}
