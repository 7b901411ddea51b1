/**
 * The bystander: an innocent client that calls a cheap route (`/ping`) at a steady rate while the heavy route
 * is loaded, and records what each call cost it.
 *
 * It runs on a worker thread so that autocannon, busy on the harness's main thread, cannot
 * delay its timers. Latency is measured from the moment each ping was *due*, not from when it
 * went out: if the ping had to wait, that wait is part of what the bystander suffered
 * (the coordinated-omission correction).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';
import type { BystanderResult } from '../report/types.ts';

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
// Enough connections that a ping never queues behind another one on our side: a bystander is
// an independent user, and only the server may make it wait.
const pool = new Pool(origin, { connections: 128, pipelining: 1 });
let result: BystanderResult = { latenciesMs: [], timeoutMs, sent: 0, errors: 0, timeouts: 0 };
const inFlight = new Set<Promise<void>>();
const startedAt = performance.now();
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
let markFirstAnswer: () => void = () => {};
/** Resolves when the first ping has been answered: the client and a connection are warm. */
const firstAnswer = new Promise<void>((resolve) => {
  markFirstAnswer = resolve;
});

async function ping(dueAt: number): Promise<void> {
  // Everything about one ping goes to the tally that counted it as sent, so sent always equals
  // answered + errors + timeouts, even when a window opens while the ping is in flight.
  const tally = dueAt >= countFrom && dueAt < countUntil ? result : undefined;
  if (tally) tally.sent++;
  try {
    const res = await pool.request({
      path,
      method: 'GET',
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    await res.body.dump();
    markFirstAnswer();
    if (anyStatus || (res.statusCode >= 200 && res.statusCode < 300))
      tally?.latenciesMs.push(performance.now() - dueAt);
    else if (tally) tally.errors++;
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (!tally) return;
    if (code.includes('TIMEOUT')) tally.timeouts++;
    else tally.errors++;
  }
}

/** Sends ping number `next` (due now or earlier), and counts on. */
function fire(): void {
  const p = ping(startedAt + next * periodMs).finally(() => inFlight.delete(p));
  inFlight.add(p);
  next++;
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
    // Without a warm-up the first pings would pay for the client's own start in the window.
    await Promise.race([firstAnswer, sleep(2000)]);
    parentPort?.postMessage('ready:done');
    return;
  }
  if (typeof msg === 'object') {
    // The window opens now and lasts msg.open ms: exactly the pings due in it are counted.
    countFrom = performance.now();
    countUntil = countFrom + msg.open;
    result = { latenciesMs: [], timeoutMs, sent: 0, errors: 0, timeouts: 0 };
    return;
  }
  stopping = true;
  clearTimeout(timer);
  // A ping already due in the window whose timer has not fired yet (a starved thread) still goes
  // out: the window counts every ping due in it. Not those due later: a run stopped early (an
  // abort, a failure) must not send the rest of its window's pings at once.
  const dueUntil = Math.min(countUntil, performance.now());
  while (startedAt + next * periodMs < dueUntil) fire();
  await Promise.all(inFlight);
  await pool.close();
  parentPort?.postMessage(result);
});

schedule();
