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
  /**
   * What each loaded target saw since the last take; then counting starts again. `hold`: that
   * variant is held in the same step, so its books close with this take.
   */
  take(hold?: string): Promise<Record<string, LoadTally>>;
  /**
   * Stops sending `variant`'s requests and counting them (its connections and bystander stay
   * open, uncounted); resolves once its requests in flight are over. Its next take holds what it
   * saw before the hold, if no take has yet.
   */
  hold(variant: string): Promise<void>;
  /** Starts a held variant's load again, counting from now. */
  resume(variant: string): void;
  /** An open-model variant's rate (`TargetLoad.ratePerSec`), changed as it runs. */
  rate(variant: string, ratePerSec: number): void;
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
  const holds = new Map<string, (() => void)[]>();
  let gone = false;
  worker.on('message', (msg: FromLoadWorker) => {
    if (msg.type === 'tallies') {
      takes.get(msg.id)?.(msg.tallies);
      takes.delete(msg.id);
    } else {
      const waiting = msg.type === 'held' ? holds : unloads;
      for (const done of waiting.get(msg.variant) ?? []) done();
      waiting.delete(msg.variant);
    }
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  void exited.then(() => {
    gone = true;
    for (const resolve of takes.values()) resolve({});
    takes.clear();
    for (const waiting of [unloads, holds]) {
      for (const list of waiting.values()) for (const done of list) done();
      waiting.clear();
    }
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
    take: (hold) =>
      gone
        ? Promise.resolve({})
        : new Promise((resolve) => {
            const id = nextId++;
            takes.set(id, resolve);
            post({ type: 'take', id, ...(hold !== undefined && { hold }) });
          }),
    hold: (variant) =>
      gone
        ? Promise.resolve()
        : new Promise((resolve) => {
            holds.set(variant, [...(holds.get(variant) ?? []), resolve]);
            post({ type: 'hold', variant });
          }),
    resume: (variant) => post({ type: 'resume', variant }),
    rate: (variant, ratePerSec) => post({ type: 'rate', variant, ratePerSec }),
    async close() {
      post({ type: 'stop' });
      // A thread that does not stop within a second is ended: closing must not hang.
      const timer = setTimeout(() => void worker.terminate(), 1000);
      await exited;
      clearTimeout(timer);
    },
  };
}
