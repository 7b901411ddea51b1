/**
 * A known-bad solution to exercise 4 (verify must fail it): one `setImmediate` before the whole
 * count. The loop gets one turn first, then is blocked for the whole job as before.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

interface Context {
  params: { n: number; chunk: number };
  countPrimes(from: number, to: number): number;
}

export default async function handle({ params, countPrimes }: Context) {
  await nextTurn();
  return { body: JSON.stringify({ n: params.n, primes: countPrimes(2, params.n) }) };
}
