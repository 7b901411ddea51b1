import { Worker } from 'node:worker_threads';

interface Task<T> {
  id: number;
  payload: T;
  resolve(result: number): void;
  reject(err: Error): void;
}

/**
 * A fixed pool of worker threads running one script; tasks queue while every worker is busy.
 *
 * Fixed rather than one worker per request: starting a worker costs milliseconds and megabytes,
 * and more workers than cores only trade the event loop's blocking for CPU contention.
 */
export class WorkerPool<T> {
  readonly #idle: Worker[] = [];
  readonly #all: Worker[] = [];
  readonly #queue: Task<T>[] = [];
  readonly #running = new Map<Worker, Task<T>>();
  #nextId = 0;

  constructor(script: URL, size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script);
      worker.on('message', (msg: { id: number; result: number }) => this.#done(worker, msg.result));
      worker.on('error', (err) => this.#failed(worker, err));
      this.#all.push(worker);
      this.#idle.push(worker);
    }
  }

  run(payload: T): Promise<number> {
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
      const task = this.#queue.shift() as Task<T>;
      this.#running.set(worker, task);
      worker.postMessage({ id: task.id, ...task.payload });
    }
  }

  #done(worker: Worker, result: number): void {
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
