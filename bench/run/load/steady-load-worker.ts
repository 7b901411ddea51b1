/**
 * The steady load's thread (steady-load.ts starts it): closed-loop clients, each on one
 * connection of its own, sending again as soon as its answer is in, for as long as it is told.
 *
 * On a thread of its own so that the load never shares a loop with the page that shows it: a
 * page server on a loop busy sending requests would answer the page late.
 */
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { Client, errors } from 'undici';
import type {
  FromLoadWorker,
  LoadTally,
  TargetLoad,
  ToLoadWorker,
} from './steady-load-messages.ts';

const port = parentPort;

interface Loaded {
  tally: LoadTally;
  since: number;
  clients: Client[];
  stopped: boolean;
}

const loaded = new Map<string, Loaded>();

/** A wait after a failed request, so that a refused connection does not spin this thread. */
const RETRY_MS = 50;

function isTimeout(err: unknown): boolean {
  return err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError;
}

async function loop(
  target: TargetLoad,
  state: Loaded,
  client: Client,
  first: number,
): Promise<void> {
  let k = first;
  while (!state.stopped) {
    const req = target.requests[k++ % target.requests.length];
    if (!req) return;
    const sentAt = performance.now();
    try {
      const res = await client.request({
        path: req.path,
        method: req.method as 'GET',
        headers: req.headers,
        ...(req.body.byteLength > 0 && { body: Buffer.from(req.body) }),
      });
      await res.body.dump();
      if (state.stopped) return;
      state.tally.completed++;
      state.tally.latenciesMs.push(performance.now() - sentAt);
      if (res.statusCode >= 400) state.tally.errors++;
    } catch (err) {
      if (state.stopped) return;
      if (isTimeout(err)) state.tally.timeouts++;
      else state.tally.errors++;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

function load(target: TargetLoad): void {
  unload(target.variant);
  const state: Loaded = {
    tally: { completed: 0, errors: 0, timeouts: 0, latenciesMs: [], spanMs: 0 },
    since: performance.now(),
    clients: [],
    stopped: false,
  };
  loaded.set(target.variant, state);
  for (let i = 0; i < target.connections; i++) {
    const client = new Client(target.origin, {
      pipelining: 1,
      headersTimeout: target.timeoutMs,
      bodyTimeout: target.timeoutMs,
    });
    state.clients.push(client);
    void loop(target, state, client, i);
  }
}

function unload(variant: string): void {
  const state = loaded.get(variant);
  if (!state) return;
  state.stopped = true;
  loaded.delete(variant);
  // Requests in flight end as errors nobody counts: the variant's books are closed.
  for (const client of state.clients) void client.destroy().catch(() => {});
}

function take(id: number): void {
  const now = performance.now();
  const tallies: Record<string, LoadTally> = {};
  for (const [variant, state] of loaded) {
    tallies[variant] = { ...state.tally, spanMs: now - state.since };
    state.tally = { completed: 0, errors: 0, timeouts: 0, latenciesMs: [], spanMs: 0 };
    state.since = now;
  }
  port?.postMessage({ type: 'tallies', id, tallies } satisfies FromLoadWorker);
}

port?.on('message', (msg: ToLoadWorker) => {
  if (msg.type === 'load') load(msg.target);
  else if (msg.type === 'unload') {
    unload(msg.variant);
    port?.postMessage({ type: 'unloaded', variant: msg.variant } satisfies FromLoadWorker);
  } else if (msg.type === 'take') take(msg.id);
  else if (msg.type === 'stop') {
    for (const variant of [...loaded.keys()]) unload(variant);
    port?.close();
  }
});
