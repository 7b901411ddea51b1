/**
 * A cheating solution to exercise 3 (verify must fail it): it derives the key on the threadpool
 * once, on the first request, and answers every later request from memory. Its answers are
 * right and its loop is free, but it no longer derives a key per request: only the CPU time
 * each request costs can tell.
 */
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';

const derive = promisify(pbkdf2);
const keys = new Map<number, Promise<string>>();

interface Context {
  params: { iterations: number };
}

export default async function handle({ params }: Context) {
  let key = keys.get(params.iterations);
  if (!key) {
    key = derive(
      'correct horse battery staple',
      'looplab-salt',
      params.iterations,
      64,
      'sha512',
    ).then((k) => k.toString('hex'));
    keys.set(params.iterations, key);
  }
  return { body: await key };
}
