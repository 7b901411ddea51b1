/** Worker-thread side of the cpu-bound scenario's pool: counts primes off the event loop. */
import { parentPort } from 'node:worker_threads';
import { countPrimes } from './primes.ts';

parentPort?.on('message', (task: { id: number; from: number; to: number }) => {
  parentPort?.postMessage({ id: task.id, result: countPrimes(task.from, task.to) });
});
