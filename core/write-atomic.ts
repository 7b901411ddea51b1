import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ERROR_CODES, LooplabError } from './errors.ts';

/**
 * Writes a file so that readers see the old content or the new, never half of it: a temporary
 * file beside the target, then a rename, which is atomic within one file system.
 *
 * @throws {LooplabError} LOOPLAB_ERR_WRITE_FAILED naming the path and the cause.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  if (await isSpecial(path)) {
    // A device, a pipe or a socket (/dev/null, /dev/stdout, a FIFO): written in place. Renaming
    // a file onto it would replace it, and as root that turns /dev/null into a regular file.
    await writeFile(path, content).catch((err: NodeJS.ErrnoException) => {
      throw writeFailed(path, err.code ?? err.message, err);
    });
    return;
  }
  const temp = sibling(path, `${randomBytes(4).toString('hex')}.tmp`);
  try {
    await makeParents(dirname(path));
    await writeFile(temp, content);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw writeFailed(path, (err as NodeJS.ErrnoException).code ?? (err as Error).message, err);
  }
}

/**
 * Fails fast, before a long benchmark, when `path` could not be written: creates its missing
 * parent directories and writes, then removes, a small file beside it.
 *
 * @throws {LooplabError} LOOPLAB_ERR_WRITE_FAILED naming the path and the reason.
 */
export async function assertWritable(path: string): Promise<void> {
  if ((await stat(path).catch(() => undefined))?.isDirectory())
    throw writeFailed(path, 'it is a directory');
  if (await isSpecial(path)) {
    await access(path, constants.W_OK).catch((err: NodeJS.ErrnoException) => {
      throw writeFailed(path, err.code ?? err.message, err);
    });
    return;
  }
  const probe = sibling(path, 'probe');
  try {
    await makeParents(dirname(path));
    await writeFile(probe, '');
  } catch (err) {
    throw writeFailed(path, (err as NodeJS.ErrnoException).code ?? String(err), err);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}

/** True when `path` exists and is neither a regular file nor a directory. */
async function isSpecial(path: string): Promise<boolean> {
  const s = await stat(path).catch(() => undefined);
  return s !== undefined && !s.isFile() && !s.isDirectory();
}

/** A hidden file beside `path`, named after it and this process, so it never collides. */
function sibling(path: string, suffix: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${suffix}`);
}

function writeFailed(path: string, reason: string, cause?: unknown): LooplabError {
  return new LooplabError(
    ERROR_CODES.WRITE_FAILED,
    `cannot write ${path} (${reason}); check the path and its permissions`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Creates the missing directories above a file one level at a time. `mkdir({ recursive })`
 * spins forever on some pseudo file systems (/proc) instead of failing.
 */
async function makeParents(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = resolve(dir); !(await stat(d).catch(() => undefined)); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) await mkdir(d);
}
