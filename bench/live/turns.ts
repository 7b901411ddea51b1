/**
 * `looplab live --alternate`: the variants take turns under load, round robin, so that on a
 * machine with few cores no two loaded servers compete for CPU. Pure: when a turn is over, and
 * whose is next. The session (session.ts) holds and resumes the load.
 */
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';

export const DEFAULT_TURN_S = 3;
export const MIN_TURN_S = 1;
export const MAX_TURN_S = 60;

/**
 * A turn's length in ms, from `--alternate`'s seconds.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION on a number out of 1..60.
 */
export function turnMs(seconds: number): number {
  if (!(Number.isFinite(seconds) && seconds >= MIN_TURN_S && seconds <= MAX_TURN_S))
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `--alternate takes a turn's length in seconds, from ${MIN_TURN_S} to ${MAX_TURN_S}, got ${seconds}`,
    );
  return Math.round(seconds * 1000);
}

/** The variant after `current`, round robin (the first after the last). */
export function nextTurn(variants: readonly string[], current: string): string {
  const i = variants.indexOf(current);
  return variants[(i + 1) % variants.length] as string;
}

/**
 * Whether the turn is over at this frame. A turn is counted in the time its load ran
 * (`loadedMs`), not on the clock: the first turn's load waits for its bystander to warm up, and a
 * paused session's turn does not run on. It ends at the frame nearest its length: a frame closes
 * with each take of the load, and a turn's books close with one.
 */
export function turnOver(loadedMs: number, lengthMs: number, frameIntervalMs: number): boolean {
  return loadedMs + frameIntervalMs / 2 >= lengthMs;
}
