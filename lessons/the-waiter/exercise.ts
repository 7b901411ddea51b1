/**
 * Exercise 1, the-waiter (looplab lesson 1).
 *
 * This handler answers every request after `ms` milliseconds, but it spends them spinning in a
 * while loop: the event loop's one thread is stuck here, and no other request, not even the
 * cheap `/ping`, is served meanwhile.
 *
 * TODO: wait the same `ms` milliseconds without blocking the event loop, and keep the response
 * exactly as it is. Then check it under load:  npx looplab verify 1
 */

interface Context {
  params: { ms: number };
}

interface Response {
  status?: number;
  contentType?: string;
  body: string;
}

export default async function handle({ params }: Context): Promise<Response> {
  const until = performance.now() + params.ms;
  while (performance.now() < until) {
    // TODO: this spin blocks the event loop.
  }
  return { body: JSON.stringify({ waitedMs: params.ms }) };
}
