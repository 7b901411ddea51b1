/**
 * A known-bad solution to exercise 13 (verify must fail it): it splits the wait into 1 ms slices
 * with a `setImmediate` between them. The loop now turns between slices, so /ping is answered,
 * but every slice still spins: the loop is busy for the whole of every wait, and the route still
 * finishes no more than 1000 / ms requests a second. Yielding is not capacity.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';

interface Context {
  params: { ms: number };
}

export default async function handle({ params }: Context) {
  const until = performance.now() + params.ms;
  while (performance.now() < until) {
    const slice = Math.min(until, performance.now() + 1);
    while (performance.now() < slice) {
      // Still spinning, a millisecond at a time.
    }
    await yieldToLoop();
  }
  return { body: JSON.stringify({ waitedMs: params.ms }) };
}
