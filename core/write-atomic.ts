/**
 * Writing outputs so that a failed or hostile moment never damages a file: a temporary file with
 * a random name beside the target, opened exclusively and without following links, then a rename.
 *
 * Symbolic links: an output path that is a link is followed only when the link belongs to you or
 * to root (as /dev/stdout does); a link anyone else owns is refused. In a shared folder (/tmp)
 * another user can plant a link under the name you are about to write, and following it would
 * let them choose which of your files (or, as root, which system file) is replaced. A followed
 * link stays a link: the file it points to is replaced.
 */
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import {
  access,
  type FileHandle,
  lstat,
  mkdir,
  open,
  readlink,
  rename,
  rm,
  stat,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERROR_CODES, LooplabError } from './errors.ts';

/** O_NOFOLLOW is missing on Windows, where links need privileges to create. */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const CREATE_EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW;
/** The kernel's own limit on links followed in one path (Linux's MAXSYMLINKS). */
const MAX_LINKS = 40;
/**
 * A FIFO's open(2) for writing waits for a reader, in a thread-pool thread that even
 * process.exit waits for (SIGTERM could not end looplab); non-blocking, it fails with ENXIO.
 */
const NONBLOCK = constants.O_NONBLOCK ?? 0;
/** How long a write waits before it tries again when a pipe is full (EAGAIN). */
const PIPE_FULL_RETRY_MS = 10;

/**
 * FIFOs assertWritable found a reader on, held open until their write: closing one would tell a
 * reader already waiting (`cat out.fifo &`) that the output ended, before anything was written.
 */
const heldPipes = new Map<string, FileHandle>();

/** Where a write lands, once the links an output path may be have been followed. */
export type OutputTarget =
  | { kind: 'missing'; path: string }
  | { kind: 'file'; path: string; stats: Stats }
  | { kind: 'directory'; path: string }
  /**
   * A device, a pipe or a socket (/dev/null, a FIFO), or a file descriptor named by a link
   * (/dev/stdout, /proc/self/fd/1, `link` true): written in place.
   */
  | { kind: 'special'; path: string; link: boolean };

/** /dev/stdout, /dev/fd/3, /proc/self/fd/1: links to what a descriptor has open, maybe a pipe. */
const DESCRIPTOR_LINK = /^\/(dev|proc\/(self|\d+))\/(fd\/\d+|stdout|stderr)$/;

/**
 * Follows `path` through the links it is, checking each with `lstat`, to what a write would
 * replace.
 *
 * @throws {LooplabError} LOOPLAB_ERR_WRITE_FAILED for a link owned by another user, or a loop.
 */
export async function outputTarget(path: string): Promise<OutputTarget> {
  let p = resolve(path);
  for (let links = 0; links <= MAX_LINKS; links++) {
    const s = await lstat(p).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw writeFailed(path, err.code ?? err.message, err);
    });
    if (s === undefined) return { kind: 'missing', path: p };
    if (s.isFile()) return { kind: 'file', path: p, stats: s };
    if (s.isDirectory()) return { kind: 'directory', path: p };
    if (!s.isSymbolicLink()) return { kind: 'special', path: p, link: false };
    const me = process.getuid?.();
    if (me !== undefined && s.uid !== me && s.uid !== 0) {
      throw writeFailed(
        path,
        `${p} is a symbolic link owned by user ${s.uid}, not by you; it is not followed`,
      );
    }
    // What the descriptor has open, a pipe (`pipe:[123]`) or a file the shell redirected to, is
    // written through it: replacing that file would leave the shell writing to the old one.
    if (DESCRIPTOR_LINK.test(p)) return { kind: 'special', path: p, link: true };
    p = resolve(dirname(p), await readlink(p));
  }
  throw writeFailed(path, 'ELOOP');
}

/**
 * Writes a file so that readers see the old content or the new, never half of it, keeping the
 * old file's mode (a 600 report stays 600). The new content is fsynced before the rename.
 *
 * @throws {LooplabError} LOOPLAB_ERR_WRITE_FAILED naming the path and the cause.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const target = await outputTarget(path);
  if (target.kind === 'directory') throw writeFailed(path, 'it is a directory');
  if (target.kind === 'special') {
    // Renaming a file onto a device would replace it: as root, /dev/null would become a file.
    await writeInPlace(path, target, content);
    return;
  }
  const old = target.kind === 'file' ? target.stats : undefined;
  let temp: { path: string; handle: FileHandle } | undefined;
  try {
    await makeParents(dirname(target.path));
    temp = await createTemp(target.path, 'tmp');
    await temp.handle.writeFile(content);
    // On the disk before the rename: after a power cut the name holds the old file or the whole
    // new one, never an empty one (a rename can reach the disk before the data it names).
    await temp.handle.sync();
    await rename(temp.path, target.path);
    // On the handle, not the name: the file renamed is the one changed, whatever the name
    // points to by now. Until here it was 0600, readable by nobody else while half written.
    await temp.handle.chmod(old ? old.mode & 0o7777 : 0o666 & ~process.umask());
    if (old && process.getuid?.() === 0 && old.uid !== 0) {
      await temp.handle.chown(old.uid, old.gid).catch(() => undefined);
    }
    await temp.handle.close();
  } catch (err) {
    await temp?.handle.close().catch(() => undefined);
    if (temp) await rm(temp.path, { force: true }).catch(() => undefined);
    throw writeFailed(path, (err as NodeJS.ErrnoException).code ?? (err as Error).message, err);
  }
}

/**
 * Appends to a file (the GitHub step summary), creating it when missing, following links only as
 * writeFileAtomic does.
 *
 * @throws {LooplabError} LOOPLAB_ERR_WRITE_FAILED naming the path and the cause.
 */
export async function appendFileSafely(path: string, content: string): Promise<void> {
  const target = await outputTarget(path);
  if (target.kind === 'directory') throw writeFailed(path, 'it is a directory');
  await writeInPlace(
    path,
    { path: target.path, link: target.kind === 'special' && target.link },
    content,
    true,
  );
}

/**
 * Fails fast, before a long benchmark, when `path` could not be written: follows it as a write
 * would, creates its missing parent directories, and creates, then removes, a file beside it.
 *
 * @throws {LooplabError} LOOPLAB_ERR_WRITE_FAILED naming the path and the reason.
 */
export async function assertWritable(path: string): Promise<void> {
  const target = await outputTarget(path);
  if (target.kind === 'directory') throw writeFailed(path, 'it is a directory');
  if (target.kind === 'special') {
    // Asked of the kernel, as the open will be: the mode bits alone miss whose file it is, ACLs
    // and read-only mounts, and would refuse root a device it can write.
    await access(target.path, constants.W_OK).catch((err: NodeJS.ErrnoException) => {
      throw writeFailed(path, err.code ?? err.message, err);
    });
    // A FIFO nobody reads would fail only after the benchmark: found now, by opening it.
    if (!heldPipes.has(target.path) && (await stat(target.path)).isFIFO()) {
      heldPipes.set(target.path, await openInPlace(path, target));
    }
    return;
  }
  let probe: { path: string; handle: FileHandle } | undefined;
  try {
    await makeParents(dirname(target.path));
    probe = await createTemp(target.path, 'probe');
  } catch (err) {
    throw writeFailed(path, (err as NodeJS.ErrnoException).code ?? String(err), err);
  } finally {
    await probe?.handle.close().catch(() => undefined);
    if (probe) await rm(probe.path, { force: true }).catch(() => undefined);
  }
}

/**
 * A new hidden file beside `path` with a name nobody can guess, created by this call alone
 * (O_EXCL, O_NOFOLLOW): a file or link planted under that name makes it fail, never followed.
 */
async function createTemp(
  path: string,
  suffix: string,
): Promise<{ path: string; handle: FileHandle }> {
  const temp = join(
    dirname(path),
    `.${basename(path)}.${randomBytes(12).toString('hex')}.${suffix}`,
  );
  return { path: temp, handle: await open(temp, CREATE_EXCLUSIVE, 0o600) };
}

/**
 * A special file is opened as it is, without truncating anything; appended to, so that a file a
 * shell redirected stdout to keeps what was printed before. Created only when `create` says so.
 */
async function writeInPlace(
  path: string,
  target: { path: string; link: boolean },
  content: string | Uint8Array,
  create = false,
): Promise<void> {
  let handle = heldPipes.get(target.path);
  heldPipes.delete(target.path);
  try {
    handle ??= await openInPlace(path, target, create);
    await writeAll(handle, content);
  } catch (err) {
    if (err instanceof LooplabError) throw err;
    throw writeFailed(path, (err as NodeJS.ErrnoException).code ?? (err as Error).message, err);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Opens a special file (or the file appended to) for writing, without blocking.
 *
 * @throws {LooplabError} LOOPLAB_ERR_WRITE_FAILED, saying so when no process reads a FIFO.
 */
async function openInPlace(
  path: string,
  target: { path: string; link: boolean },
  create = false,
): Promise<FileHandle> {
  try {
    // Not following a link swapped in since it was checked, except the descriptor's own.
    return await open(
      target.path,
      constants.O_WRONLY |
        constants.O_APPEND |
        NONBLOCK |
        (create ? constants.O_CREAT : 0) |
        (target.link ? 0 : NOFOLLOW),
      0o666,
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENXIO is also what a socket file gives: only a FIFO's is about its reader.
    if (code === 'ENXIO' && (await stat(target.path).catch(() => undefined))?.isFIFO()) {
      throw writeFailed(
        path,
        'no process reads this FIFO, ENXIO',
        err,
        'start its reader first, or write to a file',
      );
    }
    throw writeFailed(path, code ?? (err as Error).message, err);
  }
}

/**
 * Writes everything through a descriptor opened non-blocking: a full pipe answers EAGAIN, and is
 * tried again once its reader has had time to read.
 */
async function writeAll(handle: FileHandle, content: string | Uint8Array): Promise<void> {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  for (let at = 0; at < bytes.length; ) {
    try {
      at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      await sleep(PIPE_FULL_RETRY_MS);
    }
  }
}

function writeFailed(
  path: string,
  reason: string,
  cause?: unknown,
  hint = 'check the path and its permissions',
): LooplabError {
  return new LooplabError(
    ERROR_CODES.WRITE_FAILED,
    `cannot write ${path} (${reason}); ${hint}`,
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
