/** What `looplab solution` does: the reference solution on stdout, a warning on stderr. */
import type { ArgumentsCamelCase } from 'yargs';
import { isAppLesson } from '../../lessons/engine/app-lesson.ts';
import { findAnyLesson, lessonNumber, readLessonFile } from '../../lessons/registry.ts';
import { err, type GlobalArgs, out } from '../shared/context.ts';
import { openProgress } from '../shared/lessons.ts';

export interface Args extends GlobalArgs {
  lesson: string;
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  const lesson = findAnyLesson(argv.lesson);
  const { progress } = await openProgress();
  // On stderr: stdout stays the file itself, so it can be redirected.
  if (!progress.passed[lesson.id] && !argv.quiet) {
    err(
      `looplab: warning: you have not passed exercise ${lessonNumber(lesson)} yet; ` +
        `try \`looplab hint ${lessonNumber(lesson)}\` first, you learn more by finding it\n`,
    );
  }
  out(
    isAppLesson(lesson)
      ? await (await import('./app-lesson.ts')).appSolution(lesson)
      : readLessonFile(lesson, 'solution.ts'),
  );
}
