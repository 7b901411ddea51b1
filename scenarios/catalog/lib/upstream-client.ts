/**
 * Calling the upstream service (scenarios/upstream/) from a scenario's handlers: over an undici
 * `Pool` with keep-alive, over one that opens a new connection per call, or synchronously.
 *
 * The synchronous call is the pattern real code gets wrong (a `*Sync` HTTP client, a `synckit`
 * wrapper): a worker thread makes the call while the loop's thread sleeps in `Atomics.wait` until
 * the answer is in. Nothing else runs on the loop meanwhile, not even a timer. (deasync is
 * another hazard, not modelled here: it runs the loop nested inside the caller, `uv_run` once at a
 * time, until the answer is in.)
 */
import { Worker } from 'node:worker_threads';
import { moduleUrl } from '../../../core/module-url.ts';
import {
  DONE_SLOT,
  LENGTH_SLOT,
  SYNC_ANSWER_BYTES,
  UPSTREAM_TIMEOUTS,
} from './sync-call-protocol.ts';

/** The three calls one request makes, for a user id: a profile, its orders, recommendations. */
export const callsFor = (user: string): string[] => [
  `/users/${user}`,
  `/orders/${user}`,
  `/recommendations/${user}`,
];

/** The answer built from the three parts, in the order `callsFor` lists them. */
export function combine([user, orders, recommendations]: unknown[]): string {
  return JSON.stringify({ user, orders, recommendations });
}

/** A call that waits longer than this is an error, not a hang. */
const CALL_TIMEOUT_MS = 30_000;

export interface UpstreamClient {
  /** GET `path` from the upstream; resolves to its JSON. */
  call(path: string): Promise<unknown>;
  /** The same, blocking the calling thread until the answer is in. */
  callSync(path: string): unknown;
  close(): Promise<void>;
}

/**
 * A client of the upstream at `origin`. `keepAlive: false` opens a new connection for every call
 * (undici's `pipelining: 0`). The synchronous caller's worker starts here, ready before the
 * server is, with `blocking` (the variant that calls synchronously), else on the first `callSync`:
 * started by a request, its start-up (a thread, undici loaded in it) would hold that request's
 * loop for hundreds of milliseconds on a busy machine.
 */
export async function upstreamClient(
  origin: string,
  keepAlive = true,
  blocking = false,
): Promise<UpstreamClient> {
  // Loaded here, in setup: every CLI start and every other scenario's server loads this module
  // (through the registry), and undici takes a few hundred ms to load on a busy machine.
  const { Pool } = await import('undici');
  // As many connections as calls in flight: a pool that queued calls would add its own waiting.
  const pool = new Pool(origin, {
    pipelining: keepAlive ? 1 : 0,
    connections: null,
    ...UPSTREAM_TIMEOUTS,
  });
  let sync: SyncCaller | undefined;
  if (blocking) {
    sync = new SyncCaller(origin);
    await sync.ready;
  }
  return {
    async call(path) {
      const { statusCode, body } = await pool.request({ path, method: 'GET' });
      if (statusCode !== 200) {
        await body.dump();
        throw new Error(`upstream answered ${statusCode} to ${path}`);
      }
      return body.json();
    },
    callSync(path) {
      sync ??= new SyncCaller(origin);
      return sync.call(path);
    },
    async close() {
      await Promise.all([pool.close(), sync?.close()]);
    },
  };
}

class SyncCaller {
  readonly #worker: Worker;
  readonly #state: Int32Array;
  readonly #bytes: Uint8Array;
  /** Resolves once the worker has loaded and listens; rejects if it fails to. */
  readonly ready: Promise<void>;

  constructor(origin: string) {
    const shared = new SharedArrayBuffer(8 + SYNC_ANSWER_BYTES);
    this.#state = new Int32Array(shared, 0, 2);
    this.#bytes = new Uint8Array(shared, 8);
    this.#worker = new Worker(moduleUrl(import.meta.url, './sync-call-worker'), {
      workerData: { origin, shared },
    });
    const worker = this.#worker;
    this.ready = new Promise((resolve, reject) => {
      // Held until it is ready: awaited in setup, before the server listens, an unreferenced
      // worker would let the process end for want of anything else to wait for.
      worker.once('message', () => {
        worker.unref();
        resolve();
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the sync caller's worker exited (${code})`)));
    });
    // A start-up failure nobody awaits (the caller starts lazily) is not an unhandled rejection.
    this.ready.catch(() => {});
  }

  call(path: string): unknown {
    const state = this.#state;
    Atomics.store(state, DONE_SLOT, 0);
    this.#worker.postMessage(path);
    // The loop's thread sleeps here until the worker has the answer: the blocking being shown.
    if (Atomics.wait(state, DONE_SLOT, 0, CALL_TIMEOUT_MS) === 'timed-out')
      throw new Error(`upstream call to ${path} timed out after ${CALL_TIMEOUT_MS} ms`);
    const length = Atomics.load(state, LENGTH_SLOT);
    if (length < 0) throw new Error(`upstream call to ${path} failed (${-length})`);
    return JSON.parse(Buffer.from(this.#bytes.subarray(0, length)).toString('utf8'));
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
