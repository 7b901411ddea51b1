/**
 * Reference solution to exercise 5: one worker thread, started on the first request, does the
 * parsing, pricing and serialising. The loop only posts the body and sends the bytes that come
 * back; answers are matched to requests by id, since several are in flight at once.
 */
import { Worker } from 'node:worker_threads';

interface Context {
  workerUrl: URL;
}

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve(r: Uint8Array): void; reject(e: Error): void }>();

function start(url: URL): Worker {
  const w = new Worker(url);
  w.on('message', ({ id, result }: { id: number; result: Uint8Array }) => {
    waiting.get(id)?.resolve(result);
    waiting.delete(id);
  });
  w.on('error', (err) => {
    for (const { reject } of waiting.values()) reject(err);
    waiting.clear();
    worker = undefined;
  });
  return w;
}

export default async function handle({ workerUrl }: Context, req: { body: Buffer }) {
  worker ??= start(workerUrl);
  const id = nextId++;
  const result = await new Promise<Uint8Array>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker?.postMessage({ id, body: req.body });
  });
  return { body: result };
}
