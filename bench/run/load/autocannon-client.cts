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
  on(event: 'headers', listener: (info: { shouldKeepAlive?: boolean }) => void): unknown;
  on(event: 'response', listener: () => void): unknown;
  pipelinedRequests?: { addBody?: unknown; size?: () => number; clear?: () => void };
  opts?: { initialContext?: Record<string, unknown>; pipelining?: number };
  conn?: Connection;
  parser?: { type?: unknown; reinitialize?: (type: unknown) => void };
  _connect?: () => void;
  _doRequest?: () => void;
  destroyed?: boolean;
}

/** The parts of a client's socket used here. */
interface Connection {
  once(event: 'connect', listener: () => void): void;
  removeAllListeners(): void;
  on(event: 'error', listener: () => void): void;
  prependListener(event: 'error', listener: () => void): void;
  destroy(): void;
}

/** The key of autocannon's `initialContext` that carries the window's length to worker threads. */
const CLOSE_AFTER_MS = 'looplabCloseAfterMs';
/** The key that names the BroadcastChannel each client on a worker thread reports on. */
const REPORT_CHANNEL = 'looplabReportChannel';
/**
 * The key that names the BroadcastChannel of the first requests held on worker threads
 * (holdFirstRequest): each client says `connected` on it once its connection is open, and all
 * send once the harness says `go`.
 */
const GATE_CHANNEL = 'looplabGateChannel';

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
  // An answer that says `Connection: close` ends its connection, and HTTP/1.1 forbids another
  // request on it; autocannon writes its next one there at once (right after 'response'), the
  // server's close loses it, and it would count as an error the server never made. So the next
  // connection is opened before that write, as a well-behaved client does: with pipelining 0
  // for the moment, autocannon's _connect sends nothing itself, and its own next write goes out
  // on the new connection.
  let closing = false;
  c.on('headers', (info) => {
    closing = info?.shouldKeepAlive === false;
  });
  c.on('response', () => {
    if (!closing || c.destroyed || !c.opts) return;
    closing = false;
    const opts = c.opts;
    const pipelining = opts.pipelining;
    opts.pipelining = 0;
    try {
      c._connect?.();
    } finally {
      opts.pipelining = pipelining;
    }
  });
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

/** A client whose first request waits (holdFirstRequest). */
interface HeldClient {
  /** Resolves once its connection is open (the kernel completed the handshake). */
  connected: Promise<void>;
  /** Sends the first request, and every later one as autocannon would. */
  release(): void;
}

/**
 * Holds a client's first request until `release()`. autocannon writes a client's first request as
 * it opens the connection, so a window that starts with a fresh autocannon opens with all of its
 * connections new at once; a Node server accepts one connection per turn of its loop (libuv ≥
 * 1.45, libuv/libuv#3696), and on a server whose every turn serves the requests of the connections
 * already accepted, connection k waits k − 1 such turns: on busy-wait sync (20 ms a request, 10
 * connections) the tenth was first answered ~0.9 s into the window. Holding the requests until
 * every connection is open, and the idle server has had a moment to accept them all, lets the
 * window measure the steady state the warm-up reached. Must be called in autocannon's
 * `setupClient`, before the client connects. Reaches into autocannon's internals (`_doRequest`):
 * without them it returns null and the client sends at once, as autocannon does.
 */
function holdFirstRequest(client: unknown): HeldClient | null {
  const c = client as Client;
  const send = c._doRequest;
  if (typeof send !== 'function') return null;
  let held = false;
  let released = false;
  let onConnected: () => void = () => {};
  const connected = new Promise<void>((resolve) => {
    onConnected = resolve;
  });
  // autocannon calls it as each connection opens (and again after each answer): while held, it
  // notes that a request is due, and waits for this connection to open.
  c._doRequest = () => {
    held = true;
    c.conn?.once('connect', onConnected);
  };
  return {
    connected,
    release() {
      if (released) return;
      released = true;
      delete c._doRequest;
      if (held && !c.destroyed) send.call(c);
    },
  };
}

/** One channel per worker thread, unref'd: it must not keep the thread alive past its run. */
const channels = new Map<string, { postMessage(message: unknown): void }>();
function channel(name: string, onGo?: () => void) {
  let open = channels.get(name);
  if (!open) {
    const { BroadcastChannel } =
      require('node:worker_threads') as typeof import('node:worker_threads');
    const created = new BroadcastChannel(name);
    created.unref();
    // Other threads' clients say `connected` on a gate channel too: only the harness's `go` counts.
    if (onGo) created.onmessage = (event) => (event as { data: unknown }).data === 'go' && onGo();
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
function keepWindow(client: unknown, closeAfterMs: number, channelName: string): () => void {
  const events = client as ClientEvents;
  let startedAt = performance.now();
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
  // The window opens when the client starts sending: at once, or when its first request is let go.
  return () => {
    startedAt = performance.now();
    setTimeout(() => {
      closed = true;
      closeClient(client);
    }, closeAfterMs).unref();
  };
}

/** Per worker thread and gate: whether `go` came, and the clients still waiting for it. */
const gates = new Map<string, { gone: boolean; waiting: (() => void)[] }>();
function gate(name: string) {
  let open = gates.get(name);
  if (!open) {
    const state = { gone: false, waiting: [] as (() => void)[] };
    channel(name, () => {
      state.gone = true;
      for (const go of state.waiting.splice(0)) go();
    });
    gates.set(name, state);
    open = state;
  }
  return open;
}

/**
 * Holds the client's first request until the harness says `go` on the gate channel, which it
 * does once every client on every thread has said it is connected (or a client connects after
 * it: the harness says it again); then `begin` opens its window.
 */
function waitAtGate(client: unknown, name: string, begin: () => void): boolean {
  const hold = holdFirstRequest(client);
  if (!hold) return false;
  const state = gate(name);
  let gone = false;
  const go = () => {
    if (gone) return;
    gone = true;
    clearTimeout(limit);
    begin();
    hold.release();
  };
  // A client held as long as its request timeout, which runs from its start, would count a
  // timeout that never was: it goes on its own first (after the harness's own wait, load.ts).
  const limit = setTimeout(go, (client as { timeout: number }).timeout * 0.75);
  limit.unref();
  void hold.connected.then(() => {
    if (state.gone) go();
    else {
      state.waiting.push(go);
      channel(name).postMessage('connected');
    }
  });
  return true;
}

/** The set-up on a worker thread: bodies dropped, lost requests counted, the window's books. */
function setupWorkerClient(client: unknown): void {
  dropResponseBodies(client);
  countLostRequests(client);
  const context = (client as Client).opts?.initialContext;
  const closeAfterMs = context?.[CLOSE_AFTER_MS];
  const channelName = context?.[REPORT_CHANNEL];
  const gateName = context?.[GATE_CHANNEL];
  if (typeof closeAfterMs === 'number' && typeof channelName === 'string') {
    const begin = keepWindow(client, closeAfterMs, channelName);
    if (typeof gateName !== 'string' || !waitAtGate(client, gateName, begin)) begin();
  }
}

// autocannon calls what `require` returns: the module itself must be the function.
module.exports = Object.assign(setupWorkerClient, {
  CLOSE_AFTER_MS,
  REPORT_CHANNEL,
  GATE_CHANNEL,
  dropResponseBodies,
  countLostRequests,
  closeClient,
  holdFirstRequest,
});
