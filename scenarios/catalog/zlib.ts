/**
 * zlib: compressing a request body with `gzipSync`, with `gzip` on the threadpool, or as a stream.
 *
 * Compression is CPU work inside zlib, in C. `gzipSync` does it on the loop's thread: nothing
 * else runs until the body is compressed. `gzip` hands it to libuv's threadpool (4 threads
 * unless UV_THREADPOOL_SIZE says otherwise), so the loop is free, and as many bodies compress at
 * once as there are pool threads and free cores. `stream` pipes the body through `createGzip()`
 * into the response: the pool compresses it in chunks, and the first bytes go out before the
 * last are compressed. All three give the same bytes.
 */
import { promisify } from 'node:util';
import { createGzip, gzip, gzipSync } from 'node:zlib';
import { defineScenario } from '../types.ts';
import { logText } from './lib/log-text.ts';

const gzipAsync = promisify(gzip);
const GZIP = 'application/gzip';
/** Different bodies, so the work depends on the input: three batches of log lines. */
const BODIES = 3;

export default defineScenario({
  id: 'zlib',
  title: 'gzipSync vs gzip on the threadpool vs a gzip stream',
  teaches:
    'Compression is CPU work. gzipSync does it on the event loop; gzip runs it on the libuv ' +
    'threadpool, whose size and your cores decide how many bodies compress at once; a gzip ' +
    'stream compresses in chunks on the pool and starts answering before it has finished.',
  params: {
    size: {
      default: 1024 * 1024,
      unit: 'bytes',
      integer: true,
      min: 1,
      max: 64 * 1024 * 1024,
      description: 'size of each text body posted to be compressed',
    },
  },
  requests: ({ size }) =>
    Array.from({ length: BODIES }, (_, seed) => ({
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: logText(size, seed),
    })),
  maxBodyBytes: ({ size }) => size,
  operation: (_ctx, req) => gzipSync(req.body),
  variants: {
    sync: {
      summary: 'gzipSync(body) on the event loop',
      handle: (_ctx, req) => ({ contentType: GZIP, body: gzipSync(req.body) }),
    },
    async: {
      summary: 'await gzip(body) on the libuv threadpool',
      handle: async (_ctx, req) => ({ contentType: GZIP, body: await gzipAsync(req.body) }),
    },
    stream: {
      summary: 'body piped through createGzip() into the response',
      handle(_ctx, req) {
        const gz = createGzip();
        gz.end(req.body);
        return { contentType: GZIP, body: gz };
      },
    },
  },
});
