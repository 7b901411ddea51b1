/**
 * The bystander: an innocent client that calls a cheap route (`/ping`) at a steady rate while the heavy route
 * is loaded, and records what each call cost it.
 *
 * It runs on a worker thread so that autocannon, busy on the harness's main thread, cannot
 * delay its timers (a busy machine still can: how late each ping went out is kept beside its
 * latency, `sendDelaysMs`). Latency is measured from the moment each ping was *due*, not from when it
 * went out: if the ping had to wait, that wait is part of what the bystander suffered
 * (the coordinated-omission correction).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import type { Client } from 'undici';
import type { BystanderResult } from '../../report/types.ts';
import { refreshOffsetsMs, warmConnections, warmCount } from './warm-connections.ts';

export interface BystanderConfig {
  origin: string;
  /** The route it calls (default `/ping`, a scenario server's or the preload's), or the app's own. */
  path?: string;
  /**
   * Count any HTTP answer, not only a 2xx: for a route the app does not have, whose 404 still
   * comes from the app's loop (`--url` without `--ping`).
   */
  anyStatus?: boolean;
  rateHz: number;
  timeoutMs: number;
}

const {
  origin,
  path = '/ping',
  anyStatus = false,
  rateHz,
  timeoutMs,
} = workerData as BystanderConfig;
const periodMs = 1000 / rateHz;
// Enough connections, open before the window and kept in use, that a ping never queues behind
// another one on our side, nor behind our own new connections in the server's accept queue: a
// bystander is an independent user, and only the server may make it wait.
const connections = warmConnections(origin);
const emptyResult = (): BystanderResult => ({
  latenciesMs: [],
  sendDelaysMs: [],
  timeoutMs,
  sent: 0,
  errors: 0,
  timeouts: 0,
});
let result = emptyResult();
const inFlight = new Set<Promise<void>>();
/** When ping 0 was due: the schedule starts again once the connections are ready. */
let startedAt = performance.now();
/**
 * The counted window: pings due in [countFrom, countUntil). Before it, they warmed the client and
 * its connections; after it, the load is waiting for its last answers and the window is over.
 */
let countFrom = Number.POSITIVE_INFINITY;
let countUntil = Number.POSITIVE_INFINITY;
/** The next ping's number: it is due at startedAt + next × periodMs. */
let next = 0;
let timer: NodeJS.Timeout | undefined;
let stopping = false;
/** How long `ready` waits for the connections to open: past it, the window opens anyway. */
const READY_MAX_MS = 5000;

/** One call of the route, its body read: the connection is free again after it. */
async function call(client: Client): Promise<number> {
  const res = await client.request({
    path,
    method: 'GET',
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  await res.body.dump();
  return res.statusCode;
}

async function ping(dueAt: number): Promise<void> {
  // Everything about one ping goes to the tally that counted it as sent, so sent always equals
  // answered + errors + timeouts, even when a window opens while the ping is in flight.
  const tally = dueAt >= countFrom && dueAt < countUntil ? result : undefined;
  if (tally) {
    tally.sent++;
    // Late on our side: this thread could not run its timer on time (a busy machine). It stays
    // in the latency, timed from when the ping was due, and is reported beside it.
    tally.sendDelaysMs?.push(Math.max(0, performance.now() - dueAt));
  }
  try {
    const status = await connections.use(call);
    if (anyStatus || (status >= 200 && status < 300))
      tally?.latenciesMs.push(performance.now() - dueAt);
    else if (tally) tally.errors++;
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (!tally) return;
    if (code.includes('TIMEOUT')) tally.timeouts++;
    else tally.errors++;
  }
}

/** Below 0.5 pings a second: when, after each ping, its idle connection is kept open. */
const refreshAfterMs = refreshOffsetsMs(periodMs);
const refreshTimers = new Set<NodeJS.Timeout>();

/** Sends ping number `next` (due now or earlier), and counts on. */
function fire(): void {
  const dueAt = startedAt + next * periodMs;
  const p = ping(dueAt).finally(() => inFlight.delete(p));
  inFlight.add(p);
  next++;
  // Uncounted calls between pings, timed from when this one was due: none lands on a ping's time.
  for (const afterMs of refreshAfterMs) {
    const t = setTimeout(
      () => {
        refreshTimers.delete(t);
        if (!stopping) void connections.refresh(async (client) => void (await call(client)));
      },
      Math.max(0, dueAt + afterMs - performance.now()),
    );
    refreshTimers.add(t);
  }
}

function schedule(): void {
  timer = setTimeout(
    () => {
      if (stopping) return;
      fire();
      schedule();
    },
    Math.max(0, startedAt + next * periodMs - performance.now()),
  );
}

export type BystanderMessage = 'ready' | { open: number } | 'stop';

parentPort?.on('message', async (msg: BystanderMessage) => {
  if (msg === 'ready') {
    // Without a warm-up the first pings would pay for the client's own start in the window, and
    // pings in a stall would open connections in it (warm-connections.ts says what that costs).
    await Promise.race([
      connections.fill(warmCount(periodMs), async (client) => {
        await call(client);
      }),
      sleep(READY_MAX_MS),
    ]);
    // The schedule starts again now: the pings before the window only warmed up, and a backlog
    // of them (a thread slow to start on a busy machine, the connections' opening) must not
    // spill into the window as lateness that no server caused.
    clearTimeout(timer);
    startedAt = performance.now();
    next = 0;
    schedule();
    parentPort?.postMessage('ready:done');
    return;
  }
  if (typeof msg === 'object') {
    // The window opens now and lasts msg.open ms: exactly the pings due in it are counted.
    countFrom = performance.now();
    countUntil = countFrom + msg.open;
    result = emptyResult();
    return;
  }
  stopping = true;
  clearTimeout(timer);
  for (const t of refreshTimers) clearTimeout(t);
  // A ping already due in the window whose timer has not fired yet (a starved thread) still goes
  // out: the window counts every ping due in it. Not those due later: a run stopped early (an
  // abort, a failure) must not send the rest of its window's pings at once.
  const dueUntil = Math.min(countUntil, performance.now());
  while (startedAt + next * periodMs < dueUntil) fire();
  await Promise.all(inFlight);
  await connections.close();
  parentPort?.postMessage(result);
});

schedule();
