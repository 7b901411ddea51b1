/**
 * Exercise 13, rush-hour (looplab lesson 13).
 *
 * This route already waits without holding the event loop (lesson 1's fix): /ping is answered
 * at once, and the loop's lag stays low. But every order goes down one line to the kitchen, and
 * the line takes one order at a time: a request waits for every order ahead of it before its own
 * `ms` start. Like the spinning loop of this lesson, the line is held for the whole wait, so the
 * route still finishes at most 1000 / ms requests a second. Ten connections in a closed loop
 * cannot show it; rush hour does.
 *
 * TODO: raise the route's capacity. Wait the same `ms` milliseconds, and answer exactly as
 * before, but let the requests' waits overlap. Then check it under rush-hour arrivals:
 *   npx looplab verify 13
 */
import { setTimeout as sleep } from 'node:timers/promises';

interface Context {
  params: { ms: number };
}

interface Response {
  status?: number;
  contentType?: string;
  body: string;
}

// TODO: one line for every request: each order waits for the one before it to be done.
let line: Promise<unknown> = Promise.resolve();

export default async function handle({ params }: Context): Promise<Response> {
  const myTurn = line.then(() => sleep(params.ms));
  line = myTurn;
  await myTurn;
  return { body: JSON.stringify({ waitedMs: params.ms }) };
}
