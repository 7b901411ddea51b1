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
import compression from './compression/lesson.ts';
import cpuBoundWork from './cpu-bound-work/lesson.ts';
import { type AppLesson, isAppLesson } from './engine/app-lesson.ts';
import type { Lesson } from './engine/types.ts';
import evilRegex from './evil-regex/lesson.ts';
import filesSyncVsAsync from './files-sync-vs-async/lesson.ts';
import largeJson from './large-json/lesson.ts';
import logging from './logging/lesson.ts';
import microtaskStarvation from './microtask-starvation/lesson.ts';
import rushHour from './rush-hour/lesson.ts';
import streamingFiles from './streaming-files/lesson.ts';
import theChatRoom from './the-chat-room/lesson.ts';
import theDetective from './the-detective/lesson.ts';
import theThreadpool from './the-threadpool/lesson.ts';
import theUpstream from './the-upstream/lesson.ts';
import theWaiter from './the-waiter/lesson.ts';

/**
 * The first four teach the loop, files, the threadpool and CPU work; the next six apply them to
 * what a server meets in real code: a large JSON body (workers, as lesson 4), a regular
 * expression on user input, microtask chains (why lesson 4 yields with setImmediate),
 * compression (the threadpool again, and a first stream), large files (streams and memory), and
 * logging (I/O whose cost hides). The last two are the servers Node.js is chosen for: a real-time
 * chat room over WebSocket, and a REST handler that waits on another service.
 */
export const lessons: readonly Lesson[] = [
  theWaiter,
  filesSyncVsAsync,
  theThreadpool,
  cpuBoundWork,
  largeJson,
  evilRegex,
  microtaskStarvation,
  compression,
  streamingFiles,
  logging,
  theChatRoom,
  theUpstream,
  rushHour,
];

/**
 * The whole course: the scenario lessons, then the capstone, whose exercise is an app the
 * learner did not write, found and fixed with the tools an engineer uses on their own server.
 */
export const course: readonly (Lesson | AppLesson)[] = [...lessons, theDetective];

/** 1-based, as the CLI numbers them. */
export const lessonNumber = (lesson: Lesson | AppLesson): number => course.indexOf(lesson) + 1;

/**
 * Finds a lesson of the course by number (`1`) or id (`the-waiter`).
 *
 * @throws {LooplabError} LOOPLAB_ERR_UNKNOWN_LESSON listing the lessons.
 */
export function findAnyLesson(ref: string | number): Lesson | AppLesson {
  const text = String(ref).trim();
  const found = /^\d+$/.test(text) ? course[Number(text) - 1] : course.find((l) => l.id === text);
  if (!found) {
    throw new LooplabError(
      ERROR_CODES.UNKNOWN_LESSON,
      `there is no lesson "${text}"; choose 1-${course.length} or ${listChoices(course.map((l) => l.id))} (see: looplab lessons)`,
    );
  }
  return found;
}

/**
 * Finds a scenario lesson: what `--live` and the scenario tools take.
 *
 * @throws {LooplabError} LOOPLAB_ERR_UNKNOWN_LESSON for a lesson that does not exist, or
 *   LOOPLAB_ERR_BAD_OPTION for the capstone, whose app is not a scenario.
 */
export function findLesson(ref: string | number): Lesson {
  const found = findAnyLesson(ref);
  if (isAppLesson(found)) {
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `lesson ${lessonNumber(found)} (${found.id}) measures an app, not a scenario; take it with: looplab lesson ${found.id}`,
    );
  }
  return found;
}

/** Lesson sources (Markdown, starter, solutions) ship as source, next to dist/. */
export function lessonFile(lesson: Lesson | AppLesson, name: string): string {
  return join(packageRoot(), 'lessons', lesson.id, name);
}

export function readLessonFile(lesson: Lesson | AppLesson, name: string): string {
  return readFileSync(lessonFile(lesson, name), 'utf8');
}
