/**
 * The bystander's connections: a set opened before the window and used in turn, the one idle
 * longest first, so that a ping neither opens a connection in the window nor queues behind
 * another ping on our side.
 *
 * Not undici's Pool: it opens a connection when all of its open ones are busy, and hands each
 * request to its first free one, so the others idle until the keep-alive closes them (3 s with a
 * Node server's). How many it had open at the window depended on how many pings had piled up
 * before it: 44 to 57 after a warm-up on a quiet machine, 2 when the bystander's thread started
 * late on a busy one. Then each ping in a stall opened a connection, and a busy server accepts one
 * per turn of its loop (libuv ≥ 1.45, libuv/libuv#3696; strace shows one accept4 per
 * epoll_pwait), so they queued behind each other in its accept queue: on busy-wait sync
 * (10 connections, 20 ms each) a ping on a new connection waited until the load ended (1–2 s),
 * one on an open connection 0.3–0.4 s.
 */
import { Client } from 'undici';

/**
 * Each connection is used again within this long (count × period ≤ it), less than the keep-alive
 * of a Node server (5 s) less undici's margin (2 s): none sits idle long enough to be closed.
 */
export const REUSE_WITHIN_MS = 2000;
/** The most connections: beyond it, a ping waits for one on our side. */
export const MAX_CONNECTIONS = 128;

/** How many connections to open before the window for one ping every `periodMs`. */
export function warmCount(periodMs: number): number {
  return Math.max(1, Math.min(MAX_CONNECTIONS, Math.floor(REUSE_WITHIN_MS / periodMs)));
}

/**
 * When, after each ping, the idle connections get an uncounted call so that none idles longer
 * than REUSE_WITHIN_MS: at 0.2 pings a second a connection idled 5 s or more, undici closed it
 * (2 s before the server's 5 s keep-alive), and every ping in the window opened a new one. At
 * most half of REUSE_WITHIN_MS apart, since the ping takes one connection and the others wait
 * for the next call; the last a full spacing before the next ping, answered before it is due.
 */
export function refreshOffsetsMs(periodMs: number): number[] {
  const count = Math.ceil((2 * periodMs) / REUSE_WITHIN_MS) - 1;
  return Array.from({ length: Math.max(0, count) }, (_, i) => ((i + 1) * periodMs) / (count + 1));
}

export interface WarmConnections {
  /** Runs `fn` on the connection idle longest (a new one if none is idle), then frees it. */
  use<T>(fn: (client: Client) => Promise<T>): Promise<T>;
  /**
   * Opens connections until `count` are open, runs `warm` once on each new one, and waits until
   * every connection opened so far has connected, or failed to: those an early ping opened too.
   */
  fill(count: number, warm: (client: Client) => Promise<void>): Promise<void>;
  /** Runs `warm` once on each idle connection, keeping it open; failures are left to the next use. */
  refresh(warm: (client: Client) => Promise<void>): Promise<void>;
  /** How many connections were opened so far. */
  opened(): number;
  /** Closes each connection once its call in flight, if any, is answered. */
  close(): Promise<void>;
  /**
   * Closes every connection now, its call in flight failing: a blocked server would otherwise
   * hold `close` until it answered, or until the timeout.
   */
  destroy(): Promise<void>;
}

export function warmConnections(origin: string, max = MAX_CONNECTIONS): WarmConnections {
  const all: Client[] = [];
  /** Oldest-idle first: a freed connection goes to the back. */
  const idle: Client[] = [];
  const waiting: ((client: Client) => void)[] = [];
  /**
   * Settles when each connection first connects or fails to. A ping due before `fill` (the
   * schedule starts with the worker) opens one while `fill` warms another; `fill` returned before
   * it connected, and the server accepted it in the window (seen once in CI, at 0.2 pings a second).
   */
  const firstConnect: Promise<void>[] = [];
  const open = () => {
    const client = new Client(origin, { pipelining: 1 });
    firstConnect.push(
      new Promise<void>((resolve) => {
        client.once('connect', () => resolve());
        client.once('connectionError', () => resolve());
      }),
    );
    all.push(client);
    return client;
  };
  const take = (): Client | Promise<Client> =>
    idle.shift() ??
    (all.length < max ? open() : new Promise<Client>((resolve) => waiting.push(resolve)));
  const free = (client: Client) => {
    const next = waiting.shift();
    if (next) next(client);
    else idle.push(client);
  };
  const use = async <T>(fn: (client: Client) => Promise<T>): Promise<T> => {
    const client = await take();
    try {
      return await fn(client);
    } finally {
      free(client);
    }
  };
  /** Runs `warm` on each of `clients`, taken from the idle ones, then frees them. */
  const warmEach = (clients: Client[], warm: (client: Client) => Promise<void>) =>
    Promise.all(
      clients.map(async (client) => {
        try {
          await warm(client);
        } catch {
          // Not open now: it connects again when a ping needs it.
        } finally {
          free(client);
        }
      }),
    );
  return {
    use,
    async fill(count, warm) {
      const fresh: Client[] = [];
      while (all.length < Math.min(count, max)) fresh.push(open());
      await warmEach(fresh, warm);
      await Promise.all(firstConnect);
    },
    async refresh(warm) {
      await warmEach(idle.splice(0), warm);
    },
    opened: () => all.length,
    async close() {
      await Promise.all(all.map((client) => client.close()));
    },
    async destroy() {
      await Promise.all(all.map((client) => client.destroy().catch(() => {})));
    },
  };
}
