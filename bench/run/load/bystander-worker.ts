/**
 * The bystander: an innocent client that calls a cheap route (`/ping`) at a steady rate while the heavy route
 * is loaded, and records what each call cost it.
 *
 * It runs on a worker thread so that autocannon, busy on the harness's main thread, cannot
 * delay its timers (a busy machine still can: how late each ping went out is kept beside its
 * latency, `sendDelaysMs`). The schedule, the sending and the books are shared with `looplab
 * live`'s bystander (ping-schedule.ts, ping-tally.ts); what is this file's own is the window.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { BystanderResult } from '../../report/types.ts';
import { callPath, type PingTarget, pingSchedule, sendPing, warmUp } from './ping-schedule.ts';
import { countPing } from './ping-tally.ts';
import { warmConnections } from './warm-connections.ts';

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
const target: PingTarget = { path, timeoutMs, anyStatus };
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
/** The pings of the current window still out: a read waits for these, not for later ones. */
const windowInFlight = new Set<Promise<void>>();
/**
 * The counted window: pings due in [countFrom, countUntil). Before it, they warmed the client and
 * its connections; after it, the load is waiting for its last answers and the window is over.
 */
let countFrom = Number.POSITIVE_INFINITY;
let countUntil = Number.POSITIVE_INFINITY;

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
  const { outcome, ms } = await sendPing(connections, target, dueAt);
  if (tally) countPing(tally, outcome, ms);
}

const schedule = pingSchedule(
  periodMs,
  (dueAt) => {
    const counted = dueAt >= countFrom && dueAt < countUntil;
    const p = ping(dueAt).finally(() => {
      inFlight.delete(p);
      windowInFlight.delete(p);
    });
    inFlight.add(p);
    if (counted) windowInFlight.add(p);
  },
  () => void connections.refresh(async (client) => void (await callPath(client, path, timeoutMs))),
);

export type BystanderMessage = 'ready' | { open: number } | 'read' | 'stop';

parentPort?.on('message', async (msg: BystanderMessage) => {
  if (msg === 'ready') {
    await warmUp(connections, periodMs, target);
    // The schedule starts again now: the pings before the window only warmed up, and a backlog
    // of them (a thread slow to start on a busy machine, the connections' opening) must not
    // spill into the window as lateness that no server caused.
    schedule.restart();
    parentPort?.postMessage('ready:done');
    return;
  }
  if (typeof msg === 'object') {
    // The window opens now and lasts msg.open ms: exactly the pings due in it are counted.
    countFrom = performance.now();
    countUntil = countFrom + msg.open;
    result = emptyResult();
    windowInFlight.clear();
    return;
  }
  if (msg === 'read') {
    // A sweep's window after window on one server: the window's pings, once each has its answer
    // (or its timeout), while the schedule goes on for the next window.
    await Promise.all(windowInFlight);
    parentPort?.postMessage(result);
    return;
  }
  // A ping already due in the window whose timer has not fired yet (a starved thread) still goes
  // out: the window counts every ping due in it. Not those due later: a run stopped early (an
  // abort, a failure) must not send the rest of its window's pings at once.
  schedule.stop(Math.min(countUntil, performance.now()));
  await Promise.all(inFlight);
  await connections.close();
  parentPort?.postMessage(result);
});

schedule.restart();
