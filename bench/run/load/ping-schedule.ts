/**
 * The bystander's sending side, shared by bench's (bystander-worker.ts) and `looplab live`'s
 * (steady-load-worker.ts): an open-model schedule, one ping due every period on a fixed grid
 * whether or not the earlier ones were answered, each sent on a connection opened before it was
 * due, and each timed from when it was *due*, not from when it went out: if it had to wait, that
 * wait is part of what the bystander suffered (the coordinated-omission correction).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'undici';
import { type PingOutcome, pingOutcome } from './ping-tally.ts';
import { refreshOffsetsMs, type WarmConnections, warmCount } from './warm-connections.ts';

/** One call of `path`, its body read: the connection is free again after it. Resolves its status. */
export async function callPath(client: Client, path: string, timeoutMs: number): Promise<number> {
  const res = await client.request({
    path,
    method: 'GET',
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  await res.body.dump();
  return res.statusCode;
}

export interface PingTarget {
  path: string;
  timeoutMs: number;
  /** Count any HTTP answer, not only a 2xx (pingOutcome says why). */
  anyStatus?: boolean;
}

/**
 * Sends one ping due at `dueAt` on the connection idle longest; never throws. Timed from when it
 * was due, or from when it went out if that was earlier: a timer may fire up to a millisecond
 * early, and a fast answer to a ping sent early would otherwise read a negative time.
 */
export async function sendPing(
  connections: WarmConnections,
  target: PingTarget,
  dueAt: number,
): Promise<{ outcome: PingOutcome; ms: number }> {
  const from = Math.min(dueAt, performance.now());
  try {
    const status = await connections.use((client) =>
      callPath(client, target.path, target.timeoutMs),
    );
    return { outcome: pingOutcome({ status }, target.anyStatus), ms: performance.now() - from };
  } catch (error) {
    return { outcome: pingOutcome({ error }), ms: performance.now() - from };
  }
}

/** How long a warm-up waits for its connections to open: past it, the pings start anyway. */
export const WARM_MAX_MS = 5000;

/**
 * Opens the connections one ping every `periodMs` needs and calls `target.path` once on each, or
 * gives up after WARM_MAX_MS. Without it the first pings would pay for the client's own start,
 * and pings in a stall would open connections in it (warm-connections.ts says what that costs).
 */
export async function warmUp(
  connections: WarmConnections,
  periodMs: number,
  target: PingTarget,
): Promise<void> {
  const giveUp = new AbortController();
  await Promise.race([
    connections.fill(warmCount(periodMs), async (client) => {
      await callPath(client, target.path, target.timeoutMs);
    }),
    // Not ref'd: connections destroyed while they open (the load stopped) may never settle the
    // fill, and this wait must not then hold the thread open for the rest of its 5 s.
    sleep(WARM_MAX_MS, undefined, { signal: giveUp.signal, ref: false }).catch(() => {}),
  ]);
  giveUp.abort();
}

export interface PingSchedule {
  /** Starts the grid again now: ping 0 is due now, and no earlier one is owed. */
  restart(): void;
  /**
   * Stops. First sends every ping due before `flushUntil` whose timer has not fired yet (a starved
   * thread): a window counts every ping due in it. None due later.
   */
  stop(flushUntil?: number): void;
}

/**
 * Calls `fire(dueAt)` for ping n at `start + n × periodMs`, as soon as its timer runs. Below 0.5
 * pings a second, `refresh` is called between pings (refreshOffsetsMs: uncounted calls that keep
 * idle connections open), timed from each ping's due time so that none lands on a ping's.
 */
export function pingSchedule(
  periodMs: number,
  fire: (dueAt: number) => void,
  refresh?: () => void,
): PingSchedule {
  let startedAt = performance.now();
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const refreshAfterMs = refresh ? refreshOffsetsMs(periodMs) : [];
  const refreshTimers = new Set<NodeJS.Timeout>();

  const fireNext = () => {
    const dueAt = startedAt + next * periodMs;
    next++;
    fire(dueAt);
    if (stopped) return;
    for (const afterMs of refreshAfterMs) {
      const t = setTimeout(
        () => {
          refreshTimers.delete(t);
          if (!stopped) refresh?.();
        },
        Math.max(0, dueAt + afterMs - performance.now()),
      );
      refreshTimers.add(t);
    }
  };
  const arm = () => {
    timer = setTimeout(
      () => {
        if (stopped) return;
        fireNext();
        arm();
      },
      Math.max(0, startedAt + next * periodMs - performance.now()),
    );
  };
  return {
    restart() {
      clearTimeout(timer);
      startedAt = performance.now();
      next = 0;
      if (!stopped) arm();
    },
    stop(flushUntil = Number.NEGATIVE_INFINITY) {
      stopped = true;
      clearTimeout(timer);
      for (const t of refreshTimers) clearTimeout(t);
      refreshTimers.clear();
      while (startedAt + next * periodMs < flushUntil) fireNext();
    },
  };
}
