/**
 * fs-read: reading a file with `readFileSync` vs `fs.promises.readFile`.
 *
 * `readFileSync` stops the loop until the bytes are in memory. `readFile` hands the work to
 * libuv's threadpool and the loop serves others meanwhile, but pays for it: the file is read in
 * chunks, each a round trip through the pool. For a small file already in the page cache the
 * sync read can be the faster of the two; for a large or cold file the blocked loop shows up in
 * every other request's latency. The numbers decide, not the textbook.
 *
 * Each variant reads the whole file and answers with its size and a sampled fingerprint, not
 * the bytes: see lib/fingerprint.ts for why.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { defineScenario } from '../types.ts';
import { fingerprint } from './lib/fingerprint.ts';
import { ensureFixtureFile } from './lib/fixture-file.ts';

const readSync = (path: string) => fingerprint(readFileSync(path));

export default defineScenario({
  id: 'fs-read',
  title: 'readFileSync vs fs.promises.readFile',
  teaches:
    'readFileSync blocks the event loop for the whole read; fs.promises.readFile runs on the ' +
    'libuv threadpool and keeps the loop free, at the price of extra round trips. Which one ' +
    'serves more requests depends on file size and caching; only the async one keeps other ' +
    'requests fast.',
  params: {
    size: {
      default: 1024 * 1024,
      unit: 'bytes',
      integer: true,
      min: 1,
      max: 512 * 1024 * 1024,
      description: 'size of the file each request reads',
    },
  },
  // Generated once per size in the temp dir, before the server reports ready. `fingerprint` is
  // in the context for lesson 2's exercise, which answers as these variants do.
  setup: async (params) => ({ params, path: await ensureFixtureFile(params.size), fingerprint }),
  variants: {
    sync: {
      summary: 'readFileSync(path)',
      handle: ({ path }) => ({ body: readSync(path) }),
    },
    async: {
      summary: 'await fs.promises.readFile(path)',
      handle: async ({ path }) => ({ body: fingerprint(await readFile(path)) }),
    },
  },
  operation: ({ path }) => readSync(path),
});
