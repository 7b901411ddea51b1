/**
 * What `looplab live` does: start the session (every variant under load, probed every frame),
 * send its events where they were asked for, and end on --max-time, the page's stop, or a signal.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ArgumentsCamelCase } from 'yargs';
import type { LiveEvent, LiveSource, SessionEvent } from '../../bench/live/events.ts';
import { eventLine } from '../../bench/live/ndjson.ts';
import { openBrowser } from '../../bench/live/open-browser.ts';
import { type PageServer, startPageServer } from '../../bench/live/page-server.ts';
import { openReplay } from '../../bench/live/replay.ts';
import { type LiveSession, SERVERS_EXITED, startLiveSession } from '../../bench/live/session.ts';
import { appTarget, scenarioTarget } from '../../bench/live/targets.ts';
import { ERROR_CODES, EXIT, LooplabError } from '../../core/errors.ts';
import { type LiveFlags, type LiveOptions, liveOptions } from '../options/live.ts';
import { err, type GlobalArgs, interruptSignal, out, setOutcome } from '../shared/context.ts';

export interface Args extends GlobalArgs, LiveFlags {}

/**
 * A recording, written as events happen: each line whole, in one call. A file already there is
 * replaced, so that the recording begins with this run's session event (appended to, a second
 * run's recording would replay as the first's).
 */
function openRecording(path: string): { write(event: LiveEvent): void; close(): void } {
  let fd: number;
  try {
    fd = openSync(path, 'w');
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

/** The load stops, and looplab live ends, when no page has been connected for this long. */
export const NO_PAGE_MS = 30_000;

/**
 * The page: served by this process, never by a server under test, so it keeps drawing while a
 * server's loop is blocked. Its address carries the token that lets it drive the session.
 */
async function servePage(
  source: LiveSource,
  options: Pick<LiveOptions, 'port' | 'open'>,
  stop: (reason: string) => void,
): Promise<PageServer> {
  const page = await startPageServer(source, { port: options.port });
  out(`looplab live: the page is at ${page.url}\n`);
  if (options.open && openBrowser(page.url)) err('looplab live: opening it in your browser\n');
  page.onNoPage(NO_PAGE_MS, () => stop(`no page for ${NO_PAGE_MS / 1000} s`));
  return page;
}

/** The load each variant gets, in words: a closed loop's clients, or an open model's rate. */
function loadText(first: SessionEvent): string {
  return first.rate == null
    ? `${first.connections} connections each`
    : `${first.rate} requests/s each (open model, poisson, up to ${first.connections} connections)`;
}

/** What `--cmd` watches, in one line: the paths, the one loop they share, and who loads it. */
function describeApp(first: SessionEvent, origins: string[], options: LiveOptions): string {
  const where = origins.join(' and ');
  const load = options.load
    ? loadText(first)
    : `no load from looplab (--no-load): load it yourself at ${where}`;
  return (
    `looplab live: ${first.variants.join(' and ')} of ${options.app?.command}` +
    `${first.variants.length > 1 ? ' side by side' : ''}` +
    `${first.turnMs ? ` under load in turns of ${first.turnMs / 1000} s` : ''}, ` +
    `on one server ${first.variants.length > 1 ? 'whose loop they share ' : ''}(${where}), ${load}, a frame every ${first.frameIntervalMs} ms; ` +
    `stops after ${options.maxTimeMs / 1000} s, or Ctrl-C\n`
  );
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  const options = await liveOptions(argv);
  const recording = options.record ? openRecording(options.record) : null;
  let session: LiveSource | undefined;
  let page: PageServer | undefined;
  try {
    if (interruptSignal.aborted) return;
    let live: LiveSession | undefined;
    if (options.replay) {
      const replay = await openReplay(options.replay);
      // Also on the page, as warnings; here for --ndjson and a reader of the terminal.
      for (const text of replay.warnings) err(`looplab live: warning: ${text}\n`);
      session = replay;
    } else {
      live = await startLiveSession({
        target: options.app
          ? appTarget(options.app)
          : scenarioTarget(options.scenario as NonNullable<typeof options.scenario>),
        params: options.params,
        connections: options.connections,
        rate: options.rate,
        load: options.load,
        frameIntervalMs: options.frameIntervalMs,
        turnMs: options.turnMs,
        maxTimeMs: options.maxTimeMs,
        stallThresholdMs: options.stallThresholdMs,
      });
      session = live;
    }
    const write = (event: LiveEvent) => {
      if (options.ndjson) out(eventLine(event));
      recording?.write(event);
    };
    const first = session.describe();
    write(first);
    let finish: (reason: string | null) => void = () => {};
    const ended = new Promise<string | null>((resolve) => {
      finish = resolve;
      session?.subscribe((event) => {
        write(event);
        // A replay on the page stays up once played: the page is still being read.
        const keepPage = options.replay !== null && !options.ndjson;
        if (event.type === 'state' && event.state === 'stopped' && !keepPage)
          resolve(event.reason ?? null);
      });
      if (interruptSignal.aborted) resolve(null);
      interruptSignal.addEventListener('abort', () => resolve(null), { once: true });
    });
    if (!options.ndjson) page = await servePage(session, options, finish);
    if (options.replay) err(`looplab live: playing ${options.replay} back; Ctrl-C ends it\n`);
    else if (options.app) err(describeApp(first, live?.origins() ?? [], options));
    else {
      const params = Object.entries(first.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      err(
        `looplab live: ${first.scenario} (${params}), ${first.variants.join(' and ')} side by side, ` +
          (first.turnMs ? `under load in turns of ${first.turnMs / 1000} s, ` : '') +
          `${loadText(first)}, a frame every ${first.frameIntervalMs} ms; ` +
          `stops after ${options.maxTimeMs / 1000} s, or Ctrl-C\n`,
      );
    }
    const reason = await ended;
    if (reason) err(`looplab live: stopped (${reason})\n`);
    // As serve: a server that exits on its own is a failed job.
    if (reason === SERVERS_EXITED) setOutcome(EXIT.CHECK_FAILED);
  } finally {
    // The session first: its stop begins at once, so its servers' exits under Ctrl-C's reaper
    // are its own stop, not servers that died on their own; and a page still open sees `stopped`.
    await session?.close();
    await page?.close();
    recording?.close();
  }
}
