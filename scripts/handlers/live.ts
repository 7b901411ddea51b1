/**
 * What `looplab live` does: start the session (every variant under load, probed every frame),
 * send its events where they were asked for, and end on --max-time, the page's stop, or a signal.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ArgumentsCamelCase } from 'yargs';
import type { LiveEvent, LiveSource } from '../../bench/live/events.ts';
import { eventLine } from '../../bench/live/ndjson.ts';
import { startLiveSession } from '../../bench/live/session.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { type LiveFlags, type LiveOptions, liveOptions } from '../options/live.ts';
import { err, type GlobalArgs, interruptSignal, out } from '../shared/context.ts';

export interface Args extends GlobalArgs, LiveFlags {}

/** A recording, appended to as events happen: each line written whole, in one call. */
function openRecording(path: string): { write(event: LiveEvent): void; close(): void } {
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (error) {
    throw new LooplabError(
      ERROR_CODES.WRITE_FAILED,
      `cannot write the recording ${path}: ${(error as Error).message}`,
    );
  }
  return {
    write: (event) => void writeSync(fd, eventLine(event)),
    close: () => closeSync(fd),
  };
}

/**
 * The page: served by this process, never by a server under test. Not built yet; the page
 * server plugs in here.
 *
 * @throws {LooplabError} LOOPLAB_ERR_USAGE until the page exists.
 */
async function servePage(
  _source: LiveSource,
  _options: Pick<LiveOptions, 'port' | 'open'>,
): Promise<void> {
  throw new LooplabError(
    ERROR_CODES.USAGE,
    'the live page is not built yet; use --ndjson to get the events on stdout (docs/live.md)',
  );
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  const options = liveOptions(argv);
  const recording = options.record ? openRecording(options.record) : null;
  let session: LiveSource | undefined;
  try {
    if (interruptSignal.aborted) return;
    session = await startLiveSession({
      scenario: options.scenario,
      params: options.params,
      connections: options.connections,
      frameIntervalMs: options.frameIntervalMs,
      maxTimeMs: options.maxTimeMs,
      stallThresholdMs: options.stallThresholdMs,
    });
    const write = (event: LiveEvent) => {
      if (options.ndjson) out(eventLine(event));
      recording?.write(event);
    };
    const first = session.describe();
    write(first);
    const ended = new Promise<string | null>((resolve) => {
      session?.subscribe((event) => {
        write(event);
        if (event.type === 'state' && event.state === 'stopped') resolve(event.reason ?? null);
      });
      if (interruptSignal.aborted) resolve(null);
      interruptSignal.addEventListener('abort', () => resolve(null), { once: true });
    });
    if (!options.ndjson) await servePage(session, options);
    const params = Object.entries(first.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    err(
      `looplab live: ${first.scenario} (${params}), ${first.variants.join(' and ')} side by side, ` +
        `${first.connections} connections each, a frame every ${first.frameIntervalMs} ms; ` +
        `stops after ${options.maxTimeMs / 1000} s, or Ctrl-C\n`,
    );
    const reason = await ended;
    if (reason) err(`looplab live: stopped (${reason})\n`);
  } finally {
    await session?.close();
    recording?.close();
  }
}
