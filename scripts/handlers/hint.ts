/** What `looplab hint` does: the exercise's task and its hint, wrapped to the terminal. */
import type { ArgumentsCamelCase } from 'yargs';
import { isAppLesson } from '../../lessons/engine/app-lesson.ts';
import { wrapText } from '../../lessons/engine/format.ts';
import { findAnyLesson, lessonNumber } from '../../lessons/registry.ts';
import { type GlobalArgs, out } from '../shared/context.ts';
import { textWidth } from '../shared/lessons.ts';

export interface Args extends GlobalArgs {
  lesson: string;
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  const lesson = findAnyLesson(argv.lesson);
  if (isAppLesson(lesson)) {
    out((await import('./app-lesson.ts')).appHint(lesson));
    return;
  }
  const width = textWidth();
  out(
    `${wrapText(`Exercise ${lessonNumber(lesson)} (${lesson.id}): ${lesson.exercise.task}`, width)}\n\n` +
      `${wrapText(`Hint: ${lesson.exercise.hint}`, width)}\n`,
  );
}
