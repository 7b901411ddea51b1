/**
 * Reference solution to exercise 13, rush-hour: no line. Each request awaits its own timer, so
 * the waits overlap: the route holds nothing only one request can hold, and its capacity is no
 * longer 1000 / ms a second but as many waits as arrive, until something else (the CPU of
 * parsing and answering) sets the pace.
 */
import { setTimeout as sleep } from 'node:timers/promises';

interface Context {
  params: { ms: number };
}

export default async function handle({ params }: Context) {
  await sleep(params.ms);
  return { body: JSON.stringify({ waitedMs: params.ms }) };
}
