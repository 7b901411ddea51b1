/**
 * A known-bad solution to exercise 3 (verify must fail it): `setImmediate` only postpones the
 * derivation to the loop's check phase; `pbkdf2Sync` then blocks the loop just the same.
 */
import { pbkdf2Sync } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

interface Context {
  params: { iterations: number };
}

export default async function handle({ params }: Context) {
  await nextTurn();
  const key = pbkdf2Sync(
    'correct horse battery staple',
    'looplab-salt',
    params.iterations,
    64,
    'sha512',
  );
  return { body: key.toString('hex') };
}
