/**
 * A cheating solution to exercise 2 (verify must fail it): it reads the file once, on the first
 * request, and answers every later request from memory. Its answers are right and its loop is
 * free, but it no longer reads the file: only the CPU time each request costs can tell.
 */
import { readFile } from 'node:fs/promises';

interface Context {
  path: string;
  fingerprint(bytes: Uint8Array): string;
}

let cached: string | undefined;

export default async function handle({ path, fingerprint }: Context) {
  cached ??= fingerprint(await readFile(path));
  return { body: cached };
}
