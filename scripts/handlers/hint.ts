/** What `looplab hint` does: the exercise's task and its hint, wrapped to the terminal. */
import type { ArgumentsCamelCase } from 'yargs';
import { wrapText } from '../../lessons/engine/format.ts';
import { findLesson, lessonNumber } from '../../lessons/registry.ts';
import { type GlobalArgs, out } from '../shared/context.ts';
import { textWidth } from '../shared/lessons.ts';

export interface Args extends GlobalArgs {
  lesson: string;
}

export function handle(argv: ArgumentsCamelCase<Args>): void {
  const lesson = findLesson(argv.lesson);
  const width = textWidth();
  out(
    `${wrapText(`Exercise ${lessonNumber(lesson)} (${lesson.id}): ${lesson.exercise.task}`, width)}\n\n` +
      `${wrapText(`Hint: ${lesson.exercise.hint}`, width)}\n`,
  );
}
