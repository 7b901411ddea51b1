/**
 * `looplab lesson`'s `--live` flags, checked before anything runs: one line, a stable code.
 */
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import type { Lesson } from '../../lessons/engine/types.ts';
import { lessonNumber } from '../../lessons/registry.ts';

export interface LessonLiveFlags {
  live: boolean;
  open: boolean;
  port?: number;
  exercise: boolean;
}

/**
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION for `--port` without `--live` or out of range,
 *   `--live` with `--exercise`, or with a lesson whose scenario is not HTTP (a WebSocket room) or that measures with a sweep.
 */
export function checkLiveFlags(lesson: Lesson | null, flags: LessonLiveFlags): void {
  const bad = (message: string) => new LooplabError(ERROR_CODES.BAD_OPTION, message);
  if (!flags.live) {
    if (flags.port !== undefined) throw bad("--port is the live page's port: add --live");
    return;
  }
  if (flags.exercise)
    throw bad('--live shows a lesson measuring; --exercise measures nothing: leave one out');
  if (
    flags.port !== undefined &&
    !(Number.isInteger(flags.port) && flags.port >= 0 && flags.port <= 65_535)
  )
    throw bad(`--port must be a whole number from 0 to 65535, got ${flags.port}`);
  if (!lesson) return;
  if (lesson.scenario.protocol === 'websocket')
    throw bad(
      `lesson ${lessonNumber(lesson)} (${lesson.id}) measures a WebSocket room, which the live page cannot show yet; run it without --live`,
    );
  if (lesson.measurements.some((m) => m.sweep !== undefined))
    throw bad(
      `lesson ${lessonNumber(lesson)} (${lesson.id}) measures with a sweep of arrival rates, which the live page cannot show yet; run it without --live`,
    );
}
