/**
 * A cheating solution to exercise 13 (verify must fail it): it waits once, for the first
 * request, and answers every later one from memory at once. Its capacity is huge because it
 * skips the wait the route exists to do: only the time each request takes can tell it from the
 * reference solution.
 */
import { setTimeout as sleep } from 'node:timers/promises';

interface Context {
  params: { ms: number };
}

let answered: string | undefined;

export default async function handle({ params }: Context) {
  if (answered === undefined) {
    await sleep(params.ms);
    answered = JSON.stringify({ waitedMs: params.ms });
  }
  return { body: answered };
}
