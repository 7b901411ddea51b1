/** Worker-thread side of the json-parse scenario's pool: parses and serialises off the loop. */
import { parentPort } from 'node:worker_threads';
import { priceOrder } from './order-document.ts';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

parentPort?.on('message', (task: { id: number; body: Uint8Array }) => {
  // A fresh buffer of its own, so it can be transferred rather than copied back.
  const result = encoder.encode(priceOrder(decoder.decode(task.body)));
  parentPort?.postMessage({ id: task.id, result }, [result.buffer as ArrayBuffer]);
});
