/**
 * Worker-thread side of the synchronous upstream call (upstream-client.ts): makes each call with
 * undici on its own event loop, writes the answer into shared memory, and wakes the loop's
 * thread, which sleeps in `Atomics.wait` meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';
import {
  DONE_SLOT,
  LENGTH_SLOT,
  SYNC_ANSWER_BYTES,
  UPSTREAM_TIMEOUTS,
} from './sync-call-protocol.ts';

const { origin, shared } = workerData as { origin: string; shared: SharedArrayBuffer };
const state = new Int32Array(shared, 0, 2);
const bytes = new Uint8Array(shared, 8);
// Keep-alive, as the asynchronous variants have: only the blocking differs.
const pool = new Pool(origin, { connections: null, ...UPSTREAM_TIMEOUTS });

async function fetchInto(path: string): Promise<number> {
  try {
    const { statusCode, body } = await pool.request({ path, method: 'GET' });
    const answer = Buffer.from(await body.arrayBuffer());
    if (statusCode !== 200) return -statusCode;
    if (answer.length > SYNC_ANSWER_BYTES) return -1;
    bytes.set(answer);
    return answer.length;
  } catch {
    return -1;
  }
}

parentPort?.on('message', (path: string) => {
  void fetchInto(path).then((length) => {
    Atomics.store(state, LENGTH_SLOT, length);
    Atomics.store(state, DONE_SLOT, 1);
    Atomics.notify(state, DONE_SLOT);
  });
});
// Loaded (undici included) and listening: the caller may start its first call.
parentPort?.postMessage('ready');
