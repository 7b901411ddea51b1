/**
 * The load generator: autocannon, run in the harness process, never in the server's.
 */

import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BroadcastChannel } from 'node:worker_threads';
import type autocannon from 'autocannon';
import type { OutgoingRequest } from '../../../scenarios/request.ts';
import type { LoadResult } from '../../report/types.ts';
import {
  type ClientReport,
  type RequestCounts,
  RequestTally,
  tallyOfReports,
} from './request-tally.ts';

export interface LoadOptions {
  url: string;
  /** Sent in rotation on every connection; default one `GET /`. */
  requests?: readonly OutgoingRequest[];
  /** Run autocannon on this many worker threads of its own instead of the harness's thread. */
  workers?: number;
  connections: number;
  durationSec: number;
  /** Per-request timeout; a request slower than this counts as a timeout. */
  timeoutSec: number;
  signal?: AbortSignal;
  /** Called about once a second with the requests completed so far. */
  onTick?: (completed: number) => void;
  /**
   * Called with each answer's latency as it comes (`lesson --live`'s frames); on this thread
   * only: on worker threads (`--workers`) it is never called.
   */
  onAnswer?: (latencyMs: number) => void;
  /** Called as autocannon starts sending (on worker threads: as they are started). */
  onStart?: () => void;
  /**
   * Open every connection before the first request, and start sending (and the window) only
   * once all are open and the server has had a moment to accept them (holdFirstRequest). On
   * worker threads they always are (runOnWorkers).
   */
  connectFirst?: boolean;
}

/** What autocannon-client.cts exports: a CommonJS module, as autocannon's worker threads need. */
interface ClientModule {
  CLOSE_AFTER_MS: string;
  REPORT_CHANNEL: string;
  GATE_CHANNEL: string;
  dropResponseBodies(client: unknown): boolean;
  countLostRequests(client: unknown): boolean;
  closeClient(client: unknown): void;
  holdFirstRequest(client: unknown): HeldClient | null;
}

/** A client whose first request waits (autocannon-client.cts). */
interface HeldClient {
  connected: Promise<void>;
  release(): void;
}

/** The client set-up module, compiled (.cjs) or from source (.cts). */
const clientModuleUrl = new URL(
  `./autocannon-client${import.meta.url.endsWith('.ts') ? '.cts' : '.cjs'}`,
  import.meta.url,
);
const clientModule = createRequire(import.meta.url)(fileURLToPath(clientModuleUrl)) as ClientModule;
export const { dropResponseBodies, countLostRequests, closeClient, holdFirstRequest } =
  clientModule;

/**
 * Records each response's time to first byte on `client`, from autocannon's documented client
 * events: `headers` fires when the head of a response is parsed, which arrives in its first
 * bytes, and `response` gives the whole response time when it ends. With one request in flight
 * per connection (no pipelining) both belong to the same request, so the request went out at
 * (end − response time) and its first byte came at `headers`. Precise to microseconds, where
 * autocannon's own latencies are whole milliseconds, and measured on every request the load
 * sends, with no extra request of our own.
 */
function timeToFirstByte(client: autocannon.Client, into: number[]): void {
  let headersAt: number | null = null;
  client.on('headers', () => {
    headersAt = performance.now();
  });
  client.on('response', (_status, _bytes, responseTimeMs) => {
    if (headersAt !== null)
      into.push(Math.max(0, headersAt - (performance.now() - responseTimeMs)));
    headersAt = null;
  });
  // A response cut off after its head: that head belongs to a lost request, not to the next.
  (client as unknown as EventEmitter).on('connError', () => {
    headersAt = null;
  });
}

/**
 * autocannon, loaded once, on first use: a third of a second at every start of the CLI, which
 * most commands (compare, lessons, --help) never need. A bench loads it before a window opens.
 */
let autocannonModule: Promise<typeof autocannon> | undefined;
export function loadAutocannon(): Promise<typeof autocannon> {
  autocannonModule ??= import('autocannon').then((m) => m.default);
  return autocannonModule;
}

/** How long past its window autocannon may run at most: the wait for the last answers, and some. */
const BACKSTOP_SEC = 2;

/**
 * With connectFirst, how long the server is given to accept the connections once all are open. A
 * drained server accepts one per turn of its loop, each turn well under a millisecond when idle.
 */
export const ACCEPT_MS = 20;
/**
 * With connectFirst, the longest the first requests wait for every connection to open, on this
 * thread: well inside the shortest request timeout (1 s), which runs from each client's start; the
 * load then starts with the connections that are open.
 */
export const CONNECT_WAIT_MS = 400;
/**
 * On worker threads, which take a third of a second or more to start, the longest the harness
 * waits for all of their clients: at most this, and half the request timeout (a client held past
 * three quarters of it lets itself go, autocannon-client.cts).
 */
export const WORKERS_CONNECT_WAIT_MS = 5000;

/** Resolves once every one of `connected` has, or after `waitMs`, then `ACCEPT_MS` more. */
async function afterAllConnected(
  connected: readonly Promise<void>[],
  waitMs = CONNECT_WAIT_MS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(connected),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
    }),
  ]);
  clearTimeout(timer);
  await new Promise((resolve) => setTimeout(resolve, ACCEPT_MS));
}

/**
 * Drives `url` with closed-loop load for `durationSec`, then sends nothing new and waits, up to
 * the timeout, for the answers still in flight (request-tally.ts); resolves early, with what it
 * has, on abort.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const autocannon = await loadAutocannon();
  return options.workers ? runOnWorkers(autocannon, options) : runHere(autocannon, options);
}

/**
 * The options both ways of running autocannon share. The window is closed by looplab
 * (closeClient); autocannon's own end, which destroys what is in flight, is only a backstop past
 * the wait for the last answers.
 */
function baseOptions(options: LoadOptions) {
  return {
    url: options.url,
    connections: options.connections,
    duration: options.durationSec + options.timeoutSec + BACKSTOP_SEC,
    timeout: options.timeoutSec,
    pipelining: 1,
    // Each connection goes through the requests in order, over and over.
    ...(options.requests && {
      requests: options.requests.map((r) => ({
        method: r.method as autocannon.Request['method'],
        path: r.path,
        headers: { ...r.headers },
        ...(r.body.length > 0 && { body: r.body }),
      })),
    }),
    // autocannon notices that every client has closed only when it takes a sample, every
    // second by default: sampling often ends the wait on time.
    sampleInt: 50,
  };
}

/**
 * Starts connection `i` of `n` at its own place in a list of requests, not all at the first: with
 * a list of many different inputs (an app lesson's), the connections then send different ones,
 * and a server that remembers its answers meets few repeats. autocannon builds every client's
 * iterator from the same list, so the list is rotated on the client before its first request.
 */
function spreadRequests(client: autocannon.Client, i: number, n: number): void {
  const iterator = (client as unknown as { requestIterator: RotatableIterator }).requestIterator;
  const list = iterator.requests;
  const from = Math.floor((i * list.length) / n);
  if (from === 0) return;
  iterator.setRequests([...list.slice(from), ...list.slice(0, from)]);
}

interface RotatableIterator {
  requests: unknown[];
  setRequests(requests: unknown[]): void;
}

/** What a load measured besides its requests' books. */
interface LoadExtras {
  elapsedMs: number;
  /** performance.now() when the window opened. */
  startedAt: number;
  non2xx: number;
  ttfbMs: number[];
  lastAnswerMs: number | null;
  answeredMaxMs: number;
}

/** A window's result from its books (request-tally.ts), the same on one thread or on workers. */
function resultOf(c: RequestCounts, x: LoadExtras): LoadResult {
  const at = (p: number) => c.latency.percentile(p) ?? 0;
  return {
    elapsedMs: x.elapsedMs,
    startEpochMs: performance.timeOrigin + x.startedAt,
    requestsTotal: c.answeredInWindow,
    requestsSent: c.sent,
    requestsAfterClose: c.answeredAfterClose,
    latencyResolutionMs: 0.001,
    // Of the answers inside the window only, as requestsTotal: bytes/s divides them by it too.
    bytesTotal: c.bytesInWindow,
    latencyP50Ms: at(50),
    latencyP90Ms: at(90),
    latencyP99Ms: at(99),
    latencyMaxMs: c.latency.maxMs ?? 0,
    errors: c.errors,
    timeouts: c.timeouts,
    non2xx: x.non2xx,
    ttfbMs: x.ttfbMs,
    ...(x.lastAnswerMs !== null && { lastAnswerMs: x.lastAnswerMs }),
    answeredMaxMs: x.answeredMaxMs,
  };
}

/** On the harness's thread: every request timed here, to the microsecond. */
function runHere(ac: typeof autocannon, options: LoadOptions): Promise<LoadResult> {
  const ttfbMs: number[] = [];
  const tally = new RequestTally(options.timeoutSec * 1000);
  const clients: autocannon.Client[] = [];
  const held: HeldClient[] = [];
  return new Promise((resolve, reject) => {
    /** Set once autocannon has built its clients (below). */
    let startedAt = 0;
    let closedAt: number | undefined;
    /** When the last answer came; a server that stopped answering has a long silence after it. */
    let lastAnswerAt: number | undefined;
    /** The slowest answer: timeouts, recorded at the timeout in the latencies, are not answers. */
    let answeredMaxMs = 0;
    let completed = 0;
    let closeTimer: NodeJS.Timeout | undefined;
    /** autocannon has called back (aborted while the first requests were held, say). */
    let ended = false;
    // Declared before autocannon() runs: it calls back synchronously on invalid options.
    let instance: autocannon.Instance | undefined;
    const stop = () => instance?.stop();
    const close = () => {
      if (closedAt !== undefined) return;
      closedAt = performance.now();
      tally.close();
      for (const client of clients) closeClient(client);
    };
    instance = ac(
      {
        ...baseOptions(options),
        setupClient: (client: autocannon.Client) => {
          clients.push(client);
          spreadRequests(client, clients.length - 1, options.connections);
          const hold = options.connectFirst ? holdFirstRequest(client) : null;
          if (hold) held.push(hold);
          dropResponseBodies(client);
          countLostRequests(client);
          timeToFirstByte(client, ttfbMs);
          // Events autocannon's client emits that @types/autocannon does not declare.
          const events = client as unknown as EventEmitter;
          events.on('request', () => tally.sent());
          // The response time is autocannon's, from process.hrtime: fractional ms.
          client.on('response', (_status, bytes, responseTimeMs) => {
            tally.answered(responseTimeMs, bytes);
            // The silence check (silentTailMs) looks at the window: answers after it do not end it.
            if (closedAt === undefined) lastAnswerAt = performance.now();
            answeredMaxMs = Math.max(answeredMaxMs, responseTimeMs);
            completed++;
            options.onAnswer?.(responseTimeMs);
          });
          events.on('timeout', () => tally.timedOut());
          events.on('connError', () => tally.failed());
        },
      },
      (err, result) => {
        ended = true;
        clearTimeout(closeTimer);
        options.signal?.removeEventListener('abort', stop);
        if (err) return reject(err);
        // Whatever is still in flight now was stopped (abort, backstop): a timeout, not nothing.
        resolve(
          resultOf(tally.counts(true), {
            elapsedMs: (closedAt ?? performance.now()) - startedAt,
            startedAt,
            non2xx: result.non2xx,
            ttfbMs,
            lastAnswerMs: lastAnswerAt === undefined ? null : lastAnswerAt - startedAt,
            answeredMaxMs,
          }),
        );
      },
    );
    // autocannon builds its clients as it is called (30-70 ms for 10 of them here), and their
    // first requests go out once this thread is free again, or, held, once released: the window
    // opens then, for the bystander too, so that the probe's (at the first request) opens with it.
    const begin = () => {
      if (ended) return;
      options.onStart?.();
      startedAt = performance.now();
      closeTimer = setTimeout(close, options.durationSec * 1000);
      for (const hold of held) hold.release();
    };
    if (held.length > 0) {
      void afterAllConnected(held.map((h) => h.connected)).then(begin);
    } else begin();
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.onTick) {
      const onTick = options.onTick;
      // @types/autocannon does not declare 'tick', which autocannon emits once a second.
      (instance as unknown as EventEmitter | undefined)?.on('tick', () => onTick(completed));
    }
  });
}

/** How long the harness waits, after autocannon's workers end, for their clients' last reports. */
const REPORTS_WAIT_MS = 2000;

/**
 * On autocannon's own worker threads. A function cannot be passed to them (it is cloned), so
 * each client is set up by a module of its own (autocannon-client.cts) that closes its window
 * after the duration, waits for what it has in flight, and reports its books over a
 * BroadcastChannel: the result is built from those as on one thread (resultOf), the tail kept and
 * only the answers inside the window counted as its requests. Each client times its own window
 * (worker threads take a while to start sending). No time to first byte.
 * @throws when a client's report never came: the window's books would be incomplete.
 */
function runOnWorkers(ac: typeof autocannon, options: LoadOptions): Promise<LoadResult> {
  const name = `looplab-load-${randomUUID()}`;
  const reports: ClientReport[] = [];
  const channel = new BroadcastChannel(name);
  // The workers and the wait below keep the process alive; the channel alone must not.
  channel.unref();
  let allArrived: (() => void) | undefined;
  channel.onmessage = (event: unknown) => {
    reports.push((event as { data: ClientReport }).data);
    if (reports.length >= options.connections) allArrived?.();
  };
  // The first requests wait at the gate until every client of every thread is connected, with
  // connectFirst or not: the threads take a third of a second or more to start, each at its own
  // pace, and a window opened as they were asked to start (--warmup 0) opened 0.4–0.6 s before the
  // probe's, which opens at the first request. The bystander's window and the load's open as they
  // are let go.
  let startedAt = performance.now();
  const gate = openGate(`${name}-gate`, options);
  return new Promise<LoadResult>((resolve, reject) => {
    let finished = false;
    /** The reports travel on a channel of their own: they may come just after autocannon ends. */
    const finish = (aborted: boolean) => {
      if (finished) return;
      finished = true;
      options.signal?.removeEventListener('abort', abort);
      const timer = setTimeout(() => allArrived?.(), REPORTS_WAIT_MS);
      void new Promise<void>((r) => {
        allArrived = r;
        if (reports.length >= options.connections) r();
      }).then(() => {
        clearTimeout(timer);
        if (!aborted && reports.length < options.connections) {
          return reject(
            new Error(
              `only ${reports.length} of autocannon's ${options.connections} connections on ` +
                '--workers reported their requests: the window cannot be counted',
            ),
          );
        }
        const last = Math.max(-1, ...reports.map((r) => r.lastAnswerMs ?? -1));
        resolve(
          resultOf(tallyOfReports(reports, options.timeoutSec * 1000).counts(true), {
            elapsedMs: options.durationSec * 1000,
            startedAt,
            non2xx: reports.reduce((n, r) => n + r.non2xx, 0),
            ttfbMs: [],
            lastAnswerMs: last < 0 ? null : last,
            answeredMaxMs: answeredMax(reports),
          }),
        );
      });
    };
    let instance: autocannon.Instance | undefined;
    // autocannon's workers stop without calling back: the clients' reports are what it has.
    const abort = () => {
      instance?.stop();
      finish(true);
    };
    instance = ac(
      {
        ...baseOptions(options),
        workers: options.workers,
        setupClient: fileURLToPath(clientModuleUrl),
        initialContext: {
          [clientModule.CLOSE_AFTER_MS]: options.durationSec * 1000,
          [clientModule.REPORT_CHANNEL]: name,
          [clientModule.GATE_CHANNEL]: gate.name,
        },
      } as unknown as autocannon.Options,
      (err) => {
        if (!err) return finish(false);
        options.signal?.removeEventListener('abort', abort);
        reject(err);
      },
    );
    void gate.opened.then(() => {
      if (finished) return;
      options.onStart?.();
      startedAt = performance.now();
      gate.go();
    });
    options.signal?.addEventListener('abort', abort, { once: true });
  }).finally(() => {
    channel.close();
    gate.close();
  });
}

/**
 * The harness's side of the gate that holds the first requests on worker threads
 * (autocannon-client.cts, waitAtGate): `opened` resolves once every client has said it is
 * connected (or after WORKERS_CONNECT_WAIT_MS, or half the timeout), and ACCEPT_MS more; `go` lets
 * them all send, and any client that connects later is let go at once.
 */
function openGate(name: string, options: LoadOptions) {
  const gate = new BroadcastChannel(name);
  gate.unref();
  let connected = 0;
  let gone = false;
  let allConnected: () => void = () => {};
  const everyone = new Promise<void>((resolve) => {
    allConnected = resolve;
  });
  gate.onmessage = (event: unknown) => {
    if ((event as { data: unknown }).data !== 'connected') return;
    if (gone) gate.postMessage('go');
    else if (++connected >= options.connections) allConnected();
  };
  return {
    name,
    opened: afterAllConnected(
      [everyone],
      Math.min(WORKERS_CONNECT_WAIT_MS, options.timeoutSec * 500),
    ),
    go() {
      gone = true;
      gate.postMessage('go');
    },
    close: () => gate.close(),
  };
}

/** The slowest answer the clients reported, timeouts excluded. */
function answeredMax(reports: readonly ClientReport[]): number {
  let max = 0;
  for (const r of reports) {
    for (const ms of [r.inWindowMs, r.afterCloseMs])
      for (let i = 0; i < ms.length; i++) max = Math.max(max, ms[i] as number);
  }
  return max;
}
