import { Worker } from 'node:worker_threads';
import { moduleUrl } from '../../../core/module-url.ts';
import type { BystanderResult } from '../../report/types.ts';
import type { BystanderConfig, BystanderMessage } from './bystander-worker.ts';

export interface Bystander {
  /**
   * Resolves once the connections the window needs are open, each with a ping answered (or 5 s
   * passed): the client and its connections are warm.
   */
  ready(): Promise<void>;
  /**
   * Opens the counted window, of `windowMs`, now: exactly the pings due in it are counted. Pings
   * due before it only warmed the client up; those due after it are not the window's.
   */
  open(windowMs: number): void;
  /**
   * The window's result once every ping due in it has its answer (or its timeout), without
   * stopping: the pings go on, and the next open() counts a new window (a sweep's steps).
   */
  read(): Promise<BystanderResult>;
  /** Stops sending, waits for the pings in flight (each bounded by its timeout), and returns. */
  stop(): Promise<BystanderResult>;
}

/** Starts pinging `origin/ping` at `rateHz` from a worker thread. */
export function startBystander(config: BystanderConfig): Bystander {
  const worker = new Worker(moduleUrl(import.meta.url, './bystander-worker'), {
    workerData: config,
  });
  // An answer that can never come (the worker crashed or exited) must not leave stop() waiting.
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the bystander worker exited (code ${code})`)));
  });
  // Observed here so that a crash before stop() is not an unhandled rejection; stop() reports it.
  failed.catch(() => {});
  const reply = <T>() =>
    Promise.race([new Promise<T>((resolve) => worker.once('message', resolve)), failed]);
  let stopping: Promise<BystanderResult> | undefined;
  return {
    async ready() {
      const done = reply<'ready:done'>();
      worker.postMessage('ready' satisfies BystanderMessage);
      await done;
    },
    open(windowMs) {
      worker.postMessage({ open: windowMs } satisfies BystanderMessage);
    },
    async read() {
      const done = reply<BystanderResult>();
      worker.postMessage('read' satisfies BystanderMessage);
      return await done;
    },
    // Idempotent: a failed run's clean-up may call it again after it already ran.
    stop() {
      stopping ??= (async () => {
        const done = reply<BystanderResult>();
        worker.postMessage('stop' satisfies BystanderMessage);
        try {
          return await done;
        } finally {
          await worker.terminate();
        }
      })();
      return stopping;
    },
  };
}
