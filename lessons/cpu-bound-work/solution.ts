/**
 * Reference solution to exercise 4: count in chunks and yield with `setImmediate` after each,
 * so other callbacks (requests, /ping, timers) run between chunks. The total work is the same.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

interface Context {
  params: { n: number; chunk: number };
  countPrimes(from: number, to: number): number;
}

export default async function handle({ params, countPrimes }: Context) {
  let primes = 0;
  for (let start = 2; start < params.n; start += params.chunk) {
    primes += countPrimes(start, Math.min(start + params.chunk, params.n));
    await nextTurn();
  }
  return { body: JSON.stringify({ n: params.n, primes }) };
}
