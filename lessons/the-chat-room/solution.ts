/**
 * Reference solution to exercise 12: one worker thread moderates every message, and the handler
 * awaits its answer. The loop only relays messages meanwhile, so a long paste holds up nobody
 * but itself. The worker is started at the first message and kept: starting one costs
 * milliseconds and megabytes.
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
const waiting = new Map<number, (moderation: string) => void>();

function moderateOnWorker(ctx: Context, message: Uint8Array, rounds: number): Promise<string> {
  if (!worker) {
    worker = new Worker(new URL(ctx.moderationWorker));
    worker.on('message', ({ id, result }: { id: number; result: string }) => {
      waiting.get(id)?.(result);
      waiting.delete(id);
    });
  }
  const id = nextId++;
  const answer = new Promise<string>((resolve) => waiting.set(id, resolve));
  worker.postMessage({ id, message, rounds });
  return answer;
}

export default async function handle(ctx: Context, req: { body: Buffer }) {
  const rounds = ctx.roundsFor(req.body.length, ctx.params.rounds);
  // A copy of the message's own bytes: req.body may be a view into a larger buffer.
  const moderation = await moderateOnWorker(ctx, new Uint8Array(req.body), rounds);
  return { body: ctx.broadcastBody(req.body, moderation) };
}
