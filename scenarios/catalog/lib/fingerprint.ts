/**
 * A small, cheap fingerprint of a buffer: its length and 32 bytes sampled at even offsets.
 *
 * fs-read answers with this instead of the file itself. Sending a megabyte per response would
 * measure the sending (the streams scenario's subject) and the load generator that receives it;
 * a fingerprint keeps the benchmark about the read while still proving that every variant read
 * the same bytes. Hashing the whole buffer would add CPU work that is not the
 * read's.
 */
export function fingerprint(buf: Uint8Array): string {
  const SAMPLES = 32;
  const sampled = Buffer.alloc(Math.min(SAMPLES, buf.length));
  for (let i = 0; i < sampled.length; i++) {
    sampled[i] = buf[Math.floor((i * buf.length) / sampled.length)] as number;
  }
  return JSON.stringify({ bytes: buf.length, sample: sampled.toString('hex') });
}
