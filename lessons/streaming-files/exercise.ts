/**
 * Exercise 9, streaming-files (looplab lesson 9).
 *
 * Every request downloads the file at `ctx.path` (16 MiB). This handler reads the whole file with
 * `readFile`, which keeps the event loop free, then sends it: each request in flight holds a
 * buffer of the whole file until its last byte has gone out, and its first byte leaves only
 * once the whole file has been read.
 *
 * TODO: send the file as a stream, read chunk by chunk as the client takes it. Keep the response
 * exactly as it is (the same bytes, status and content type). The body may be a Readable.
 * Then check it under load:  npx looplab verify 9
 */
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';

interface Context {
  path: string;
}

interface Response {
  status?: number;
  contentType?: string;
  body: string | Uint8Array | Readable;
}

export default async function handle({ path }: Context): Promise<Response> {
  // TODO: the whole file, in memory, before the first byte goes out.
  return { contentType: 'application/octet-stream', body: await readFile(path) };
}
