/**
 * The open-model generator's thread (open-load.ts starts it): a scheduler that makes each request
 * due at its time (open-schedule.ts) whatever the server does, and an HTTP client that sends it
 * the moment a connection is free, so each request's send time is exact and its wait for a
 * connection is seen (open-tally.ts times it from its due time).
 *
 * On a thread of its own, as the other load drivers: the caller's loop (a probe, a page, the
 * sweep's bookkeeping) must not make a request late, nor a busy sender make the caller late.
 *
 * Connections: one undici Client each, pipelining 1 (a request never waits behind another on the
 * same socket), opened on demand when a due request finds every one busy, so that their number
 * follows Little's law (rate × latency) up to the cap, and kept open between windows. A request
 * due when all are busy at the cap waits in a FIFO, and goes out on the first one freed.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { Client, errors } from 'undici';
import type { FromOpenWorker, OpenWorkerData, ToOpenWorker } from './open-load-messages.ts';
import { dueTimes } from './open-schedule.ts';
import { generatorLimited, type OpenRecord, tallyOpenWindow } from './open-tally.ts';

const port = parentPort;
const { origin, requests, maxConnections, timeoutMs } = workerData as OpenWorkerData;
// A Buffer crosses to a worker as a bare Uint8Array.
const bodies = requests.map((r) => (r.body.byteLength > 0 ? Buffer.from(r.body) : undefined));

interface Connection {
  client: Client;
}

const connections: Connection[] = [];
/** Free connections, the last freed on top: a few hot connections serve a low rate. */
const idle: Connection[] = [];
/** Requests due and waiting for a connection, oldest first (from `queueHead`). */
let queue: OpenRecord[] = [];
let queueHead = 0;
/** The rotation through `requests`, continued from window to window. */
let nextRequest = 0;
let stopped = false;

interface Window {
  id: number;
  ratePerSec: number;
  settle: boolean;
  keepRecords: boolean;
  due: number[];
  next: number;
  startMs: number;
  endMs: number;
  records: OpenRecord[];
  /** Records not yet settled (answered, failed, timed out). */
  outstanding: number;
  elu0: ReturnType<typeof performance.eventLoopUtilization>;
  /** The thread's utilisation over the hold, taken when it ends. */
  elu: number | null;
  timers: NodeJS.Timeout[];
  holdOver: boolean;
}
let current: Window | null = null;

function isTimeout(err: unknown): boolean {
  return err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError;
}

function freeConnection(): Connection | null {
  const free = idle.pop();
  if (free) return free;
  if (connections.length >= maxConnections) return null;
  const conn: Connection = {
    client: new Client(origin, {
      pipelining: 1,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    }),
  };
  connections.push(conn);
  return conn;
}

function settled(w: Window | null, r: OpenRecord): void {
  // A request of a window already tallied (without a settle) is nobody's now.
  if (!w || current !== w || r.outcome === null) return;
  w.outstanding--;
  if (w.settle && w.holdOver && w.outstanding === 0) finish(w);
}

/**
 * Sends `rec`'s request on `conn`. Through undici's dispatch, with a handler rather than a promise
 * and a body stream: the fewest objects per request, so that this thread's CPU, not its
 * bookkeeping, sets the generator's ceiling (docs/sweep.md).
 */
function send(rec: OpenRecord, conn: Connection, w: Window): void {
  const i = nextRequest++ % requests.length;
  const req = requests[i] as OpenWorkerData['requests'][number];
  const body = bodies[i];
  rec.sentMs = performance.now();
  const done = (outcome: OpenRecord['outcome']) => {
    rec.doneMs = performance.now();
    rec.outcome = outcome;
    if (stopped) return;
    idle.push(conn);
    // Its window may be over (tallied without a settle): the connection is still free again.
    settled(current === w ? w : null, rec);
    pump();
  };
  conn.client.dispatch(
    {
      path: req.path,
      method: req.method as 'GET',
      headers: req.headers,
      ...(body && { body }),
    },
    {
      // Its presence marks the handler as undici 7's (controller) kind.
      onRequestStart() {},
      onResponseStart(_controller, statusCode) {
        rec.status = statusCode;
      },
      onResponseData(_controller, chunk) {
        rec.bytes += chunk.length;
      },
      onResponseEnd() {
        done('answered');
      },
      onResponseError(_controller, err) {
        done(isTimeout(err) ? 'timeout' : 'error');
      },
    },
  );
}

/**
 * Sends the queued requests on the connections free now, oldest first. One queued for longer than
 * the timeout since it was due is a timeout, never sent: a frozen server must not keep the
 * generator's queue (and a settle) growing without bound.
 */
function pump(): void {
  const w = current;
  while (queueHead < queue.length) {
    const rec = queue[queueHead] as OpenRecord;
    if (performance.now() - rec.dueMs >= timeoutMs) {
      queueHead++;
      rec.doneMs = performance.now();
      rec.outcome = 'timeout';
      settled(w, rec);
      continue;
    }
    const conn = freeConnection();
    if (!conn || !w) {
      if (conn) idle.push(conn);
      break;
    }
    queueHead++;
    send(rec, conn, w);
  }
  if (queueHead === queue.length) {
    queue = [];
    queueHead = 0;
  }
}

/** Makes every request due by now due: sent at once on a free connection, else queued. */
function tick(w: Window): void {
  if (current !== w) return;
  const now = performance.now();
  while (w.next < w.due.length && w.startMs + (w.due[w.next] as number) <= now) {
    const rec: OpenRecord = {
      dueMs: w.startMs + (w.due[w.next] as number),
      sentMs: null,
      doneMs: null,
      outcome: null,
      status: null,
      bytes: 0,
      queued: false,
    };
    w.next++;
    w.records.push(rec);
    w.outstanding++;
    // FIFO: while older requests wait, a new one waits behind them.
    const conn = queueHead < queue.length ? null : freeConnection();
    if (conn) send(rec, conn, w);
    else {
      rec.queued = true;
      queue.push(rec);
    }
  }
  if (w.next < w.due.length) {
    const delay = w.startMs + (w.due[w.next] as number) - performance.now();
    w.timers.push(setTimeout(() => tick(w), Math.max(0, delay)));
  }
}

function holdEnds(w: Window): void {
  if (current !== w) return;
  w.holdOver = true;
  w.elu = performance.eventLoopUtilization(w.elu0).utilization;
  if (!w.settle || w.outstanding === 0) finish(w);
  else {
    // The last request may have been sent as late as its due time + the timeout, and then waited
    // the timeout: past that (and a second for undici's coarse timers) nothing is still coming.
    w.timers.push(setTimeout(() => finish(w), 2 * timeoutMs + 1000));
  }
}

function finish(w: Window, aborted = false): void {
  if (current !== w) return;
  current = null;
  for (const t of w.timers) clearTimeout(t);
  const now = performance.now();
  const endMs = aborted ? Math.min(now, w.endMs) : w.endMs;
  const elu = w.elu ?? performance.eventLoopUtilization(w.elu0).utilization;
  // Requests waiting for a connection belong to this window only: the next one starts afresh.
  queue = [];
  queueHead = 0;
  if (w.settle && !aborted) {
    // The settle's bound passed with requests still out: timeouts, at the timeout, not dropped.
    for (const r of w.records) {
      if (r.outcome === null) {
        r.outcome = 'timeout';
        r.doneMs = now;
      }
    }
  }
  const tally = tallyOpenWindow({
    records: w.records,
    offeredPerSec: w.ratePerSec,
    startMs: w.startMs,
    endMs,
    timeoutMs,
    timeOriginMs: performance.timeOrigin,
    generator: { elu, connections: connections.length, maxConnections },
  });
  port?.postMessage({
    type: 'window',
    id: w.id,
    window: {
      load: tally.load,
      step: tally.step,
      generatorLimited: generatorLimited(w.ratePerSec, elu, tally.freeSendLagP99Ms),
      connectionsExhausted: tally.connectionsExhausted,
      ...(w.keepRecords && {
        records: w.records.filter((r) => r.dueMs >= w.startMs && r.dueMs < endMs),
      }),
    },
  } satisfies FromOpenWorker);
}

function run(msg: Extract<ToOpenWorker, { type: 'run' }>): void {
  const startMs = performance.now();
  const w: Window = {
    id: msg.id,
    ratePerSec: msg.ratePerSec,
    settle: msg.settle,
    keepRecords: msg.records,
    due: dueTimes(msg.arrivals, msg.ratePerSec, msg.durationMs, msg.seed),
    next: 0,
    startMs,
    endMs: startMs + msg.durationMs,
    records: [],
    outstanding: 0,
    elu0: performance.eventLoopUtilization(),
    elu: null,
    timers: [],
    holdOver: false,
  };
  current = w;
  port?.postMessage({ type: 'started', id: w.id } satisfies FromOpenWorker);
  tick(w);
  w.timers.push(setTimeout(() => holdEnds(w), msg.durationMs));
}

function stop(): void {
  stopped = true;
  if (current) {
    for (const t of current.timers) clearTimeout(t);
    current = null;
  }
  // Destroyed, not closed: a frozen server would hold a close until it answered.
  void Promise.allSettled(connections.map((c) => c.client.destroy())).then(() => port?.close());
}

port?.on('message', (msg: ToOpenWorker) => {
  if (msg.type === 'run') run(msg);
  else if (msg.type === 'abort') {
    if (current?.id === msg.id) finish(current, true);
  } else stop();
});
