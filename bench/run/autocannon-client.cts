/**
 * How looplab sets up each of autocannon's clients (connections), in a CommonJS module because on
 * autocannon's worker threads a client's set-up can only be a file they `require` (a function
 * would be cloned). On the harness's thread load.ts calls the same functions (autocannonClient()).
 */

/** The parts of autocannon's client (lib/httpClient.js) this module reaches into. */
interface Client {
  reqsMade: number;
  responseMax?: number;
  destroy(): void;
  pipelinedRequests?: { addBody?: unknown };
  opts?: { initialContext?: Record<string, unknown> };
}

/** The key of autocannon's `initialContext` that carries the window's length to worker threads. */
const CLOSE_AFTER_MS = 'looplabCloseAfterMs';

/**
 * Stops autocannon from keeping response bodies: it appends every body chunk to a string (for
 * expectBody, verifyBody and onResponse, none of which looplab uses), which turns a streamed
 * 64 MiB answer into 64 MiB of string building on the harness's one thread, enough to measure
 * autocannon instead of the server. Bytes are still counted (autocannon counts them on the
 * socket). It reaches into autocannon's internals, so it says whether it could: a version
 * without them keeps its bodies, and is only slower.
 */
function dropResponseBodies(client: unknown): boolean {
  const queue = (client as Client).pipelinedRequests;
  if (typeof queue?.addBody !== 'function') return false;
  queue.addBody = () => {};
  return true;
}

/**
 * Ends a client's part of the window: it sends nothing new, and once the request it has in flight
 * is answered (or times out), autocannon's own limit on requests per connection (`responseMax`)
 * makes it close instead of sending the next. autocannon's stop() would instead destroy the
 * connection with that request, the slowest of the window, unanswered and counted nowhere.
 */
function closeClient(client: unknown): void {
  const c = client as Client;
  if (c.reqsMade > 0) c.responseMax = c.reqsMade;
  else c.destroy();
}

/** The set-up on a worker thread: bodies dropped, and the client closed when its window ends. */
function setupWorkerClient(client: unknown): void {
  dropResponseBodies(client);
  const closeAfterMs = (client as Client).opts?.initialContext?.[CLOSE_AFTER_MS];
  if (typeof closeAfterMs === 'number') setTimeout(() => closeClient(client), closeAfterMs);
}

// autocannon calls what `require` returns: the module itself must be the function.
module.exports = Object.assign(setupWorkerClient, {
  CLOSE_AFTER_MS,
  dropResponseBodies,
  closeClient,
});
