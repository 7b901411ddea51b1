/**
 * The upstream service a scenario can ask for (an HTTP API it calls), and the IPC protocol
 * between the harness and it.
 *
 * The harness starts the upstream as a process of its own, beside the scenario server and fresh
 * with it, and reads what it served over IPC, as it reads the server's probe: counted by the
 * upstream itself, so that the numbers do not depend on the code under test.
 */

export interface UpstreamConfig {
  /** Every answer waits this long on a timer: real waiting, costing the upstream no CPU. */
  latencyMs: number;
}

/** What the upstream served in one window (from `upstream:reset` to `upstream:read`). */
export interface UpstreamReading {
  pid: number;
  latencyMs: number;
  windowMs: number;
  /** Requests that arrived, answered or not: the calls the server made. */
  calls: number;
  /** TCP connections opened to it: with keep-alive, far fewer than calls. */
  connections: number;
  /** The most calls it was answering at one moment. */
  maxInFlight: number;
  /**
   * Its own time to answer, from a request's arrival to its answer's end: `latencyMs` plus
   * however late its timer fired and the write took. Null when it answered nothing.
   */
  answerP50Ms: number | null;
  answerP99Ms: number | null;
  answerMaxMs: number | null;
  /**
   * Its event loop's delay and utilisation: a busy upstream queues calls before it sees them. The
   * lag is corrected for coordinated omission as the probe's is; the raw p99 is beside it.
   */
  lagP99Ms: number;
  /** Optional: absent from readings written before the lag was corrected. */
  lagRawP99Ms?: number;
  elu: number;
  /** Its user and system CPU time. */
  cpuMs: number;
}

export type ToUpstream =
  /** Sent with the listening socket the harness bound: serve on it. */
  { type: 'upstream:listen' } | { type: 'upstream:reset' } | { type: 'upstream:read' };

export type FromUpstream =
  | { type: 'ready'; port: number; pid: number }
  | { type: 'failed'; code?: string; message: string }
  | { type: 'upstream:reset:done' }
  | { type: 'upstream:data'; data: UpstreamReading };

/** The resources the upstream knows, each at `/<resource>/<id>`. */
export const UPSTREAM_RESOURCES = ['users', 'orders', 'recommendations'] as const;
export type UpstreamResource = (typeof UPSTREAM_RESOURCES)[number];

/**
 * The upstream's answer to `/<resource>/<id>`: made-up but fixed data, so that every variant of
 * a scenario that calls it answers alike. Null for a path it does not know (a 404).
 */
export function upstreamAnswer(path: string): string | null {
  const m = /^\/(users|orders|recommendations)\/(\d{1,9})$/.exec(path);
  if (!m) return null;
  const id = Number(m[2]);
  switch (m[1] as UpstreamResource) {
    case 'users':
      return JSON.stringify({ id, name: `user-${id}`, since: 2010 + (id % 15) });
    case 'orders':
      return JSON.stringify({
        userId: id,
        orders: [1, 2, 3].map((n) => ({ id: `${id}-${n}`, cents: (id * 7919 * n) % 100_000 })),
      });
    case 'recommendations':
      return JSON.stringify({
        userId: id,
        skus: [1, 2, 3, 4].map((n) => `sku-${(id * 104_729 + n * 31) % 10_000}`),
      });
  }
}
