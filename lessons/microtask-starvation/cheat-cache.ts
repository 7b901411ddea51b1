/**
 * A cheating solution to exercise 7 (verify must fail it): it runs the chain once, yielding with
 * setImmediate, and answers every later request from memory (the chain's result depends only on
 * the parameters). Its answers are right and its loop is free, but it no longer runs the chain
 * per request: only the CPU time each request costs can tell.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

interface Context {
  params: { links: number; bytes: number };
  linkWork(acc: number, link: number, bytes: number): number;
}

let result: Promise<number> | undefined;

async function chain({ params, linkWork }: Context): Promise<number> {
  let acc = 0;
  for (let i = 0; i < params.links; i++) {
    acc = linkWork(acc, i, params.bytes);
    await nextTurn();
  }
  return acc;
}

export default async function handle(ctx: Context) {
  result ??= chain(ctx);
  return { body: JSON.stringify({ links: ctx.params.links, result: await result }) };
}
