/**
 * A cheating solution to exercise 4 (verify must fail it): it counts the primes once, in chunks,
 * on the first request, and answers every later request from memory. Its answers are right and
 * its loop is free, but it no longer counts per request: only the CPU time each request costs
 * can tell.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

interface Context {
  params: { n: number; chunk: number };
  countPrimes(from: number, to: number): number;
}

const counts = new Map<number, Promise<number>>();

async function count({ params, countPrimes }: Context): Promise<number> {
  let primes = 0;
  for (let start = 2; start < params.n; start += params.chunk) {
    primes += countPrimes(start, Math.min(start + params.chunk, params.n));
    await nextTurn();
  }
  return primes;
}

export default async function handle(ctx: Context) {
  let primes = counts.get(ctx.params.n);
  if (!primes) {
    primes = count(ctx);
    counts.set(ctx.params.n, primes);
  }
  return { body: JSON.stringify({ n: ctx.params.n, primes: await primes }) };
}
