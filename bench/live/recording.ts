/**
 * A recording of `looplab live` (`--record`), read back: one event a line, the first a `session`
 * event. Pure: the text in, the events out, so the rules are tested exactly.
 *
 * A recording cut short (Ctrl-C, a full disk) ends in a torn line: that line is dropped with a
 * warning, and the rest plays. A bad line anywhere else means the file is not what it claims,
 * and it is refused, naming the line.
 */
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { LIVE_EVENTS_VERSION, type LiveEvent, type SessionEvent } from './events.ts';

export interface Recording {
  session: SessionEvent;
  /** Every event after the first line, in the recorded order. */
  events: LiveEvent[];
  /** What was dropped, one sentence each. */
  warnings: string[];
}

const TYPES = new Set(['session', 'frame', 'stall', 'marker', 'turn', 'state', 'warning']);

/**
 * The recording in `text`; `name` (the file) goes into messages.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_RECORDING for a bad line other than a torn last one, or
 *   a first line that is not a session event of LIVE_EVENTS_VERSION.
 */
export function parseRecording(text: string, name: string): Recording {
  const lines = text.split('\n');
  // Line numbers count every line, blank ones included, so a message points where an editor does.
  const numbered = lines
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter((l) => l.line !== '');
  const warnings: string[] = [];
  const events: LiveEvent[] = [];
  for (const [i, { line, n }] of numbered.entries()) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === numbered.length - 1 && i > 0) {
        warnings.push(
          `${name}: dropped its last line (${n}), torn or not JSON: the recording was cut short`,
        );
        break;
      }
      throw bad(name, n, 'is not JSON');
    }
    const problem = eventProblem(value);
    if (problem !== null) throw bad(name, n, problem);
    // A session begins a recording, once: a second is another run's, in a file that two runs
    // wrote, and playing on would mix two sessions' clocks on one page.
    if (i > 0 && (value as LiveEvent).type === 'session')
      throw bad(name, n, 'begins a second session: this file holds more than one run');
    events.push(value as LiveEvent);
  }
  const first = events.shift();
  if (first === undefined) throw bad(name, 1, 'is missing: the file is empty');
  if (first.type !== 'session') throw bad(name, numbered[0]?.n ?? 1, 'must be a "session" event');
  if (first.version !== LIVE_EVENTS_VERSION) {
    throw bad(
      name,
      numbered[0]?.n ?? 1,
      `has events version ${JSON.stringify(first.version)}; this looplab reads version ${LIVE_EVENTS_VERSION}`,
    );
  }
  return { session: first, events, warnings };
}

/** Why `value` is not a live event, or null: the fields a player and a page rely on. */
export function eventProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return 'is not a JSON object';
  const e = value as Record<string, unknown>;
  if (typeof e.type !== 'string' || !TYPES.has(e.type))
    return `has no known "type" (${JSON.stringify(e.type)?.slice(0, 40)})`;
  if (e.type === 'session') {
    if (!Array.isArray(e.variants) || !e.variants.every((v) => typeof v === 'string'))
      return 'is a session event without its "variants"';
    if (typeof e.startEpochMs !== 'number' || typeof e.frameIntervalMs !== 'number')
      return 'is a session event without "startEpochMs" and "frameIntervalMs"';
    return null;
  }
  if (typeof e.elapsedMs !== 'number' || !Number.isFinite(e.elapsedMs) || e.elapsedMs < 0)
    return `is a ${e.type} event without a valid "elapsedMs"`;
  if ((e.type === 'frame' || e.type === 'stall') && typeof e.variant !== 'string')
    return `is a ${e.type} event without its "variant"`;
  if (e.type === 'stall' && !Array.isArray(e.frames))
    return 'is a stall event without its stack ("frames")';
  return null;
}

function bad(name: string, line: number, what: string): LooplabError {
  return new LooplabError(
    ERROR_CODES.BAD_RECORDING,
    `${name}: line ${line} ${what}; a recording is what looplab live --record writes`,
  );
}
