/**
 * A known-bad solution to exercise 2 (verify must fail it): a Promise around `readFileSync`
 * looks asynchronous, but the executor runs at once, on the loop, and reads the whole file there.
 */
import { readFileSync } from 'node:fs';

interface Context {
  path: string;
  fingerprint(bytes: Uint8Array): string;
}

export default async function handle({ path, fingerprint }: Context) {
  const bytes = await new Promise<Buffer>((resolve) => resolve(readFileSync(path)));
  return { body: fingerprint(bytes) };
}
