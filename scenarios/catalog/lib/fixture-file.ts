import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Returns the path of a file of `size` deterministic bytes in the temp dir, creating it once.
 *
 * The content depends only on the size, so every server process (and every variant) reads the
 * very same bytes. Written to a unique temporary name and renamed, so two servers starting at
 * once never see a half-written file.
 */
export async function ensureFixtureFile(size: number): Promise<string> {
  const dir = join(tmpdir(), 'looplab');
  const path = join(dir, `file-${size}.bin`);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.size === size) return path;

  await mkdir(dir, { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, deterministicBytes(size));
  await rename(temp, path);
  return path;
}

/** xorshift32 bytes: cheap, seedless, and not compressible by accident. */
export function deterministicBytes(size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
