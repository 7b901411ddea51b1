// Product search for the search box: ranks every product name against the
// words typed, so that small typos ("wol scraf") still find the right thing.
//
// The ranking is CPU work in JavaScript, so it runs in a worker thread
// (search-worker.js): the event loop only posts the query and, later, gets the
// ten results back. One worker is enough on a small machine; queries queue in
// its message port and each answer is matched to its query by a number.
import { Worker } from 'node:worker_threads';
import { productNames } from './catalog.js';

// Resolved against this file, not the working directory, so the app can be
// started from anywhere (node some/where/server.js).
const WORKER_URL = new URL('./search-worker.js', import.meta.url);

let worker;
let nextId = 1;
const pending = new Map(); // query number -> { resolve, reject }

function startWorker() {
  const w = new Worker(WORKER_URL, { workerData: { names: productNames() } });
  w.on('message', ({ id, results }) => {
    const waiting = pending.get(id);
    if (!waiting) return;
    pending.delete(id);
    if (pending.size === 0) w.unref();
    waiting.resolve(results);
  });
  w.on('error', (err) => failAll(w, err));
  w.on('exit', (code) => failAll(w, new Error(`search worker stopped (exit code ${code})`)));
  // An idle worker does not keep the process alive; it is ref'd while a query waits.
  w.unref();
  return w;
}

function failAll(w, err) {
  if (worker !== w) return;
  worker = undefined; // the next search starts a new one
  for (const waiting of pending.values()) waiting.reject(err);
  pending.clear();
}

worker = startWorker();

export async function search(query) {
  worker ??= startWorker();
  const id = nextId++;
  const answer = new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
  if (pending.size === 1) worker.ref();
  worker.postMessage({ id, query });
  return answer;
}
