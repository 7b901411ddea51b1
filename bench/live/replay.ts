/**
 * `looplab live --replay`: a recording played back as a LiveSource, at the pace it was recorded
 * (or faster), through the same page server and page as a live session. Nothing is measured,
 * so every control but `stop` is refused.
 */
import { readFile } from 'node:fs/promises';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import type { LiveEvent, LiveSource, SessionEvent, SessionState } from './events.ts';
import { parseRecording } from './recording.ts';

export interface ReplayOptions {
  /** 1: the recorded pace; 4: four times faster; Infinity: all at once. */
  speed?: number;
}

export interface ReplaySource extends LiveSource {
  /** What was dropped from the recording (a torn last line), one sentence each. */
  readonly warnings: readonly string[];
}

/**
 * A source that plays `file` back once something subscribes, and ends with a `stopped` state.
 *
 * @throws {LooplabError} LOOPLAB_ERR_NO_SUCH_FILE when the file cannot be read;
 *   LOOPLAB_ERR_BAD_RECORDING when it is not a recording (see parseRecording);
 *   LOOPLAB_ERR_BAD_OPTION for a speed that is not above 0.
 */
export async function openReplay(file: string, options: ReplayOptions = {}): Promise<ReplaySource> {
  const speed = options.speed ?? 1;
  if (!(typeof speed === 'number' && speed > 0)) {
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `a replay's speed must be above 0, got ${speed}`,
    );
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new LooplabError(
      ERROR_CODES.NO_SUCH_FILE,
      `cannot read the recording ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      { cause: err },
    );
  }
  const recording = parseRecording(text, file);
  return replaySource(recording.session, recording.events, recording.warnings, speed);
}

/** The player itself, over events already read: exported for tests. */
export function replaySource(
  first: SessionEvent,
  events: readonly LiveEvent[],
  warnings: readonly string[],
  speed: number,
): ReplaySource {
  const listeners = new Set<(event: LiveEvent) => void>();
  let session = first;
  let state: SessionState = first.state;
  let index = 0;
  let started = false;
  let startedAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastElapsedMs = 0;
  let done = false;
  const firstElapsedMs = events.find((e) => 'elapsedMs' in e)?.elapsedMs ?? 0;
  // A session event carries no elapsedMs: it plays with the event before it.
  const dueMs = (i: number): number => {
    for (let j = i; j >= 0; j--) {
      const e = events[j];
      if (e !== undefined && 'elapsedMs' in e) return (e.elapsedMs - firstElapsedMs) / speed;
    }
    return 0;
  };

  const emit = (event: LiveEvent) => {
    if (event.type === 'session') session = event;
    if (event.type === 'state') state = event.state;
    if ('elapsedMs' in event) lastElapsedMs = event.elapsedMs;
    for (const listener of [...listeners]) listener(event);
  };

  const finish = (reason: string) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    emit({ type: 'state', elapsedMs: lastElapsedMs, state: 'stopped', reason });
  };

  const pump = () => {
    timer = undefined;
    if (done || startedAt === undefined) return;
    const now = Date.now() - startedAt;
    while (index < events.length && dueMs(index) <= now) {
      const event = events[index++];
      if (event === undefined) continue;
      // The recording's own end: played as it was, and nothing after it (not a second stop).
      if (event.type === 'state' && event.state === 'stopped') {
        done = true;
        emit(event);
        return;
      }
      emit(event);
      if (done) return;
    }
    if (index >= events.length) return finish('end of the recording');
    timer = setTimeout(pump, Math.max(0, dueMs(index) - now));
  };

  const start = () => {
    startedAt = Date.now();
    for (const text of warnings) {
      emit({ type: 'warning', elapsedMs: firstElapsedMs, code: 'recording-cut-short', text });
    }
    // Not within subscribe(): a listener should not hear events before subscribe has returned.
    timer = setTimeout(pump, 0);
  };

  return {
    warnings,
    describe: () => ({ ...session, state }),
    subscribe(listener) {
      listeners.add(listener);
      if (!started && !done) {
        started = true;
        timer = setTimeout(start, 0);
      }
      return () => listeners.delete(listener);
    },
    async control(request) {
      if (request.action === 'stop') return finish('stopped');
      throw new LooplabError(
        ERROR_CODES.USAGE,
        `a replay plays a recording back and measures nothing: only "stop" works, not "${request.action}"`,
      );
    },
    async close() {
      done = true;
      clearTimeout(timer);
      listeners.clear();
    },
  };
}
