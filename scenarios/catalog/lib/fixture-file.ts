import { lstatSync, rmSync } from 'node:fs';
import { lstat, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../core/write-atomic.ts';

/**
 * Returns the path of a file of `size` deterministic bytes in the temp dir, creating it once.
 *
 * The content depends only on the size, so every server process (and every variant) reads the
 * very same bytes. Written atomically (core/write-atomic.ts), so two servers starting at once
 * never see a half-written file. It lives in a folder of this user's own: in a shared /tmp,
 * another user could otherwise plant a link under its name, and the server would serve the file
 * it points to.
 */
export async function ensureFixtureFile(size: number): Promise<string> {
  const path = join(await privateDir(), `file-${size}.bin`);
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isFile() && existing.size === size) return path;
  await writeFileAtomic(path, deterministicBytes(size));
  return path;
}

/**
 * `looplab-<uid>` in the temp dir, 0700 and this user's; when something else holds that name,
 * a fresh folder of this process's own instead, one for each name held, removed when the
 * process exits.
 */
async function privateDir(): Promise<string> {
  const uid = process.getuid?.();
  const dir = join(tmpdir(), uid === undefined ? 'looplab' : `looplab-${uid}`);
  await mkdir(dir, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  const s = await lstat(dir);
  const ours = s.isDirectory() && (uid === undefined || (s.uid === uid && (s.mode & 0o077) === 0));
  if (ours) return dir;
  let fallback = fallbacks.get(dir);
  if (!fallback) {
    fallback = mkdtemp(join(tmpdir(), 'looplab-')).then((made) => {
      removeAtExit(made);
      return made;
    });
    fallbacks.set(dir, fallback);
  }
  return fallback;
}

/** The folders made in place of a `looplab-<uid>` someone else holds, by the name held. */
const fallbacks = new Map<string, Promise<string>>();

/**
 * Removes `dir`, a folder mkdtemp made for this process, when the process exits (a server's stop
 * ends in process.exit, and a crash too); only a SIGKILL leaves it. Removed only while it is still
 * a directory of this user's: nothing else that may have come to hold the name.
 */
function removeAtExit(dir: string): void {
  process.once('exit', () => {
    try {
      const s = lstatSync(dir);
      const uid = process.getuid?.();
      if (s.isDirectory() && (uid === undefined || s.uid === uid)) {
        rmSync(dir, { recursive: true, force: true });
      }
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  });
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
