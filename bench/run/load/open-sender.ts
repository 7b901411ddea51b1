/**
 * `looplab live --rate`'s open-model sender for one target, on the steady load's thread
 * (steady-load-worker.ts): requests fall due at poisson arrivals at the rate set (sweep's default
 * arrivals, drawn as open-schedule.ts draws them), whatever the server does; each goes out the
 * moment it is due on a free connection, opened on demand up to the target's `connections` (the
 * cap), else waits in a FIFO for the first one freed, as sweep's generator (open-load-worker.ts)
 * sends. Unlike that generator it has no window: it runs until stopped, and its rate can be
 * changed while it runs (the next arrival is drawn from the new rate: poisson arrivals have no
 * memory, so nothing is owed from the old one).
 *
 * It counts nothing itself: it tells its owner when a request falls due, goes out and ends.
 */
import { performance } from 'node:perf_hooks';
import { Client, errors } from 'undici';
import { seededRandom } from './open-schedule.ts';
import type { TargetLoad } from './steady-load-messages.ts';

export type OpenOutcome = 'answered' | 'error' | 'timeout';

export interface OpenHooks {
  /** A request fell due. */
  due(): void;
  /** It went out `lagMs` after it was due; `queued`: it waited for a connection. */
  sent(lagMs: number, queued: boolean): void;
  /**
   * It ended: `fromDueMs` (corrected) and `fromSentMs` (uncorrected; null: never sent, it timed
   * out waiting for a connection, and was never in flight).
   */
  done(
    outcome: OpenOutcome,
    fromDueMs: number,
    fromSentMs: number | null,
    status: number | null,
  ): void;
}

export interface OpenSender {
  setRate(ratePerSec: number): void;
  /** No request falls due until resumed; the ones waiting for a connection are dropped. */
  pause(): void;
  resume(): void;
  /** Ends it: its connections destroyed, its requests in flight told to nobody. */
  stop(): void;
}

interface Due {
  dueMs: number;
  queued: boolean;
}

function isTimeout(err: unknown): boolean {
  return err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError;
}

/** Starts sending at `target.ratePerSec` now (unless `paused`). */
export function startOpenSender(
  target: TargetLoad & { ratePerSec: number },
  hooks: OpenHooks,
  { paused = false, seed = 1 }: { paused?: boolean; seed?: number } = {},
): OpenSender {
  const random = seededRandom(seed);
  let rate = target.ratePerSec;
  const gapMs = () => -Math.log(1 - random()) * (1000 / rate);
  const clients: Client[] = [];
  /** Free connections, the last freed on top: a few hot connections serve a low rate. */
  const idle: Client[] = [];
  let queue: Due[] = [];
  let nextRequest = 0;
  let nextDue = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let running = !paused;
  let stopped = false;

  const free = (): Client | null => {
    const client = idle.pop();
    if (client) return client;
    if (clients.length >= target.connections) return null;
    const created = new Client(target.origin, {
      pipelining: 1,
      headersTimeout: target.timeoutMs,
      bodyTimeout: target.timeoutMs,
    });
    clients.push(created);
    return created;
  };

  const send = (rec: Due, client: Client) => {
    const req = target.requests[nextRequest++ % target.requests.length];
    if (!req) return;
    const sentMs = performance.now();
    hooks.sent(sentMs - rec.dueMs, rec.queued);
    let status: number | null = null;
    const end = (outcome: OpenOutcome) => {
      if (stopped) return;
      const now = performance.now();
      idle.push(client);
      hooks.done(outcome, now - rec.dueMs, now - sentMs, status);
      pump();
    };
    client
      .request({
        path: req.path,
        method: req.method as 'GET',
        headers: req.headers,
        ...(req.body.byteLength > 0 && { body: Buffer.from(req.body) }),
      })
      .then(async (res) => {
        status = res.statusCode;
        await res.body.dump();
        end('answered');
      })
      .catch((err: unknown) => end(isTimeout(err) ? 'timeout' : 'error'));
  };

  /** The queued requests out on the connections free now, oldest first. */
  function pump(): void {
    while (queue.length > 0) {
      const rec = queue[0] as Due;
      // Waited a whole timeout for a connection: a timeout, never sent.
      if (performance.now() - rec.dueMs >= target.timeoutMs) {
        queue.shift();
        hooks.done('timeout', performance.now() - rec.dueMs, null, null);
        continue;
      }
      const client = free();
      if (!client) break;
      queue.shift();
      send(rec, client);
    }
  }

  function fire(): void {
    if (!running || stopped) return;
    const now = performance.now();
    while (nextDue <= now) {
      const rec: Due = { dueMs: nextDue, queued: false };
      nextDue += gapMs();
      hooks.due();
      // FIFO: while older requests wait, a new one waits behind them.
      const client = queue.length > 0 ? null : free();
      if (client) send(rec, client);
      else {
        rec.queued = true;
        queue.push(rec);
        pump();
      }
    }
    timer = setTimeout(fire, Math.max(0, nextDue - performance.now()));
  }

  const restart = (firstDue: number) => {
    clearTimeout(timer);
    nextDue = firstDue;
    running = true;
    fire();
  };
  if (running) restart(performance.now());

  return {
    setRate(ratePerSec) {
      rate = ratePerSec;
      if (running) restart(performance.now() + gapMs());
    },
    pause() {
      running = false;
      clearTimeout(timer);
      queue = [];
    },
    resume() {
      if (!stopped && !running) restart(performance.now());
    },
    stop() {
      stopped = true;
      running = false;
      clearTimeout(timer);
      queue = [];
      // Destroyed, not closed: a blocked server would hold a close until it answered.
      for (const client of clients) void client.destroy().catch(() => {});
    },
  };
}
