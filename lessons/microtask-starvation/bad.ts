/**
 * A known-bad solution to exercise 7 (verify must fail it): it awaits a resolved promise between
 * steps. Each await queues a microtask, and Node drains the microtask queue before the loop moves
 * on, so the chain still runs to its end in one go.
 */

interface Context {
  params: { links: number; bytes: number };
  linkWork(acc: number, link: number, bytes: number): number;
}

export default async function handle({ params, linkWork }: Context) {
  let acc = 0;
  for (let i = 0; i < params.links; i++) {
    acc = linkWork(acc, i, params.bytes);
    await Promise.resolve();
  }
  return { body: JSON.stringify({ links: params.links, result: acc }) };
}
