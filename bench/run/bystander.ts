import { Worker } from 'node:worker_threads';
import { moduleUrl } from '../../core/module-url.ts';
import type { BystanderResult } from '../report/types.ts';
import type { BystanderConfig } from './bystander-worker.ts';

export interface Bystander {
  /** Opens the counted window: pings due before it only warmed the client up. */
  reset(): Promise<void>;
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
    async reset() {
      const done = reply<'reset:done'>();
      worker.postMessage('reset');
      await done;
    },
    // Idempotent: a failed run's clean-up may call it again after it already ran.
    stop() {
      stopping ??= (async () => {
        const done = reply<BystanderResult>();
        worker.postMessage('stop');
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
