import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ParamSpec } from '../../types.ts';

/** The `threads` parameter of a scenario with a pool: one per core by default. */
export const THREADS_PARAM: ParamSpec = {
  default: Math.min(availableParallelism(), 64),
  unit: 'count',
  integer: true,
  min: 1,
  max: 64,
  description: 'worker threads in the pool (async)',
};

interface Task<T, R> {
  id: number;
  payload: T;
  resolve(result: R): void;
  reject(err: Error): void;
}

/**
 * A fixed pool of worker threads running one script; tasks queue while every worker is busy.
 *
 * Fixed rather than one worker per request: starting a worker costs milliseconds and megabytes,
 * and more workers than cores only trade the event loop's blocking for CPU contention.
 */
export class WorkerPool<T, R = number> {
  readonly #idle: Worker[] = [];
  readonly #all: Worker[] = [];
  readonly #queue: Task<T, R>[] = [];
  readonly #running = new Map<Worker, Task<T, R>>();
  #nextId = 0;

  constructor(script: URL, size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script);
      worker.on('message', (msg: { id: number; result: R }) => this.#done(worker, msg.result));
      worker.on('error', (err) => this.#failed(worker, err));
      this.#all.push(worker);
      this.#idle.push(worker);
    }
  }

  /** Runs one task; the worker gets `{ id, ...payload }` and answers `{ id, result }`. */
  run(payload: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, payload, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#all.map((w) => w.terminate()));
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const worker = this.#idle.pop() as Worker;
      const task = this.#queue.shift() as Task<T, R>;
      this.#running.set(worker, task);
      worker.postMessage({ id: task.id, ...task.payload });
    }
  }

  #done(worker: Worker, result: R): void {
    this.#running.get(worker)?.resolve(result);
    this.#running.delete(worker);
    this.#idle.push(worker);
    this.#dispatch();
  }

  #failed(worker: Worker, err: Error): void {
    this.#running.get(worker)?.reject(err);
    this.#running.delete(worker);
  }
}
