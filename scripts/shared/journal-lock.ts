/**
 * One looplab at a time writes a journal. Two that append to the same one (a resume started
 * twice, or a second benchmark with the same --json while the first runs) would write each
 * run twice, and the second would replace a journal the first reads its runs back from. The
 * lock is a file beside the journal, `JOURNAL.lock`, holding the writer's PID: made whole
 * before it appears (written aside, then hard-linked into place, which fails if one is there),
 * removed when the writer exits. One left by a writer that died (SIGKILL, a power cut) names a
 * PID no longer running, and is taken over.
 */
import { linkSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';

/** The lock file of the journal at `path`. */
export function lockPathOf(path: string): string {
  return `${path}.lock`;
}

/** Whether the process `pid` runs (one of another user's, which cannot be signalled, does). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The PID a lock file names, or null when it names none (or is gone). */
function holderOf(lockPath: string): number | null {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock of the journal at `path` for this process, until the function returned is
 * called or the process exits. A lock that cannot be made (the folder is read-only or missing)
 * is not taken: the journal cannot be written there either, and its writer says so.
 *
 * @throws {LooplabError} JOURNAL_BUSY when a running process holds it.
 */
export function lockJournal(path: string): () => void {
  const lockPath = lockPathOf(path);
  const aside = `${lockPath}.${process.pid}`;
  try {
    writeFileSync(aside, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
  } catch {
    return () => {};
  }
  const busy = (holder: number | null) =>
    new LooplabError(
      ERROR_CODES.JOURNAL_BUSY,
      `${path} is being written by another looplab (pid ${holder ?? 'unknown'}): wait for it to finish, or stop it; if no looplab is running, remove ${lockPath}`,
    );
  try {
    // A few times: again after a stale lock is taken away, or another looplab took it first.
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(aside, lockPath);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return () => {};
      }
      const holder = holderOf(lockPath);
      if ((holder !== null && holder !== process.pid && running(holder)) || attempt >= 4) {
        throw busy(holder);
      }
      // A stale lock is taken away by renaming that very file aside: of two looplabs that both
      // found it stale, one renames it and the other finds it gone, and tries again (removed by
      // name, the second would remove the lock the first had just made, and both would write).
      const taken = `${lockPath}.stale.${process.pid}`;
      try {
        renameSync(lockPath, taken);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        return () => {};
      }
      // What was renamed is another looplab's fresh lock, made since the stale one was read:
      // it goes back, and the next attempt finds it held.
      if (holderOf(taken) !== holder) {
        try {
          linkSync(taken, lockPath);
        } catch {}
      }
      rmSync(taken, { force: true });
    }
  } finally {
    rmSync(aside, { force: true });
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    // Only our own: a lock another process took over (after this one was presumed dead) stays.
    if (holderOf(lockPath) === process.pid) {
      try {
        unlinkSync(lockPath);
      } catch {}
    }
  };
  process.on('exit', release);
  return release;
}
