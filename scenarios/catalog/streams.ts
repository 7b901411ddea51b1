/**
 * streams: sending a large file whole, or streaming it with backpressure.
 *
 * `sync` reads the whole file with `readFileSync`, holding the loop for the read, then sends
 * it. `async` reads it whole with `readFile` on the threadpool: the loop stays free, but the
 * whole file sits in memory until the last byte is sent, once per request in flight, and the
 * first byte leaves only after the last one was read. `stream` pipes a read stream into the
 * response: a chunk is read only when the socket has taken the one before (backpressure), so
 * memory stays at a few chunks per request whatever the file's size, and the first bytes leave
 * at once.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { defineScenario } from '../types.ts';
import { ensureFixtureFile } from './lib/fixture-file.ts';

const BINARY = 'application/octet-stream';

export default defineScenario({
  id: 'streams',
  title: 'A large file read whole vs streamed with backpressure',
  teaches:
    'Reading a file whole before sending it costs memory for every request in flight, and the ' +
    'first byte waits for the last to be read; readFileSync also blocks the loop meanwhile. ' +
    'stream.pipeline sends it in chunks as the client takes them: little memory, an early ' +
    'first byte, the loop free.',
  params: {
    size: {
      // 64 MiB answers take about half a second each through this harness on a 2-core machine,
      // too few per run to measure; 16 MiB still puts 160 MiB in flight at 10 connections.
      default: 16 * 1024 * 1024,
      unit: 'bytes',
      integer: true,
      min: 1,
      max: 1024 * 1024 * 1024,
      description: 'size of the file each request downloads',
    },
  },
  // Generated once per size in the temp dir, before the server reports ready.
  setup: async (params) => ({ params, path: await ensureFixtureFile(params.size) }),
  operation: ({ path }) => readFileSync(path),
  variants: {
    sync: {
      summary: 'readFileSync(path), then the whole buffer',
      handle: ({ path }) => ({ contentType: BINARY, body: readFileSync(path) }),
    },
    async: {
      summary: 'await readFile(path), then the whole buffer',
      handle: async ({ path }) => ({ contentType: BINARY, body: await readFile(path) }),
    },
    stream: {
      summary: 'createReadStream(path) piped into the response',
      handle: ({ path }) => ({ contentType: BINARY, body: createReadStream(path) }),
    },
  },
});
