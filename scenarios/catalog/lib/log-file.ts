/**
 * The sync-logging scenario's log: a file on disk, and a buffered logger that writes it off the
 * loop.
 */
import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { ScenarioRequest } from '../../types.ts';

/** An access-log line for `req`, padded or cut to `bytes` bytes with its newline. */
export function accessLogLine(req: ScenarioRequest, bytes: number): string {
  const ua = req.headers['user-agent'] ?? '-';
  const text = `${new Date().toISOString()} ${req.method} ${req.path} ua=${ua}`;
  return `${text.padEnd(bytes - 1, ' ').slice(0, bytes - 1)}\n`;
}

/**
 * Where the log goes: `$XDG_CACHE_HOME/looplab` (`~/.cache/looplab`), a directory on disk, not the
 * temp dir, which many systems keep in memory, where no write ever waits for a disk.
 */
export function logDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.cache'), 'looplab');
}

/**
 * Opens a new log file for appending and unlinks it at once: it lives while the server holds
 * it, takes writes and flushes like any file, and is gone when the server exits, however it
 * exits.
 */
export async function openLog(dir = logDir()): Promise<FileHandle> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `sync-logging-${process.pid}-${Date.now()}.log`);
  // Created by this call alone, never through a link planted under its guessable name.
  const file = await open(
    path,
    constants.O_WRONLY |
      constants.O_APPEND |
      constants.O_CREAT |
      constants.O_EXCL |
      (constants.O_NOFOLLOW ?? 0),
    0o600,
  );
  await unlink(path).catch(() => {});
  return file;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * A buffered logger with group commit: lines wait in memory while a write is under way; then
 * all the waiting lines go in one write (and one flush to the device when durable), on libuv's
 * threadpool. `append` resolves once its line is written (and flushed): the same guarantee as a
 * synchronous write, paid for once per batch instead of once per line, and never on the loop.
 */
export class BufferedLog {
  #pending: string[] = [];
  #waiting: Waiter[] = [];
  #flushing = false;
  readonly #file: FileHandle;
  readonly #durable: boolean;

  constructor(file: FileHandle, durable: boolean) {
    this.#file = file;
    this.#durable = durable;
  }

  append(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push(line);
      this.#waiting.push({ resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#pending.length > 0) {
      const batch = this.#pending.join('');
      const waiting = this.#waiting;
      this.#pending = [];
      this.#waiting = [];
      try {
        await this.#file.write(batch);
        if (this.#durable) await this.#file.datasync();
        for (const w of waiting) w.resolve();
      } catch (err) {
        for (const w of waiting) w.reject(err);
      }
    }
    this.#flushing = false;
  }
}
