/**
 * Reference solution to exercise 9: a read stream as the body. The server pipes it into the
 * response with pipeline(), which reads the next 64 KiB chunk only when the socket has taken the
 * one before: a few chunks in memory per request, and the first chunk sent at once.
 */
import { createReadStream } from 'node:fs';

export default function handle({ path }: { path: string }) {
  return { contentType: 'application/octet-stream', body: createReadStream(path) };
}
