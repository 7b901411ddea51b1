/**
 * What the lesson commands share: styles, the learner's progress and where exercises go.
 */
import { join } from 'node:path';
import { ansi, terminalStyle } from '../../bench/render/terminal-style.ts';
import { DEFAULT_WIDTH, type LessonStyle } from '../../lessons/engine/format.ts';
import type { MarkdownStyle } from '../../lessons/engine/markdown.ts';
import { loadProgress, type Progress, progressPath } from '../../lessons/engine/progress.ts';
import type { Lesson } from '../../lessons/engine/types.ts';
import { err } from './context.ts';

export function lessonStyle(color: boolean): LessonStyle {
  const paint = ansi(color);
  return { ...terminalStyle(color), good: (s) => paint('32', s), bad: (s) => paint('31', s) };
}

export function markdownStyle(color: boolean): MarkdownStyle {
  const paint = ansi(color);
  return {
    bold: (s) => paint('1', s),
    italic: (s) => paint('3', s),
    code: (s) => paint('36', s),
    dim: (s) => paint('2', s),
  };
}

/** Reads the learner's progress; a corrupt file was backed up, and the learner is told where. */
export async function openProgress(): Promise<{ path: string; progress: Progress }> {
  const path = progressPath();
  const { progress, warning } = await loadProgress(path);
  if (warning) err(`looplab: warning: ${warning}\n`);
  return { path, progress };
}

/** Where `lesson --exercise` puts a lesson's starter, and where `verify` looks by default. */
export const exercisePath = (lesson: Lesson): string =>
  join('looplab-exercises', `${lesson.id}.ts`);

/** The width lesson text wraps to: the terminal's, at most 100 columns for reading; 80 off a terminal. */
export const textWidth = (): number => Math.min(100, process.stdout.columns || DEFAULT_WIDTH);
