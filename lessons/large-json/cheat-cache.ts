/**
 * A cheating solution to exercise 5 (verify must fail it): it prices each distinct order once,
 * on a worker, and answers every later copy of it from memory. The load sends three orders in
 * turn, so after the first three requests nothing is parsed at all. Its answers are right and
 * its loop is free; only the CPU time each request costs can tell.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

interface Context {
  workerUrl: URL;
}

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, (r: Uint8Array) => void>();
const answers = new Map<string, Promise<Uint8Array>>();

function price(url: URL, body: Buffer): Promise<Uint8Array> {
  if (!worker) {
    worker = new Worker(url);
    worker.on('message', ({ id, result }: { id: number; result: Uint8Array }) => {
      waiting.get(id)?.(result);
      waiting.delete(id);
    });
  }
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    worker?.postMessage({ id, body });
  });
}

export default async function handle({ workerUrl }: Context, req: { body: Buffer }) {
  const key = createHash('sha1').update(req.body).digest('hex');
  let answer = answers.get(key);
  if (!answer) {
    answer = price(workerUrl, req.body);
    answers.set(key, answer);
  }
  return { body: await answer };
}
