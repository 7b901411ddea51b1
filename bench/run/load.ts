/**
 * The load generator: autocannon, run in the harness process, never in the server's.
 */
import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type autocannon from 'autocannon';
import type { OutgoingRequest } from '../../scenarios/request.ts';
import type { LoadResult } from '../report/types.ts';

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
}

/**
 * Stops autocannon from keeping response bodies: it appends every body chunk to a string (for
 * expectBody, verifyBody and onResponse, none of which looplab uses), which turns a streamed
 * 64 MiB answer into 64 MiB of string building on the harness's one thread, enough to measure
 * autocannon instead of the server. Bytes are still counted (autocannon counts them on the
 * socket). It reaches into autocannon's internals, so it says whether it could: a version
 * without them keeps its bodies, and is only slower.
 */
export function dropResponseBodies(client: unknown): boolean {
  const queue = (client as { pipelinedRequests?: { addBody?: unknown } }).pipelinedRequests;
  if (typeof queue?.addBody !== 'function') return false;
  queue.addBody = () => {};
  return true;
}

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
}

/** Drives `url` with closed-loop load for `durationSec`; resolves early, with what it has, on abort. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  // Loaded on first use: a third of a second at every start of the CLI, which most commands
  // (compare, lessons, --help) never need.
  const { default: autocannon } = await import('autocannon');
  const ttfbMs: number[] = [];
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    /** When the last answer came; a server that stopped answering has a long silence after it. */
    let lastAnswerAt: number | undefined;
    // Declared before autocannon() runs: it calls back synchronously on invalid options.
    let instance: autocannon.Instance | undefined;
    const stop = () => instance?.stop();
    instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSec,
        timeout: options.timeoutSec,
        pipelining: 1,
        // Each connection goes through the list in order, over and over (autocannon's requests).
        ...(options.requests && {
          requests: options.requests.map((r) => ({
            method: r.method as autocannon.Request['method'],
            path: r.path,
            headers: { ...r.headers },
            ...(r.body.length > 0 && { body: r.body }),
          })),
        }),
        ...(options.workers && { workers: options.workers }),
        // autocannon checks for the end of its duration only when it takes a sample, every
        // second by default: a 0.5 s run would last 1 s. Sampling often ends it on time.
        sampleInt: 50,
        // On autocannon's own worker threads a function cannot be passed (it is cloned): there,
        // bodies are kept and time to first byte is not measured (null in the report).
        ...(!options.workers && {
          setupClient: (client: autocannon.Client) => {
            dropResponseBodies(client);
            timeToFirstByte(client, ttfbMs);
          },
        }),
      },
      (err, result) => {
        options.signal?.removeEventListener('abort', stop);
        if (err) return reject(err);
        resolve({
          // Worker threads take a while to start sending; autocannon times its own window then.
          elapsedMs: options.workers ? result.duration * 1000 : performance.now() - startedAt,
          requestsTotal: result.requests.total,
          bytesTotal: result.throughput.total,
          latencyP50Ms: result.latency.p50,
          latencyP90Ms: result.latency.p90,
          latencyP99Ms: result.latency.p99,
          latencyMaxMs: result.latency.max,
          // autocannon counts timeouts among its errors too; keep the two apart.
          errors: result.errors - result.timeouts,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          ttfbMs,
          // With worker threads no answer reaches this thread: unknown.
          ...(lastAnswerAt !== undefined && { lastAnswerMs: lastAnswerAt - startedAt }),
        });
      },
    );
    options.signal?.addEventListener('abort', stop, { once: true });
    instance?.on('response', () => {
      lastAnswerAt = performance.now();
    });
    if (options.onTick) {
      const onTick = options.onTick;
      let completed = 0;
      instance?.on('response', () => {
        completed++;
      });
      // @types/autocannon does not declare 'tick', which autocannon emits once a second. Its
      // own counter restarts at every 50 ms sample, so the count is kept above instead. With
      // worker threads no 'response' reaches this thread: the count stays 0.
      (instance as unknown as EventEmitter | undefined)?.on('tick', () => onTick(completed));
    }
  });
}
