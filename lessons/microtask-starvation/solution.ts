/**
 * Reference solution to exercise 7: await setImmediate between steps. The next step waits for
 * the loop's check phase, so between two steps the loop polls for I/O (new requests, /ping) and
 * runs due timers.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

interface Context {
  params: { links: number; bytes: number };
  linkWork(acc: number, link: number, bytes: number): number;
}

export default async function handle({ params, linkWork }: Context) {
  let acc = 0;
  for (let i = 0; i < params.links; i++) {
    acc = linkWork(acc, i, params.bytes);
    await nextTurn();
  }
  return { body: JSON.stringify({ links: params.links, result: acc }) };
}
