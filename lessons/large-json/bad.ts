/**
 * A known-bad solution to exercise 5 (verify must fail it): it yields once with setImmediate,
 * then parses and serialises on the event loop anyway. The loop gets one turn, then is held for
 * the whole order as before.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

interface Context {
  priceOrder(json: string): string;
}

export default async function handle({ priceOrder }: Context, req: { body: Buffer }) {
  await nextTurn();
  return { body: priceOrder(req.body.toString()) };
}
