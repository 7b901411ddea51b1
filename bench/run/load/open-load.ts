/**
 * The open-model generator of `looplab sweep`: requests sent when they are due, at a constant
 * arrival rate, whatever the server does, each timed from its due time (corrected for coordinated
 * omission) and from its send (uncorrected). Unlike autocannon's closed loop (load.ts), a slow
 * server does not slow the arrivals: the requests it holds up are the ones it hurts.
 *
 * The scheduler and the HTTP client run on a worker thread (open-load-worker.ts), off the caller's
 * loop; a window's books are open-tally.ts's and its due times open-schedule.ts's.
 */
import { Worker } from 'node:worker_threads';
import { moduleUrl } from '../../../core/module-url.ts';
import type { OutgoingRequest } from '../../../scenarios/request.ts';
import { typeScriptExecArgv } from '../../../scenarios/server/ts-loader.ts';
import type { Arrivals } from '../../sweep/types.ts';
import type {
  FromOpenWorker,
  OpenWindow,
  OpenWorkerData,
  ToOpenWorker,
} from './open-load-messages.ts';

export type { OpenWindow } from './open-load-messages.ts';
export {
  generatorLimited,
  type OpenRecord,
  type OpenStep,
  type OpenTally,
  tallyOpenWindow,
} from './open-tally.ts';

export interface OpenLoadOptions {
  /** The origin, e.g. http://127.0.0.1:PORT. */
  url: string;
  /** Sent in rotation. */
  requests: readonly OutgoingRequest[];
  arrivals: Arrivals;
  maxConnections: number;
  timeoutSec: number;
  /** The poisson arrivals' seed (default 1); each run draws from seed + its number. */
  seed?: number;
  /** Ends the window running (and any later one) early, with what it has. */
  signal?: AbortSignal;
}

export interface OpenLoad {
  /**
   * Sends at ratePerSec for durationSec (onStart as the first is due); with settle, waits for the
   * requests still out (up to the timeout) before resolving. Connections stay open between calls.
   * With records, the window carries every request's record too (for tests).
   */
  run(
    ratePerSec: number,
    durationSec: number,
    o?: { onStart?: () => void; settle?: boolean; records?: boolean },
  ): Promise<OpenWindow>;
  close(): Promise<void>;
}

/** Starts the generator's thread; it opens connections when the first run needs them. */
export async function startOpenLoad(options: OpenLoadOptions): Promise<OpenLoad> {
  const { url, requests, arrivals, maxConnections, timeoutSec, seed = 1, signal } = options;
  if (requests.length === 0) throw new RangeError('startOpenLoad: no request to send');
  if (!(Number.isInteger(maxConnections) && maxConnections >= 1))
    throw new RangeError(
      `startOpenLoad: maxConnections must be a whole number ≥ 1, got ${maxConnections}`,
    );
  if (!(timeoutSec > 0))
    throw new RangeError(`startOpenLoad: timeoutSec must be > 0, got ${timeoutSec}`);
  const workerData: OpenWorkerData = {
    origin: new URL(url).origin,
    requests,
    maxConnections,
    timeoutMs: timeoutSec * 1000,
  };
  const worker = new Worker(moduleUrl(import.meta.url, './open-load-worker'), {
    workerData,
    execArgv: import.meta.url.endsWith('.ts') ? typeScriptExecArgv() : [],
    name: 'looplab open load',
  });
  let gone: Error | null = null;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const runs = new Map<
    number,
    { resolve: (w: OpenWindow) => void; reject: (e: Error) => void; onStart?: () => void }
  >();
  const fail = (err: Error) => {
    gone ??= err;
    for (const r of runs.values()) r.reject(err);
    runs.clear();
  };
  worker.on('error', (err) => fail(err));
  void exited.then(() => fail(new Error('the open-load worker exited')));
  worker.on('message', (msg: FromOpenWorker) => {
    const r = runs.get(msg.id);
    if (!r) return;
    if (msg.type === 'started') r.onStart?.();
    else {
      runs.delete(msg.id);
      r.resolve(msg.window);
    }
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
  });
  const post = (msg: ToOpenWorker) => {
    if (!gone) worker.postMessage(msg);
  };
  const onAbort = () => {
    for (const id of runs.keys()) post({ type: 'abort', id });
  };
  signal?.addEventListener('abort', onAbort);
  let nextId = 0;
  let running = false;
  return {
    async run(ratePerSec, durationSec, o = {}) {
      if (!(ratePerSec > 0 && Number.isFinite(ratePerSec)))
        throw new RangeError(`run: the rate must be a positive number, got ${ratePerSec}`);
      if (!(durationSec > 0 && Number.isFinite(durationSec)))
        throw new RangeError(`run: the duration must be a positive number, got ${durationSec}`);
      if (gone) throw gone;
      if (running) throw new Error('run: one window at a time');
      running = true;
      const id = nextId++;
      try {
        return await new Promise<OpenWindow>((resolve, reject) => {
          runs.set(id, { resolve, reject, ...(o.onStart && { onStart: o.onStart }) });
          post({
            type: 'run',
            id,
            ratePerSec,
            durationMs: durationSec * 1000,
            arrivals,
            seed: seed + id,
            settle: o.settle ?? false,
            records: o.records ?? false,
          });
          if (signal?.aborted) post({ type: 'abort', id });
        });
      } finally {
        running = false;
      }
    },
    async close() {
      signal?.removeEventListener('abort', onAbort);
      post({ type: 'stop' });
      // A thread that does not stop within a second is ended: closing must not hang.
      const timer = setTimeout(() => void worker.terminate(), 1000);
      await exited;
      clearTimeout(timer);
    },
  };
}
