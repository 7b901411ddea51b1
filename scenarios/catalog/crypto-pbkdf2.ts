/**
 * crypto-pbkdf2: `pbkdf2Sync` vs `pbkdf2` on libuv's threadpool.
 *
 * Key derivation is deliberately slow. `pbkdf2Sync` does it on the event loop's own thread, so
 * nothing else runs meanwhile. `pbkdf2` queues it on libuv's threadpool (4 threads unless
 * UV_THREADPOOL_SIZE says otherwise): the loop stays free, and several derivations can run at
 * once, as far as there are CPU cores to run them.
 */
import { pbkdf2, pbkdf2Sync } from 'node:crypto';
import { promisify } from 'node:util';
import { defineScenario } from '../types.ts';

const pbkdf2Async = promisify(pbkdf2);
const PASSWORD = 'correct horse battery staple';
const SALT = 'looplab-salt';
const KEY_BYTES = 64;
const DIGEST = 'sha512';
const derive = (iterations: number) =>
  pbkdf2Sync(PASSWORD, SALT, iterations, KEY_BYTES, DIGEST).toString('hex');

export default defineScenario({
  id: 'crypto-pbkdf2',
  title: 'pbkdf2Sync vs pbkdf2 on the threadpool',
  teaches:
    'CPU-heavy crypto in Node has an async form that runs on the libuv threadpool. The sync ' +
    'form blocks the event loop for every derivation; the async form keeps it free and uses ' +
    'more than one core, up to the threadpool size.',
  params: {
    iterations: {
      default: 20_000,
      unit: 'iterations',
      integer: true,
      min: 1,
      max: 100_000_000,
      description: 'PBKDF2-SHA512 iterations per request',
    },
  },
  operation: ({ params }) => derive(params.iterations),
  variants: {
    sync: {
      summary: 'pbkdf2Sync on the event loop thread',
      handle: ({ params }) => ({ body: derive(params.iterations) }),
    },
    async: {
      summary: 'pbkdf2 on the libuv threadpool',
      handle: async ({ params }) => ({
        body: (await pbkdf2Async(PASSWORD, SALT, params.iterations, KEY_BYTES, DIGEST)).toString(
          'hex',
        ),
      }),
    },
  },
});
