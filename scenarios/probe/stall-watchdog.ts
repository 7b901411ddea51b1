/**
 * The stall watchdog: which code held the loop, captured while it held it.
 *
 * A stalled loop cannot report on itself: nothing runs on it until the stall is over, and by
 * then the stack that held it is gone. So the main thread only beats (a 10 ms timer writes the
 * time into shared memory, and reports each late beat as a stall), and a worker thread
 * (stall-worker.ts) watches the beat. When a beat is later than the threshold, the worker asks
 * the main thread, through an inspector session (`inspector.Session#connectToMainThread`, which
 * only a worker can open), to evaluate `captureStack()` below. The inspector delivers that
 * request by interrupting the running JavaScript, so the capture runs on top of the very stack
 * that holds the loop and returns it, in about 20 µs; the worker asks again every sampling
 * interval while the stall lasts. This is how error-tracking agents catch a blocked event loop.
 *
 * Why an evaluation and not `Debugger.pause`: pausing needs `Debugger.enable`, and while V8's
 * debugger is enabled it takes the slow path for every promise (measured here: a loop of
 * `await`s ran 5 to 10 times slower), so async code would be measured slower than it is. An
 * evaluation needs no domain enabled, and leaves the process as fast as it was.
 *
 * What it costs, and what it changes in the numbers (docs/stalls.md has the measurements):
 * - Each sample runs the capture on the main thread, lengthening the stall it samples; the
 *   reading says by how much (`samplingMs`), and nothing is sampled while the loop is healthy.
 * - It never opens an inspector port (a session inside the process needs none), and never
 *   touches an inspector that is already open (`--inspect`): that is a developer debugging.
 *   There, and in a Node built without the inspector, it gives up: the reading says why, and
 *   the run goes on without stalls.
 * - A session still connected when the process exits makes Node print "Waiting for the
 *   debugger to disconnect...": on 'exit' the main thread has the worker disconnect first.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { moduleUrl } from '../../core/module-url.ts';
import { typeScriptExecArgv } from '../server/ts-loader.ts';
import type { StallOptions, StallReading } from './protocol.ts';
import type { Span } from './stacks.ts';
import {
  CAPTURE_KEY,
  type Capture,
  type CapturedFrame,
  type FromStallWorker,
  MAX_FRAMES,
  type StallWorkerConfig,
  type ToStallWorker,
} from './stall-messages.ts';

/** The beat's period: the probe's own sampler runs at the same resolution. */
export const HEARTBEAT_MS = 10;
/**
 * Between two samples of one stall: a 200 ms stall gets about ten, and the samples' own cost
 * stays well under 1% of the stalled time.
 */
export const SAMPLE_INTERVAL_MS = 20;
/** The worker's start, and each read; longer means it is gone. */
const ANSWER_TIMEOUT_MS = 5000;
/** How long an exiting process waits for the worker to disconnect its session. */
const EXIT_WAIT_MS = 500;

export interface StallWatchdog {
  /** Resolves once sampling can start, or the watchdog has given up: await it before serving. */
  readonly ready: Promise<void>;
  /** Opens a new window; with `windowMs` it closes by itself after that long. */
  reset(windowMs?: number): void;
  /** The window so far, or why there is nothing to read. */
  read(): Promise<StallReading>;
  /** The stalls since the previous frame (or the start), and the next frame starts now. */
  frame(): Promise<StallReading>;
  stop(): void;
}

type Inspector = typeof import('node:inspector');
/** What findEntry gives: every field absent where no mapping covers the position (Node 20). */
type Mapping = { originalSource?: string; originalLine?: number; originalColumn?: number };

/**
 * Why stacks cannot be captured in this process, or null when they can. An open inspector means
 * someone debugs this process; the watchdog stays out of their way.
 */
export function inspectorUnavailable(
  hasInspector: boolean = process.features.inspector,
  openUrl: () => string | undefined = () =>
    (createRequire(import.meta.url)('node:inspector') as Inspector).url(),
): string | null {
  if (!hasInspector) return 'this Node was built without the inspector';
  const url = openUrl();
  // Not the URL: it differs in every process, and the report says each reason once.
  if (url) return 'the inspector is already open (--inspect); stalls are left to your debugger';
  return null;
}

/**
 * A native frame's name, without its place: "RegExp.test (native)" → "RegExp.test".
 *
 * No regular expression here, nor anywhere in the capture: it runs inside the interrupted code,
 * and when that code is a regular expression backtracking (the stall itself), a second one run
 * on top of it corrupted the process's memory (likely V8's backtracking stack, one per isolate,
 * reused under the first). Seen on Node 20 and 24: a server stalled in an email pattern died in
 * most benches under `--stalls` (`malloc(): invalid size`, SIGSEGV), and in none of 8 after.
 */
function withoutPlace(frame: string): string {
  const open = frame.indexOf(' (');
  return open >= 0 && frame.endsWith(')') ? frame.slice(0, open) : frame;
}

/**
 * The function the worker has the main thread evaluate, mid-stall: the stack below it, as
 * plain data. `nowMs` and `lastBeatMs` read the watchdog's clock and beat.
 */
export function stackCapture(
  nowMs: () => number,
  lastBeatMs: () => number,
): { capture: () => Capture; learnMaps: () => void } {
  const { findSourceMap } = createRequire(import.meta.url)(
    'node:module',
  ) as typeof import('node:module');
  // findSourceMap runs a regular expression (withoutPlace says why none may run mid-capture): a
  // file's map is looked up between stalls, at the next beat, and its first stall's frames in it
  // stay unmapped.
  const knownMaps = new Map<string, ReturnType<typeof findSourceMap>>();
  const unknownFiles = new Set<string>();
  const learnMaps = () => {
    for (const file of unknownFiles) knownMaps.set(file, findSourceMap(file));
    unknownFiles.clear();
  };
  const mapOf = (file: string) => {
    if (!knownMaps.has(file)) unknownFiles.add(file);
    return knownMaps.get(file);
  };
  const capture = (): Capture => {
    const atMs = nowMs();
    const prepare = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    try {
      Error.prepareStackTrace = (_, sites) => sites;
      // One more: the evaluated expression's own frame sits on top of the stall's.
      Error.stackTraceLimit = MAX_FRAMES + 1;
      Error.captureStackTrace(holder, capture);
      void holder.stack;
    } finally {
      Error.prepareStackTrace = prepare;
      Error.stackTraceLimit = limit;
    }
    // Where Node applies source maps itself (tsx, --enable-source-maps), it knows maps the worker
    // cannot read from disk, such as tsx's in-memory ones.
    const maps = process.sourceMapsEnabled ? mapOf : undefined;
    const frames = (holder.stack ?? []).slice(1).map((site): CapturedFrame => {
      const file = site.getFileName() ?? null;
      const line = site.getLineNumber();
      const column = site.getColumnNumber();
      const name =
        file === null ? withoutPlace(site.toString()) : (site.getFunctionName() ?? '(anonymous)');
      const entry =
        maps && file && line !== null && column !== null
          ? (maps(file)?.findEntry(line - 1, column - 1) as Mapping | undefined)
          : undefined;
      if (entry?.originalSource !== undefined && entry.originalLine !== undefined)
        return {
          name,
          file: entry.originalSource,
          line: entry.originalLine + 1,
          column: (entry.originalColumn ?? 0) + 1,
          mapped: true,
        };
      return { name, file, line, column, mapped: false };
    });
    return { atMs, beatMs: lastBeatMs(), costMs: nowMs() - atMs, frames };
  };
  return { capture, learnMaps };
}

function givenUp(reason: string): StallWatchdog {
  return {
    ready: Promise.resolve(),
    reset() {},
    read: () => Promise.resolve({ state: 'unavailable', reason }),
    frame: () => Promise.resolve({ state: 'unavailable', reason }),
    stop() {},
  };
}

/** Starts the heartbeat and the worker; `root` is what frames' files are shown relative to. */
export function startStallWatchdog(options: StallOptions & { root: string }): StallWatchdog {
  const unavailable = inspectorUnavailable();
  if (unavailable) return givenUp(unavailable);

  const baseNs = process.hrtime.bigint();
  const nowMs = () => Number(process.hrtime.bigint() - baseNs) / 1e6;
  // [0]: the last beat in µs since baseNs; then the worker's "disconnected" flag for exit.
  const shared = new SharedArrayBuffer(16);
  const beat = new BigInt64Array(shared, 0, 1);
  const disconnected = new Int32Array(shared, 8, 1);
  let lastBeat = nowMs();
  const store = (ms: number) => Atomics.store(beat, 0, BigInt(Math.round(ms * 1000)));
  store(lastBeat);
  const { capture, learnMaps } = stackCapture(nowMs, () => Number(Atomics.load(beat, 0)) / 1000);
  Object.defineProperty(globalThis, Symbol.for(CAPTURE_KEY), {
    value: capture,
    configurable: true,
  });

  const config: StallWorkerConfig = {
    shared,
    heartbeatMs: HEARTBEAT_MS,
    thresholdMs: options.thresholdMs,
    sampleIntervalMs: SAMPLE_INTERVAL_MS,
    root: options.root,
    cwd: process.cwd(),
    baseNs,
  };
  const worker = new Worker(moduleUrl(import.meta.url, './stall-worker'), {
    workerData: config,
    // Not the process's flags: an app's --import preloads, --cpu-prof or heap limits are not the
    // watchdog's. Only what loading its own code needs.
    execArgv: import.meta.url.endsWith('.ts') ? typeScriptExecArgv() : [],
    name: 'looplab stall watchdog',
  });

  let gaveUp: string | undefined;
  let exited = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const pending = new Map<number, (r: StallReading) => void>();
  let nextId = 0;
  const post = (msg: ToStallWorker) => {
    if (!gaveUp) worker.postMessage(msg);
  };

  const beating = setInterval(() => {
    learnMaps();
    const now = nowMs();
    if (now - lastBeat - HEARTBEAT_MS > options.thresholdMs) {
      post({ type: 'stall', stall: { startMs: lastBeat + HEARTBEAT_MS, endMs: now } });
    }
    lastBeat = now;
    store(now);
  }, HEARTBEAT_MS);
  beating.unref();
  // Left ref'd until the worker is up (some 50 ms): a process that awaits `ready` before it has
  // anything else to keep it alive must not exit with that promise pending.
  const readyTimer = setTimeout(
    () => giveUp(`the stall watchdog did not start within ${ANSWER_TIMEOUT_MS} ms`),
    ANSWER_TIMEOUT_MS,
  );

  /** On exit, synchronously: the worker disconnects its session before Node looks for one. */
  const onExit = () => {
    if (exited) return;
    worker.postMessage({ type: 'stop' } satisfies ToStallWorker);
    Atomics.wait(disconnected, 0, 0, EXIT_WAIT_MS);
  };
  process.on('exit', onExit);

  function giveUp(reason: string): void {
    if (gaveUp) return;
    gaveUp = reason;
    clearInterval(beating);
    clearTimeout(readyTimer);
    for (const resolve of pending.values()) resolve({ state: 'unavailable', reason });
    pending.clear();
    if (!exited) worker.postMessage({ type: 'stop' } satisfies ToStallWorker);
    markReady();
  }

  // Listeners before unref(): adding a 'message' listener refs the worker again, and a
  // watchdog must never keep its process alive.
  worker.on('message', (msg: FromStallWorker) => {
    if (msg.type === 'ready') {
      clearTimeout(readyTimer);
      markReady();
    } else if (msg.type === 'unavailable') {
      giveUp(msg.reason);
    } else if (msg.type === 'reading') {
      pending.get(msg.id)?.(msg.reading);
      pending.delete(msg.id);
    }
  });
  worker.on('error', (err) => giveUp(`the stall watchdog failed: ${err.message}`));
  worker.on('exit', () => {
    exited = true;
    process.off('exit', onExit);
    giveUp('the stall watchdog stopped');
  });
  worker.unref();

  return {
    ready,
    reset(windowMs) {
      const startMs = nowMs();
      const window: Span = {
        startMs,
        endMs: windowMs === undefined ? Number.POSITIVE_INFINITY : startMs + windowMs,
      };
      post({ type: 'reset', window });
    },
    read: () => ask('read'),
    frame: () => ask('frame'),
    stop() {
      giveUp('the stall watchdog was stopped');
    },
  };

  function ask(kind: 'read' | 'frame'): Promise<StallReading> {
    if (gaveUp) return Promise.resolve({ state: 'unavailable', reason: gaveUp });
    // A stall that has just ended may not have reached the beat yet: it ends now.
    const now = nowMs();
    const open =
      now - lastBeat - HEARTBEAT_MS > options.thresholdMs
        ? { startMs: lastBeat + HEARTBEAT_MS, endMs: now }
        : null;
    const id = nextId++;
    return new Promise<StallReading>((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve({
          state: 'unavailable',
          reason: `the stall watchdog did not answer within ${ANSWER_TIMEOUT_MS} ms`,
        });
      }, ANSWER_TIMEOUT_MS);
      pending.set(id, (reading) => {
        clearTimeout(timer);
        resolve(reading);
      });
      post(kind === 'read' ? { type: 'read', id, open } : { type: 'frame', id, open, atMs: now });
    });
  }
}
