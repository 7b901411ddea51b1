/**
 * Exercise 7, microtask-starvation (looplab lesson 7).
 *
 * This handler runs a chain of `params.links` steps. `ctx.linkWork(acc, i, params.bytes)` is one
 * step's CPU work (it hashes `params.bytes` bytes), and its result feeds the next step. Each step
 * queues the next with `process.nextTick`. It looks asynchronous, but Node drains the nextTick
 * queue before the event loop may move on, so the whole chain runs in one go and no other request
 * is served meanwhile.
 *
 * TODO: let the event loop go round (take in requests, run timers) between two steps. Keep the
 * response exactly as it is. Then check it under load:  npx looplab verify 7
 */

interface Context {
  params: { links: number; bytes: number };
  linkWork(acc: number, link: number, bytes: number): number;
}

interface Response {
  status?: number;
  contentType?: string;
  body: string;
}

export default async function handle({ params, linkWork }: Context): Promise<Response> {
  const result = await new Promise<number>((resolve) => {
    let acc = 0;
    let i = 0;
    const step = () => {
      acc = linkWork(acc, i, params.bytes);
      // TODO: the next step runs before the event loop can do anything else.
      if (++i < params.links) process.nextTick(step);
      else resolve(acc);
    };
    process.nextTick(step);
  });
  return { body: JSON.stringify({ links: params.links, result }) };
}
