/**
 * Reference solution to exercise 3: `pbkdf2` queues the derivation on libuv's threadpool, and
 * the event loop serves other requests until it is done.
 */
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';

const derive = promisify(pbkdf2);

interface Context {
  params: { iterations: number };
}

export default async function handle({ params }: Context) {
  const key = await derive(
    'correct horse battery staple',
    'looplab-salt',
    params.iterations,
    64,
    'sha512',
  );
  return { body: key.toString('hex') };
}
