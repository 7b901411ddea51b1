import { setImmediate as yieldToLoop } from 'node:timers/promises';

/**
 * Counts the primes in [from, to) by trial division.
 *
 * Chosen as the CPU-bound job because it is pure JavaScript (no native code to hide in the
 * threadpool), its cost grows smoothly with the range, and a range splits into chunks whose
 * counts add up: the partitioned and worker variants can do the same work in pieces.
 */
export function countPrimes(from: number, to: number): number {
  let count = 0;
  for (let i = Math.max(2, from); i < to; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/**
 * The same count in chunks of `chunk` numbers, yielding to the event loop after each one, so
 * that other callbacks (other requests, `/ping`) run between chunks.
 */
export async function countPrimesPartitioned(
  from: number,
  to: number,
  chunk: number,
): Promise<number> {
  let count = 0;
  for (let start = from; start < to; start += chunk) {
    count += countPrimes(start, Math.min(start + chunk, to));
    await yieldToLoop();
  }
  return count;
}
