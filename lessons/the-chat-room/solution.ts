/**
 * Reference solution to exercise 11: one worker thread moderates every message, and the handler
 * awaits its answer. The loop only relays messages meanwhile, so a long paste holds up nobody
 * but itself. The worker is started at the first message and kept: starting one costs
 * milliseconds and megabytes. If it fails or exits, the messages waiting for it fail with it (an
 * error answer each), and the next message starts a new one: a Worker's 'error' with no listener
 * would be the server's uncaught exception, and the waiting messages would never be answered.
 */
import { Worker } from 'node:worker_threads';

interface Context {
  params: { rounds: number };
  roundsFor(bytes: number, roundsPerKiB: number): number;
  broadcastBody(message: Uint8Array, moderation: string): string;
  moderationWorker: string;
}

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve(moderation: string): void; reject(e: Error): void }>();

/** Fails every message waiting for `w`, and forgets it, once it has failed or exited. */
function lost(w: Worker, err: Error): void {
  if (worker !== w) return;
  worker = undefined;
  for (const { reject } of waiting.values()) reject(err);
  waiting.clear();
}

function start(url: string): Worker {
  const w = new Worker(new URL(url));
  w.on('message', ({ id, result }: { id: number; result: string }) => {
    waiting.get(id)?.resolve(result);
    waiting.delete(id);
  });
  w.on('error', (err) => lost(w, err));
  w.on('exit', (code) => lost(w, new Error(`the moderation worker exited with code ${code}`)));
  return w;
}

function moderateOnWorker(ctx: Context, message: Uint8Array, rounds: number): Promise<string> {
  worker ??= start(ctx.moderationWorker);
  const id = nextId++;
  const answer = new Promise<string>((resolve, reject) => waiting.set(id, { resolve, reject }));
  worker.postMessage({ id, message, rounds });
  return answer;
}

export default async function handle(ctx: Context, req: { body: Buffer }) {
  const rounds = ctx.roundsFor(req.body.length, ctx.params.rounds);
  // A copy of the message's own bytes: req.body may be a view into a larger buffer.
  const moderation = await moderateOnWorker(ctx, new Uint8Array(req.body), rounds);
  return { body: ctx.broadcastBody(req.body, moderation) };
}
