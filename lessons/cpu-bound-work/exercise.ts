/**
 * Exercise 4, cpu-bound-work (looplab lesson 4).
 *
 * This handler counts the primes below `params.n` in one call: pure JavaScript work that holds
 * the event loop until it is done. `ctx.countPrimes(from, to)` counts the primes in [from, to),
 * so the job splits into chunks whose counts add up.
 *
 * TODO: count in chunks of `params.chunk` numbers, and let the event loop serve other requests
 * between chunks. Keep the response exactly as it is.
 * Then check it under load:  npx looplab verify 4
 */

interface Context {
  params: { n: number; chunk: number };
  countPrimes(from: number, to: number): number;
}

interface Response {
  status?: number;
  contentType?: string;
  body: string;
}

export default async function handle({ params, countPrimes }: Context): Promise<Response> {
  // TODO: one call counts everything while the event loop waits.
  const primes = countPrimes(2, params.n);
  return { body: JSON.stringify({ n: params.n, primes }) };
}
