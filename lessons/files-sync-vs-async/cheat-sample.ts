/**
 * A cheating solution to exercise 2 (verify must fail it): the answer is the file's size and 32
 * bytes sampled from it, so this reads just those 32 bytes instead of the whole file. The
 * answers are right on every request and the loop is free, but the work (reading 64 MiB) is
 * skipped: only the CPU time each request costs can tell.
 */
import { open } from 'node:fs/promises';

interface Context {
  path: string;
}

const SAMPLES = 32;

export default async function handle({ path }: Context) {
  const file = await open(path);
  try {
    const { size } = await file.stat();
    const sampled = Buffer.alloc(Math.min(SAMPLES, size));
    for (let i = 0; i < sampled.length; i++) {
      await file.read(sampled, i, 1, Math.floor((i * size) / sampled.length));
    }
    return { body: JSON.stringify({ bytes: size, sample: sampled.toString('hex') }) };
  } finally {
    await file.close();
  }
}
