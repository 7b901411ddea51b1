/**
 * The load generator: autocannon, run in the harness process, never in the server's.
 */
import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type autocannon from 'autocannon';
import type { LoadResult } from '../report/types.ts';
import type { RequestSpec } from './target.ts';

export interface LoadOptions {
  url: string;
  /** Method, headers and body; default a bare GET. */
  request?: RequestSpec;
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

/** Drives `url` with closed-loop load for `durationSec`; resolves early, with what it has, on abort. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  // Loaded on first use: a third of a second at every start of the CLI, which most commands
  // (compare, lessons, --help) never need.
  const { default: autocannon } = await import('autocannon');
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
        ...(options.request && {
          method: options.request.method as autocannon.Request['method'],
          headers: options.request.headers,
          ...(options.request.body && { body: options.request.body }),
        }),
        ...(options.workers && { workers: options.workers }),
        // autocannon checks for the end of its duration only when it takes a sample, every
        // second by default: a 0.5 s run would last 1 s. Sampling often ends it on time.
        sampleInt: 50,
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
