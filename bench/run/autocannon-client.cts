/**
 * How looplab sets up each of autocannon's clients (connections), in a CommonJS module because on
 * autocannon's worker threads a client's set-up can only be a file they `require` (a function
 * would be cloned). On the harness's thread load.ts calls the same functions (autocannonClient()).
 */

/** The parts of autocannon's client (lib/httpClient.js) this module reaches into. */
interface Client {
  reqsMade: number;
  responseMax?: number;
  destroy(): void;
  emit(event: string, ...args: unknown[]): boolean;
  pipelinedRequests?: { addBody?: unknown; size?: () => number; clear?: () => void };
  opts?: { initialContext?: Record<string, unknown> };
  conn?: Connection;
  parser?: { type?: unknown; reinitialize?: (type: unknown) => void };
  _connect?: () => void;
}

/** The parts of a client's socket used here. */
interface Connection {
  removeAllListeners(): void;
  on(event: 'error', listener: () => void): void;
  prependListener(event: 'error', listener: () => void): void;
  destroy(): void;
}

/** The key of autocannon's `initialContext` that carries the window's length to worker threads. */
const CLOSE_AFTER_MS = 'looplabCloseAfterMs';
/** The key that names the BroadcastChannel each client on a worker thread reports on. */
const REPORT_CHANNEL = 'looplabReportChannel';

/** What a client on a worker thread reports when it ends (request-tally.ts's ClientReport). */
interface ClientReport {
  sent: number;
  inWindowMs: Float64Array;
  inWindowBytes: number;
  afterCloseMs: Float64Array;
  timeouts: number;
  errors: number;
  non2xx: number;
  lastAnswerMs: number | null;
}

/** The events of autocannon's client that a worker's books follow. */
interface ClientEvents {
  on(event: 'request' | 'timeout' | 'connError' | 'done', listener: () => void): void;
  on(event: 'response', listener: (status: number, bytes: number, ms: number) => void): void;
}

/**
 * Stops autocannon from keeping response bodies: it appends every body chunk to a string (for
 * expectBody, verifyBody and onResponse, none of which looplab uses), which turns a streamed
 * 64 MiB answer into 64 MiB of string building on the harness's one thread, enough to measure
 * autocannon instead of the server. Bytes are still counted (autocannon counts them on the
 * socket). It reaches into autocannon's internals, so it says whether it could: a version
 * without them keeps its bodies, and is only slower.
 */
function dropResponseBodies(client: unknown): boolean {
  const queue = (client as Client).pipelinedRequests;
  if (typeof queue?.addBody !== 'function') return false;
  queue.addBody = () => {};
  return true;
}

/**
 * Makes a request lost with its connection count as a connection error, once. autocannon
 * reconnects when a connection ends (the server closed it, or reset it) without a word about the
 * request that was in flight on it, and reports a connection error only when the socket errs; a
 * request written to a connection the server was closing (`Connection: close`) is lost with
 * `end` alone. So the load saw a request sent and never answered, and counted it as a timeout.
 * Worse, autocannon keeps the lost request in its queue, so the next response on the new
 * connection is timed from the lost request's send. Before each reconnect this lets go of the
 * old socket for good (autocannon leaves its listeners on after `end`, so an error after it
 * would reconnect twice), counts each request still queued as a `connError` (less the one
 * autocannon has just reported, when it was an error that ended the connection), empties the
 * queue, and starts the response parser afresh. On the harness's thread and on autocannon's
 * worker threads alike, so both count it among `errors`. Returns whether it could (internals).
 */
function countLostRequests(client: unknown): boolean {
  const c = client as Client;
  const connect = c._connect;
  const queue = c.pipelinedRequests;
  if (typeof connect !== 'function' || typeof queue?.size !== 'function' || !queue.clear) {
    return false;
  }
  const clear = queue.clear.bind(queue);
  const size = queue.size.bind(queue);
  /** autocannon's own connError came first: the socket erred, it reported one, then reconnected. */
  let reported = false;
  c._connect = () => {
    const old = c.conn;
    if (old) {
      old.removeAllListeners();
      old.on('error', () => {});
      old.destroy();
    }
    const lost = Math.max(0, size() - (reported ? 1 : 0));
    reported = false;
    clear();
    if (c.parser?.reinitialize) c.parser.reinitialize(c.parser.type);
    for (let i = 0; i < lost; i++) {
      c.emit('connError', new Error('the connection ended before the request was answered'));
    }
    connect.call(c);
    // Before autocannon's own listener, which reports the error and reconnects at once.
    c.conn?.prependListener('error', () => {
      reported = true;
    });
  };
  return true;
}

/**
 * Ends a client's part of the window: it sends nothing new, and once the request it has in flight
 * is answered (or times out), autocannon's own limit on requests per connection (`responseMax`)
 * makes it close instead of sending the next. autocannon's stop() would instead destroy the
 * connection with that request, the slowest of the window, unanswered and counted nowhere.
 */
function closeClient(client: unknown): void {
  const c = client as Client;
  if (c.reqsMade > 0) c.responseMax = c.reqsMade;
  else c.destroy();
}

/** One channel per worker thread, unref'd: it must not keep the thread alive past its run. */
const channels = new Map<string, { postMessage(message: unknown): void }>();
function channel(name: string) {
  let open = channels.get(name);
  if (!open) {
    const { BroadcastChannel } =
      require('node:worker_threads') as typeof import('node:worker_threads');
    const created = new BroadcastChannel(name);
    created.unref();
    channels.set(name, created);
    open = created;
  }
  return open;
}

/**
 * A worker thread's client keeps the books of its own window, as load.ts keeps them on the
 * harness's thread: what it sent, each answer's latency (autocannon's, from process.hrtime, to
 * the µs) before its window closed and after, the bytes of those before, its timeouts and lost
 * requests. It closes its
 * window after `closeAfterMs` (closeClient: what is in flight is waited for) and reports when it
 * ends, whether it ended that way or was stopped; the harness counts what it left in flight as
 * timed out. Without this, autocannon's workers count the answers after the close among the
 * window's requests and leave timeouts out of the latencies.
 */
function keepWindow(client: unknown, closeAfterMs: number, channelName: string): void {
  const events = client as ClientEvents;
  const startedAt = performance.now();
  const inWindowMs: number[] = [];
  const afterCloseMs: number[] = [];
  let closed = false;
  let sent = 0;
  let timeouts = 0;
  let errors = 0;
  let lastAnswerMs: number | null = null;
  let inWindowBytes = 0;
  let non2xx = 0;
  events.on('request', () => sent++);
  events.on('response', (status, bytes, ms) => {
    if (status < 200 || status > 299) non2xx++;
    if (closed) afterCloseMs.push(ms);
    else {
      inWindowMs.push(ms);
      inWindowBytes += bytes;
      lastAnswerMs = performance.now() - startedAt;
    }
  });
  events.on('timeout', () => timeouts++);
  events.on('connError', () => errors++);
  events.on('done', () => {
    const report: ClientReport = {
      sent,
      inWindowMs: Float64Array.from(inWindowMs),
      inWindowBytes,
      afterCloseMs: Float64Array.from(afterCloseMs),
      timeouts,
      errors,
      non2xx,
      lastAnswerMs,
    };
    channel(channelName).postMessage(report);
  });
  setTimeout(() => {
    closed = true;
    closeClient(client);
  }, closeAfterMs).unref();
}

/** The set-up on a worker thread: bodies dropped, lost requests counted, the window's books. */
function setupWorkerClient(client: unknown): void {
  dropResponseBodies(client);
  countLostRequests(client);
  const context = (client as Client).opts?.initialContext;
  const closeAfterMs = context?.[CLOSE_AFTER_MS];
  const channelName = context?.[REPORT_CHANNEL];
  if (typeof closeAfterMs === 'number' && typeof channelName === 'string') {
    keepWindow(client, closeAfterMs, channelName);
  }
}

// autocannon calls what `require` returns: the module itself must be the function.
module.exports = Object.assign(setupWorkerClient, {
  CLOSE_AFTER_MS,
  REPORT_CHANNEL,
  dropResponseBodies,
  countLostRequests,
  closeClient,
});
