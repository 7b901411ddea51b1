import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { assertWritable } from '../../core/write-atomic.ts';

/**
 * Checks `--html FILE` before any work: it needs a name (the page never goes to stdout), and a
 * place it can be written.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION without a name; LOOPLAB_ERR_WRITE_FAILED as assertWritable.
 */
export async function checkHtmlPath(path: string | undefined): Promise<void> {
  if (path === undefined) return;
  if (path === '' || path === '-') {
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      '--html needs a file name, e.g. --html out.html',
    );
  }
  await assertWritable(path);
}
