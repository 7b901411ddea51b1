/**
 * The stall watchdog's worker thread (stall-watchdog.ts starts it and explains the design).
 *
 * It watches the main thread's heartbeat in shared memory. When a beat is later than the
 * threshold, the loop is stalled: it has the main thread evaluate the stack capture through its
 * inspector session, and again every sampling interval while the stall lasts. The main thread
 * tells it where each stall began and ended; it gives each stall's time to the samples taken in
 * it (stacks.ts) and answers reads with the window's tally.
 *
 * It never blocks: a blocked watchdog could neither sample nor answer a read.
 */
import { openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { SourceLocator } from './source-location.ts';
import {
  foldInternals,
  growthBetween,
  type Reading,
  type Sample,
  type Span,
  StallTally,
  withoutIncidentalTop,
} from './stacks.ts';
import {
  CAPTURE_KEY,
  type Capture,
  type FromStallWorker,
  type StallWorkerConfig,
  type ToStallWorker,
} from './stall-messages.ts';

const EXPRESSION = `globalThis[Symbol.for(${JSON.stringify(CAPTURE_KEY)})]()`;

const config = workerData as StallWorkerConfig;
const port = parentPort;
const beat = new BigInt64Array(config.shared, 0, 1);
const disconnected = new Int32Array(config.shared, 8, 1);
const nowMs = () => Number(process.hrtime.bigint() - config.baseNs) / 1e6;
const lastBeatMs = () => Number(Atomics.load(beat, 0)) / 1000;
const send = (msg: FromStallWorker) => port?.postMessage(msg);

/**
 * Linux counts, per thread, the time it was ready to run but waited for a CPU (the second field
 * of schedstat). The main thread's id is the process's. Elsewhere: undefined, and no split.
 */
function openSchedstat(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  } catch {
    return undefined;
  }
}
const schedstat = openSchedstat();
const schedBuffer = Buffer.alloc(128);
/** Readings of the main thread's CPU wait, in time order: a few minutes at most. */
const readings: Reading[] = [];
const MAX_READINGS = 8192;

function readCpuWait(): void {
  if (schedstat === undefined) return;
  try {
    const n = readSync(schedstat, schedBuffer, 0, schedBuffer.length, 0);
    const waitNs = Number(schedBuffer.toString('latin1', 0, n).split(' ')[1]);
    if (!Number.isFinite(waitNs)) return;
    readings.push({ tMs: nowMs(), valueMs: waitNs / 1e6 });
    if (readings.length > MAX_READINGS) readings.splice(0, readings.length - MAX_READINGS);
  } catch {}
}
const cpuWait =
  schedstat === undefined
    ? undefined
    : (fromMs: number, toMs: number) => growthBetween(readings, fromMs, toMs);

type Inspector = typeof import('node:inspector');
let session: InstanceType<Inspector['Session']> | undefined;
const locator = new SourceLocator(config.root, config.cwd);

let window: Span = { startMs: 0, endMs: Number.POSITIVE_INFINITY };
let tally = new StallTally(config.thresholdMs, cpuWait !== undefined);
// `looplab live`'s frames keep a tally of their own, so that reading one leaves the window's alone.
let frameWindow: Span = { startMs: 0, endMs: Number.POSITIVE_INFINITY };
let frameTally = new StallTally(config.thresholdMs, cpuWait !== undefined);
/** Samples not yet given to a stall. */
let samples: Sample[] = [];
/** Stalls the main thread reported, waiting for a capture in flight that may belong to them. */
let ended: Span[] = [];
/** The capture asked for and not yet answered: when, and the beat at the time. */
let inFlight: { requestedMs: number; beatMs: number } | undefined;
let lastSampleMs = Number.NEGATIVE_INFINITY;
let timer: NodeJS.Timeout | undefined;

function giveUp(reason: string): void {
  send({ type: 'unavailable', reason });
  stop();
}

function stop(): void {
  clearTimeout(timer);
  // A session still connected at exit makes Node wait for "the debugger" and say so.
  session?.disconnect();
  session = undefined;
  Atomics.store(disconnected, 0, 1);
  Atomics.notify(disconnected, 0);
  port?.close();
}

/** Gives the stalls that can no longer get a sample their samples, oldest first. */
function settle(): void {
  while (ended.length > 0) {
    const stall = ended[0] as Span;
    // A capture asked for during this stall may still come back as a sample of it.
    if (inFlight && inFlight.requestedMs <= stall.endMs) return;
    tally.addStall(stall, samples, window, cpuWait);
    frameTally.addStall(stall, samples, frameWindow, cpuWait);
    samples = samples.filter((s) => s.atMs > stall.endMs);
    ended.shift();
  }
}

/** Sleeps until a missing beat would make a stall, or samples the one under way. */
function schedule(): void {
  clearTimeout(timer);
  readCpuWait();
  if (inFlight || !session) return;
  const now = nowMs();
  const beatMs = lastBeatMs();
  const stallAt = beatMs + config.heartbeatMs + config.thresholdMs;
  const sampleAt = Math.max(stallAt, lastSampleMs + config.sampleIntervalMs);
  if (now < sampleAt) {
    timer = setTimeout(schedule, Math.max(1, sampleAt - now));
    return;
  }
  inFlight = { requestedMs: now, beatMs };
  session.post(
    'Runtime.evaluate',
    { expression: EXPRESSION, returnByValue: true, silent: true },
    (err, result) => {
      const mine = inFlight as { requestedMs: number; beatMs: number };
      inFlight = undefined;
      if (err || result.exceptionDetails) {
        giveUp(`the stack capture failed: ${err?.message ?? result.exceptionDetails?.text}`);
        return;
      }
      onCapture(result.result.value as Capture, mine);
    },
  );
}

/** How long a capture waited for the main thread, less the time it waited for a CPU. */
const waitedOnCpu = (fromMs: number, toMs: number) =>
  toMs - fromMs - (cpuWait ? cpuWait(fromMs, toMs) : 0);

function onCapture(capture: Capture, request: { requestedMs: number; beatMs: number }): void {
  readCpuWait();
  lastSampleMs = capture.atMs;
  if (capture.atMs >= window.startMs && capture.atMs <= window.endMs)
    tally.samplingMs += capture.costMs;
  if (capture.atMs >= frameWindow.startMs) frameTally.samplingMs += capture.costMs;
  // A beat between the request and the capture means the stall was over first, and the capture
  // caught whatever ran next (the beat itself, or the next request's start).
  if (capture.beatMs === request.beatMs) {
    const frames = capture.frames.map((f) =>
      locator.locate(f.name, f.file, f.line, f.column, f.mapped),
    );
    samples.push({
      requestedMs: request.requestedMs,
      atMs: capture.atMs,
      resumedMs: capture.atMs + capture.costMs,
      frames: withoutIncidentalTop(
        foldInternals(frames),
        waitedOnCpu(request.requestedMs, capture.atMs),
      ),
    });
  }
  settle();
  schedule();
}

/** Answers read `id` with `of`'s tally so far in `span`, the stalls not yet settled included. */
function read(id: number, open: Span | null, of: StallTally = tally, span: Span = window): void {
  readCpuWait();
  settle();
  const view = of.copy();
  for (const stall of open ? [...ended, open] : ended) view.addStall(stall, samples, span, cpuWait);
  send({ type: 'reading', id, reading: view.reading() });
}

/**
 * Answers with the frame's tally, then starts the next frame at `atMs`, when the main thread
 * asked: the stalls it counted here had all ended by then, so none is counted in both frames.
 */
function frame(id: number, open: Span | null, atMs: number): void {
  read(id, open, frameTally, frameWindow);
  frameWindow = { startMs: atMs, endMs: Number.POSITIVE_INFINITY };
  frameTally = new StallTally(config.thresholdMs, cpuWait !== undefined);
}

port?.on('message', (msg: ToStallWorker) => {
  if (msg.type === 'stall') {
    readCpuWait();
    ended.push(msg.stall);
    settle();
  } else if (msg.type === 'reset') {
    window = msg.window;
    tally = new StallTally(config.thresholdMs, cpuWait !== undefined);
    samples = [];
    ended = [];
  } else if (msg.type === 'read') {
    read(msg.id, msg.open);
  } else if (msg.type === 'frame') {
    frame(msg.id, msg.open, msg.atMs);
  } else if (msg.type === 'stop') {
    stop();
  }
});

try {
  // Required, not imported: a Node built without the inspector throws on loading it, and that
  // must be a reason given, not a crash.
  const inspector = createRequire(import.meta.url)('node:inspector') as Inspector;
  session = new inspector.Session();
  session.connectToMainThread();
  send({ type: 'ready' });
  schedule();
} catch (err) {
  giveUp(`the inspector is not available here (${(err as Error).message})`);
}
