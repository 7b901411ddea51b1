/**
 * The tick-starvation scenario's job: a chain of `links` steps, each a slice of CPU work that
 * feeds the next, scheduled three ways. The work and its result are the same every way; only
 * what runs between the steps differs.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** One link: `work` rounds of integer mixing, seeded by the link before. */
export function linkWork(acc: number, link: number, work: number): number {
  let x = acc;
  for (let k = 0; k < work; k++) x = (Math.imul(x, 31) + link + k) | 0;
  return x;
}

/** Each link scheduled with `process.nextTick`: the whole chain runs before the loop moves on. */
export function nextTickChain(links: number, work: number): Promise<number> {
  return new Promise((resolve) => {
    let acc = 0;
    let i = 0;
    const step = () => {
      acc = linkWork(acc, i, work);
      if (++i < links) process.nextTick(step);
      else resolve(acc);
    };
    process.nextTick(step);
  });
}

/** Each link after an `await`: promise reactions are microtasks, drained as greedily. */
export async function promiseChain(links: number, work: number): Promise<number> {
  let acc = 0;
  for (let i = 0; i < links; i++) {
    acc = linkWork(acc, i, work);
    await null;
  }
  return acc;
}

/** Each link in a later turn of the loop (its check phase): I/O and timers run in between. */
export async function immediateChain(links: number, work: number): Promise<number> {
  let acc = 0;
  for (let i = 0; i < links; i++) {
    acc = linkWork(acc, i, work);
    await nextTurn();
  }
  return acc;
}
