/**
 * A known-bad solution to exercise 9 (verify must fail it): a stream, but of a buffer that holds
 * the whole file. Readable.from() changes the type, not the memory, and the first byte still
 * waits for the whole read.
 */
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';

export default async function handle({ path }: { path: string }) {
  return { contentType: 'application/octet-stream', body: Readable.from([await readFile(path)]) };
}
