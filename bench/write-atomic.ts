import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ERROR_CODES, LooplabError } from './errors.ts';

/**
 * Writes a file so that readers see the old content or the new, never half of it: a temporary
 * file beside the target, then a rename, which is atomic within one file system.
 *
 * @throws {LooplabError} LOOPLAB_ERR_WRITE_FAILED naming the path and the cause.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, content);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new LooplabError(
      ERROR_CODES.WRITE_FAILED,
      `cannot write ${path} (${reason}); check the path and its permissions`,
      {
        cause: err,
      },
    );
  }
}
