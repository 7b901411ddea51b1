/**
 * The steady load's thread (steady-load.ts starts it): closed-loop clients, each on one
 * connection of its own, sending again as soon as its answer is in, for as long as it is told.
 *
 * On a thread of its own so that the load never shares a loop with the page that shows it: a
 * page server on a loop busy sending requests would answer the page late.
 *
 * A target may have a bystander too: an open-model `/ping` schedule, as bench's (ping-schedule.ts),
 * on connections of its own opened before the load starts. Each take carries the pings that ended
 * since the last one, each timed from when it was due.
 *
 * A target with a rate (`live --rate`) is loaded open-model instead (open-sender.ts): requests
 * due at poisson arrivals, timed from when they were due, on up to `connections` connections.
 */
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { Client, errors } from 'undici';
import { percentile } from '../../stats/descriptive.ts';
import { type OpenHooks, type OpenSender, startOpenSender } from './open-sender.ts';
import { generatorLimited } from './open-tally.ts';
import { callPath, type PingSchedule, pingSchedule, sendPing, warmUp } from './ping-schedule.ts';
import { countPing, emptyPingTally } from './ping-tally.ts';
import type {
  FromLoadWorker,
  LoadTally,
  PingTarget,
  TargetLoad,
  ToLoadWorker,
} from './steady-load-messages.ts';
import { type WarmConnections, warmConnections } from './warm-connections.ts';

const port = parentPort;

interface Loaded {
  target: TargetLoad;
  tally: LoadTally;
  since: number;
  clients: Client[];
  /** The load (and the bystander) runs: takes count it. Not while the bystander warms up. */
  running: boolean;
  stopped: boolean;
  /**
   * Held (`live --alternate`, not its turn): no request goes out and nothing is counted; the
   * bystander's schedule runs on uncounted, so that its connections stay open for the next turn.
   */
  held: boolean;
  /** When the load last began counting (started or resumed): a ping due before is not its turn's. */
  countingFrom: number;
  /** Requests sent and not yet answered: a hold is done when none is left. */
  inFlight: number;
  /** The loops parked by a hold, woken by resume or unload. */
  parked: (() => void)[];
  /** Told once the hold has drained. */
  drained: (() => void)[];
  pings: { connections: WarmConnections; schedule: PingSchedule | null } | null;
  /** The open-model sender (`ratePerSec`); null under a closed loop. */
  sender: OpenSender | null;
  /** How late each request that found a connection free went out, since the last take (ms). */
  freeSendLagsMs: number[];
  /** This thread's utilisation when the generator's current verdict span began. */
  elu0: ReturnType<typeof performance.eventLoopUtilization>;
  /** When that span began: the generator is judged over a second at least, not one frame. */
  judgedFrom: number;
}

const emptyTally = (target: TargetLoad): LoadTally => ({
  completed: 0,
  errors: 0,
  timeouts: 0,
  latenciesMs: [],
  spanMs: 0,
  ping: target.ping ? emptyPingTally(target.timeoutMs) : null,
  ...(target.ratePerSec !== undefined && {
    open: {
      ratePerSec: target.ratePerSec,
      due: 0,
      uncorrectedLatenciesMs: [],
      queued: 0,
      generatorLimited: null,
    },
  }),
});

const loaded = new Map<string, Loaded>();
/** The bystanders still warming up: no lane's load starts before they are done. */
const warming = new Set<Promise<void>>();

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
    if (state.held) {
      await new Promise<void>((resolve) => state.parked.push(resolve));
      continue;
    }
    const req = target.requests[k++ % target.requests.length];
    if (!req) return;
    const sentAt = performance.now();
    state.inFlight++;
    try {
      const res = await client.request({
        path: req.path,
        method: req.method as 'GET',
        headers: req.headers,
        ...(req.body.byteLength > 0 && { body: Buffer.from(req.body) }),
      });
      await res.body.dump();
      if (state.stopped) return;
      // Answered after a hold: its turn's books are closed.
      if (state.held) continue;
      state.tally.completed++;
      state.tally.latenciesMs.push(performance.now() - sentAt);
      if (res.statusCode >= 400) state.tally.errors++;
    } catch (err) {
      if (state.stopped) return;
      if (!state.held) {
        if (isTimeout(err)) state.tally.timeouts++;
        else state.tally.errors++;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    } finally {
      state.inFlight--;
      if (state.held && state.inFlight === 0) tellDrained(state);
    }
  }
}

/** An open-model sender's requests, counted as the closed loop's are (not while held). */
function openHooks(state: Loaded): OpenHooks {
  const counting = () => !state.stopped && !state.held;
  return {
    due() {
      if (counting() && state.tally.open) state.tally.open.due++;
    },
    sent(lagMs, queued) {
      state.inFlight++;
      if (!counting() || !state.tally.open) return;
      if (queued) state.tally.open.queued++;
      else state.freeSendLagsMs.push(lagMs);
    },
    done(outcome, fromDueMs, fromSentMs, status) {
      if (fromSentMs !== null) state.inFlight--;
      if (counting()) {
        if (outcome === 'answered') {
          state.tally.completed++;
          state.tally.latenciesMs.push(fromDueMs);
          if (fromSentMs !== null) state.tally.open?.uncorrectedLatenciesMs.push(fromSentMs);
          if (status === null || status >= 400) state.tally.errors++;
        } else if (outcome === 'timeout') state.tally.timeouts++;
        else state.tally.errors++;
      }
      if (state.held && state.inFlight === 0) tellDrained(state);
    },
  };
}

function tellDrained(state: Loaded): void {
  for (const done of state.drained.splice(0)) done();
}

function load(target: TargetLoad): void {
  unload(target.variant);
  const state: Loaded = {
    target,
    tally: emptyTally(target),
    since: performance.now(),
    clients: [],
    running: false,
    stopped: false,
    held: target.held ?? false,
    countingFrom: performance.now(),
    inFlight: 0,
    parked: [],
    drained: [],
    pings: null,
    sender: null,
    freeSendLagsMs: [],
    elu0: performance.eventLoopUtilization(),
    judgedFrom: performance.now(),
  };
  loaded.set(target.variant, state);
  void start(state);
}

async function start(state: Loaded): Promise<void> {
  const { target } = state;
  // The bystander's connections open before the load: on a server the load has blocked, a ping
  // on a new connection would wait behind the others in its accept queue (warm-connections.ts).
  const warm = target.ping ? startPings(state, target.ping) : Promise.resolve();
  warming.add(warm);
  await warm;
  // And before any lane's load: lanes loaded together may share one loop (`live --cmd` with two
  // paths), where the first lane's load would hold the loop the second's bystander is warming up
  // on (seen in CI: a second lane that had counted nothing four seconds in).
  await Promise.all(warming);
  warming.delete(warm);
  if (state.stopped) return;
  // Counting starts with the load, not with the warm-up.
  state.tally = emptyTally(target);
  state.since = performance.now();
  state.countingFrom = state.since;
  state.running = true;
  state.freeSendLagsMs = [];
  state.elu0 = performance.eventLoopUtilization();
  state.judgedFrom = performance.now();
  if (target.ratePerSec !== undefined) {
    state.sender = startOpenSender({ ...target, ratePerSec: target.ratePerSec }, openHooks(state), {
      paused: state.held,
    });
    return;
  }
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

async function startPings(state: Loaded, ping: PingTarget): Promise<void> {
  const periodMs = 1000 / ping.rateHz;
  const pingTarget = { path: ping.path ?? '/ping', timeoutMs: state.target.timeoutMs };
  const connections = warmConnections(ping.origin ?? state.target.origin);
  state.pings = { connections, schedule: null };
  await warmUp(connections, periodMs, pingTarget);
  if (state.stopped) return;
  const send = async (dueAt: number) => {
    const { outcome, ms } = await sendPing(connections, pingTarget, dueAt);
    // A ping ended by the unload is nobody's: the variant's books are closed. Otherwise it goes
    // to the span it ended in, so a frame holds the pings answered in it.
    // A held variant's pings only keep its connections open; a ping due before its turn began
    // belongs to no turn of it.
    if (state.stopped || state.held || dueAt < state.countingFrom || !state.tally.ping) return;
    countPing(state.tally.ping, outcome, ms);
  };
  state.pings.schedule = pingSchedule(
    periodMs,
    (dueAt) => void send(dueAt),
    () =>
      void connections.refresh(async (client) => {
        await callPath(client, pingTarget.path, pingTarget.timeoutMs);
      }),
  );
  state.pings.schedule.restart();
}

function unload(variant: string): void {
  const state = loaded.get(variant);
  if (!state) return;
  state.stopped = true;
  loaded.delete(variant);
  // Requests in flight end as errors nobody counts: the variant's books are closed.
  for (const client of state.clients) void client.destroy().catch(() => {});
  state.sender?.stop();
  state.pings?.schedule?.stop();
  // Destroyed, not closed: a blocked server would hold a close until it answered.
  void state.pings?.connections.destroy();
  for (const wake of state.parked.splice(0)) wake();
  tellDrained(state);
}

/** Stops `variant`'s load and its counting now; `done` once its requests in flight are over. */
function hold(variant: string, done: () => void, now = performance.now()): void {
  const state = loaded.get(variant);
  if (!state) {
    done();
    return;
  }
  if (!state.held) {
    state.held = true;
    // The span it ran since the last take, kept for the next take (which closes its books).
    if (state.running) state.tally.spanMs += now - state.since;
    state.sender?.pause();
  }
  if (state.inFlight === 0) done();
  else state.drained.push(done);
}

function resume(variant: string): void {
  const state = loaded.get(variant);
  if (!state?.held) return;
  state.held = false;
  state.since = performance.now();
  state.countingFrom = state.since;
  state.elu0 = performance.eventLoopUtilization();
  state.judgedFrom = state.since;
  state.freeSendLagsMs = [];
  state.sender?.resume();
  for (const wake of state.parked.splice(0)) wake();
}

function setRate(variant: string, ratePerSec: number): void {
  const state = loaded.get(variant);
  if (!state || state.target.ratePerSec === undefined) return;
  state.target = { ...state.target, ratePerSec };
  state.sender?.setRate(ratePerSec);
}

/**
 * How long the generator's thread is watched before it is judged: its utilisation over one
 * frame just after connections open (or a GC pause) says little; over a second it says whether
 * the thread keeps up.
 */
const JUDGED_OVER_MS = 1000;

/**
 * The open-model figures a take adds: the rate, and whether the generator kept up (null until a
 * second has been watched, then the verdict over it).
 */
function closeOpen(
  state: Loaded,
  open: NonNullable<LoadTally['open']>,
  now: number,
): LoadTally['open'] {
  const rate = state.target.ratePerSec ?? open.ratePerSec;
  if (now - state.judgedFrom < JUDGED_OVER_MS) return { ...open, ratePerSec: rate };
  const lags = state.freeSendLagsMs.sort((a, b) => a - b);
  const elu = performance.eventLoopUtilization(state.elu0).utilization;
  state.freeSendLagsMs = [];
  state.elu0 = performance.eventLoopUtilization();
  state.judgedFrom = now;
  return {
    ...open,
    ratePerSec: rate,
    generatorLimited: generatorLimited(rate, elu, lags.length > 0 ? percentile(lags, 99) : null),
  };
}

function take(id: number, holdNow?: string): void {
  const now = performance.now();
  const tallies: Record<string, LoadTally> = {};
  // Held at the same instant as the take: its books close with it, nothing counted in between.
  // (Its drain is awaited with a hold message of its own.)
  if (holdNow !== undefined) hold(holdNow, () => {}, now);
  for (const [variant, state] of loaded) {
    // Still warming up its bystander: nothing was measured yet, so no tally (not a zero one).
    if (!state.running) continue;
    // The span it ran: before a hold (kept in the tally), and since the last take if not held.
    const spanMs = state.tally.spanMs + (state.held ? 0 : now - state.since);
    // Held since the last take: no load ran, so no tally (its figures are null, not 0).
    if (state.held && spanMs <= 0) continue;
    const open = state.tally.open && closeOpen(state, state.tally.open, now);
    tallies[variant] = { ...state.tally, spanMs, ...(open && { open }) };
    state.tally = emptyTally(state.target);
    state.since = now;
  }
  port?.postMessage({ type: 'tallies', id, tallies } satisfies FromLoadWorker);
}

port?.on('message', (msg: ToLoadWorker) => {
  if (msg.type === 'load') load(msg.target);
  else if (msg.type === 'unload') {
    unload(msg.variant);
    port?.postMessage({ type: 'unloaded', variant: msg.variant } satisfies FromLoadWorker);
  } else if (msg.type === 'take') take(msg.id, msg.hold);
  else if (msg.type === 'hold')
    hold(msg.variant, () =>
      port?.postMessage({ type: 'held', variant: msg.variant } satisfies FromLoadWorker),
    );
  else if (msg.type === 'resume') resume(msg.variant);
  else if (msg.type === 'rate') setRate(msg.variant, msg.ratePerSec);
  else if (msg.type === 'stop') {
    for (const variant of [...loaded.keys()]) unload(variant);
    port?.close();
  }
});
