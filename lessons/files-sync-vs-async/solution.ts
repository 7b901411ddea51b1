/**
 * Reference solution to exercise 2: `fs.promises.readFile` reads on libuv's threadpool, and the
 * event loop serves other requests until the bytes are in.
 */
import { readFile } from 'node:fs/promises';

interface Context {
  path: string;
  fingerprint(bytes: Uint8Array): string;
}

export default async function handle({ path, fingerprint }: Context) {
  return { body: fingerprint(await readFile(path)) };
}
