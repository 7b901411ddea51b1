/**
 * A steady closed-loop load for `looplab live`: `connections` clients per target, each sending
 * its next request as soon as its answer is in, until told to stop. Unlike load.ts's runs, it
 * has no window: the caller takes what each target saw since the last take, as often as it likes.
 * It runs on a worker thread (steady-load-worker.ts), off the caller's loop.
 */
import { Worker } from 'node:worker_threads';
import { moduleUrl } from '../../../core/module-url.ts';
import { typeScriptExecArgv } from '../../../scenarios/server/ts-loader.ts';
import type {
  FromLoadWorker,
  LoadTally,
  TargetLoad,
  ToLoadWorker,
} from './steady-load-messages.ts';

export type { LoadTally, TargetLoad } from './steady-load-messages.ts';

export interface SteadyLoad {
  /** Loads `target` (replacing any load of the same variant); counts start now. */
  load(target: TargetLoad): void;
  /** Stops loading `variant`; resolves once its clients are closed. */
  unload(variant: string): Promise<void>;
  /** What each loaded target saw since the last take; then counting starts again. */
  take(): Promise<Record<string, LoadTally>>;
  close(): Promise<void>;
}

/** Starts the load's thread, with nothing to load yet. */
export function startSteadyLoad(): SteadyLoad {
  const worker = new Worker(moduleUrl(import.meta.url, './steady-load-worker'), {
    execArgv: import.meta.url.endsWith('.ts') ? typeScriptExecArgv() : [],
    name: 'looplab live load',
  });
  let nextId = 0;
  const takes = new Map<number, (t: Record<string, LoadTally>) => void>();
  const unloads = new Map<string, (() => void)[]>();
  let gone = false;
  worker.on('message', (msg: FromLoadWorker) => {
    if (msg.type === 'tallies') {
      takes.get(msg.id)?.(msg.tallies);
      takes.delete(msg.id);
    } else {
      for (const done of unloads.get(msg.variant) ?? []) done();
      unloads.delete(msg.variant);
    }
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  void exited.then(() => {
    gone = true;
    for (const resolve of takes.values()) resolve({});
    takes.clear();
    for (const list of unloads.values()) for (const done of list) done();
    unloads.clear();
  });
  worker.on('error', () => {});
  const post = (msg: ToLoadWorker) => {
    if (!gone) worker.postMessage(msg);
  };
  return {
    load: (target) => post({ type: 'load', target }),
    unload: (variant) =>
      gone
        ? Promise.resolve()
        : new Promise((resolve) => {
            unloads.set(variant, [...(unloads.get(variant) ?? []), resolve]);
            post({ type: 'unload', variant });
          }),
    take: () =>
      gone
        ? Promise.resolve({})
        : new Promise((resolve) => {
            const id = nextId++;
            takes.set(id, resolve);
            post({ type: 'take', id });
          }),
    async close() {
      post({ type: 'stop' });
      // A thread that does not stop within a second is ended: closing must not hang.
      const timer = setTimeout(() => void worker.terminate(), 1000);
      await exited;
      clearTimeout(timer);
    },
  };
}
