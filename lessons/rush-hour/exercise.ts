/**
 * Exercise 13, rush-hour (looplab lesson 13).
 *
 * This route answers every request after `ms` milliseconds, spent spinning in a while loop. The
 * loop's one thread is held for the whole wait, so the route finishes at most 1000 / ms requests
 * a second: at rush hour, when more arrive than that, they queue, and every answer waits longer.
 *
 * TODO: raise the route's capacity. Wait the same `ms` milliseconds, and answer exactly as
 * before, but without holding the event loop meanwhile. Then check it under load:
 *   npx looplab verify 13
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
    // TODO: every request holds the loop here, so the loop finishes one request per ms.
  }
  return { body: JSON.stringify({ waitedMs: params.ms }) };
}
