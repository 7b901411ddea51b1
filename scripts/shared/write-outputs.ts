/**
 * Writing a command's files after its work is done, each on its own: one that fails (a full
 * disk) is reported and asks for exit 2, and the others are still written and named, so minutes
 * of measurement are never lost to one bad path.
 */
import { EXIT, isLooplabError } from '../../core/errors.ts';
import { writeFileAtomic } from '../../core/write-atomic.ts';
import { err, errorLine, setOutcome } from './context.ts';

export interface PendingFile {
  path: string;
  /** Rendered only when its turn comes. */
  text: () => string;
}

/**
 * Writes every file, says `wrote PATH` for each written (unless quiet) and the error line for
 * each that failed, even when quiet. Returns whether every file was written.
 *
 * @throws what is not a LooplabError (a bug), once every other file has been tried.
 */
export async function writeEach(files: readonly PendingFile[], quiet: boolean): Promise<boolean> {
  let bug: { error: unknown } | undefined;
  let all = true;
  for (const file of files) {
    try {
      await writeFileAtomic(file.path, file.text());
      if (!quiet) err(`wrote ${file.path}\n`);
    } catch (error) {
      if (!isLooplabError(error)) {
        bug ??= { error };
        continue;
      }
      all = false;
      err(errorLine(error));
      setOutcome(EXIT.USAGE);
    }
  }
  if (bug) throw bug.error;
  return all;
}
