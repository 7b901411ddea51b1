/**
 * Exercise 3, the-threadpool (looplab lesson 3).
 *
 * This handler derives a 64-byte key with PBKDF2-SHA512 (`params.iterations` rounds) using
 * `pbkdf2Sync`: the event loop's one thread does all the hashing, and no other request is served
 * meanwhile.
 *
 * TODO: derive the same key on libuv's threadpool, without blocking the event loop, and keep the
 * response exactly as it is. Then check it under load:  npx looplab verify 3
 */
import { pbkdf2Sync } from 'node:crypto';

interface Context {
  params: { iterations: number };
}

interface Response {
  status?: number;
  contentType?: string;
  body: string;
}

export default async function handle({ params }: Context): Promise<Response> {
  // TODO: pbkdf2Sync hashes on the event loop's thread.
  const key = pbkdf2Sync(
    'correct horse battery staple',
    'looplab-salt',
    params.iterations,
    64,
    'sha512',
  );
  return { body: key.toString('hex') };
}
