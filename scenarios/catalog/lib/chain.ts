/**
 * The tick-starvation scenario's job: a chain of `links` steps, each hashing a block that holds
 * the result of the step before, scheduled three ways. The work and its result are the same every
 * way; only what runs between the steps differs.
 *
 * The work is native (SHA-256), not a JavaScript loop, on purpose: V8 compiles the same loop
 * several times faster or slower depending on where it gets inlined (a loop run from Node's tick
 * queue ran 4x slower here than the same loop in an async function), which would make the three
 * ways differ in their work rather than in their scheduling.
 */
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

const blocks = new Map<number, Buffer>();

/** One link: a SHA-256 of `bytes` bytes that start with the link before's result. */
export function linkWork(acc: number, link: number, bytes: number): number {
  let block = blocks.get(bytes);
  if (!block) {
    block = Buffer.alloc(Math.max(8, bytes));
    blocks.set(bytes, block);
  }
  block.writeInt32LE(acc, 0);
  block.writeInt32LE(link, 4);
  return createHash('sha256').update(block).digest().readInt32LE(0);
}

/** Every link at once, without scheduling: what the chain costs, for micro. */
export function chainAtOnce(links: number, bytes: number): number {
  let acc = 0;
  for (let i = 0; i < links; i++) acc = linkWork(acc, i, bytes);
  return acc;
}

/** Each link scheduled with `process.nextTick`: the whole chain runs before the loop moves on. */
export function nextTickChain(links: number, bytes: number): Promise<number> {
  return new Promise((resolve) => {
    let acc = 0;
    let i = 0;
    const step = () => {
      acc = linkWork(acc, i, bytes);
      if (++i < links) process.nextTick(step);
      else resolve(acc);
    };
    process.nextTick(step);
  });
}

/** Each link after an `await`: promise reactions are microtasks, drained as greedily. */
export async function promiseChain(links: number, bytes: number): Promise<number> {
  let acc = 0;
  for (let i = 0; i < links; i++) {
    acc = linkWork(acc, i, bytes);
    await null;
  }
  return acc;
}

/** Each link in a later turn of the loop (its check phase): I/O and timers run in between. */
export async function immediateChain(links: number, bytes: number): Promise<number> {
  let acc = 0;
  for (let i = 0; i < links; i++) {
    acc = linkWork(acc, i, bytes);
    await nextTurn();
  }
  return acc;
}
