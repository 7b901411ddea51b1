/** Worker-thread side of the websocket-broadcast scenario's pool: moderates off the event loop. */
import { parentPort } from 'node:worker_threads';
import { moderate } from './moderation.ts';

parentPort?.on('message', (task: { id: number; message: Uint8Array; rounds: number }) => {
  parentPort?.postMessage({ id: task.id, result: moderate(task.message, task.rounds) });
});
