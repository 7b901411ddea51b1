/**
 * Reference solution to exercise 8: `gzip`, the callback form, promisified. zlib runs the same
 * compression on a libuv threadpool thread, and the loop serves others until it is done.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

export default async function handle(_ctx: unknown, req: { body: Buffer }) {
  return { contentType: 'application/gzip', body: await gzipAsync(req.body) };
}
