/**
 * Reference solution to exercise 1, the-waiter: await a timer. The handler returns to the event
 * loop at the `await`, and the loop serves other requests until the timer fires.
 */
import { setTimeout as sleep } from 'node:timers/promises';

interface Context {
  params: { ms: number };
}

export default async function handle({ params }: Context) {
  await sleep(params.ms);
  return { body: JSON.stringify({ waitedMs: params.ms }) };
}
