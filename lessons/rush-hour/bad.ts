/**
 * A known-bad solution to exercise 13 (verify must fail it): four lines to the kitchen. Four
 * orders now wait at once, so the route finishes at most 4 × 1000 / ms requests a second: four
 * times the starter's capacity, still a fixed ceiling, and rush hour passes it (at verify's
 * 100 ms, 40 a second against 160 offered). A wider line is not capacity enough when the waits
 * need not queue at all.
 */
import { setTimeout as sleep } from 'node:timers/promises';

interface Context {
  params: { ms: number };
}

const lines: Promise<unknown>[] = Array.from({ length: 4 }, () => Promise.resolve());
let next = 0;

export default async function handle({ params }: Context) {
  const i = next;
  next = (next + 1) % lines.length;
  const myTurn = (lines[i] as Promise<unknown>).then(() => sleep(params.ms));
  lines[i] = myTurn;
  await myTurn;
  return { body: JSON.stringify({ waitedMs: params.ms }) };
}
