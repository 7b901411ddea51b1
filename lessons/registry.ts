/**
 * Every lesson, in the order a learner takes them, and where each one's files live.
 *
 * Adding a lesson is one folder (lesson.md, explain.md, lesson.ts, exercise.ts, solution.ts,
 * bad.ts, and at least one cheat-*.ts that skips or caches the work) and one line here; the tests
 * run its measurement and verify every one of its solutions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, LooplabError, listChoices } from '../core/errors.ts';
import { packageRoot } from '../core/package-info.ts';
import cpuBoundWork from './cpu-bound-work/lesson.ts';
import type { Lesson } from './engine/types.ts';
import filesSyncVsAsync from './files-sync-vs-async/lesson.ts';
import theThreadpool from './the-threadpool/lesson.ts';
import theUpstream from './the-upstream/lesson.ts';
import theWaiter from './the-waiter/lesson.ts';

export const lessons: readonly Lesson[] = [
  theWaiter,
  filesSyncVsAsync,
  theThreadpool,
  cpuBoundWork,
  theUpstream,
];

/** 1-based, as the CLI numbers them. */
export const lessonNumber = (lesson: Lesson): number => lessons.indexOf(lesson) + 1;

/**
 * Finds a lesson by number (`1`) or id (`the-waiter`).
 *
 * @throws {LooplabError} LOOPLAB_ERR_UNKNOWN_LESSON listing the lessons.
 */
export function findLesson(ref: string | number): Lesson {
  const text = String(ref).trim();
  const found = /^\d+$/.test(text) ? lessons[Number(text) - 1] : lessons.find((l) => l.id === text);
  if (!found) {
    throw new LooplabError(
      ERROR_CODES.UNKNOWN_LESSON,
      `there is no lesson "${text}"; choose 1-${lessons.length} or ${listChoices(lessons.map((l) => l.id))} (see: looplab lessons)`,
    );
  }
  return found;
}

/** Lesson sources (Markdown, starter, solutions) ship as source, next to dist/. */
export function lessonFile(lesson: Lesson, name: string): string {
  return join(packageRoot(), 'lessons', lesson.id, name);
}

export function readLessonFile(lesson: Lesson, name: string): string {
  return readFileSync(lessonFile(lesson, name), 'utf8');
}
