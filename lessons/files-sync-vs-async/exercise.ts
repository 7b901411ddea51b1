/**
 * Exercise 2, files-sync-vs-async (looplab lesson 2).
 *
 * This handler reads a large file (64 MiB in verify) with `readFileSync`: the event loop's one
 * thread does the whole read, and no other request is served meanwhile. `ctx.path` is the file, and
 * `ctx.fingerprint` turns its bytes into the response body (its size and a few sampled bytes).
 *
 * TODO: read the file without blocking the event loop, and keep the response exactly as it is.
 * Then check it under load:  npx looplab verify 2
 */
import { readFileSync } from 'node:fs';

interface Context {
  params: { size: number };
  path: string;
  fingerprint(bytes: Uint8Array): string;
}

interface Response {
  status?: number;
  contentType?: string;
  body: string;
}

export default async function handle({ path, fingerprint }: Context): Promise<Response> {
  // TODO: readFileSync blocks the event loop until the whole file is in memory.
  const bytes = readFileSync(path);
  return { body: fingerprint(bytes) };
}
