/**
 * What the steady load's two threads say to each other (steady-load.ts on the caller's,
 * steady-load-worker.ts on its own), and what a take returns.
 */
import type { OutgoingRequest } from '../../../scenarios/request.ts';
import type { PingTally } from './ping-tally.ts';

/** What the load saw of one target since it was last taken. */
export interface LoadTally {
  completed: number;
  /** Failed requests and answers with a status of 400 or more. */
  errors: number;
  /** Requests with no answer within the timeout. */
  timeouts: number;
  /** Each completed request's time from sent to its whole answer, in ms (µs precision). */
  latenciesMs: number[];
  /** How long the load ran in the span these counts cover. */
  spanMs: number;
  /**
   * The bystander's pings that ended in the span (answered, timed out or failed), each timed from
   * when it was due; null without a bystander.
   */
  ping: PingTally | null;
  /** Under an open-model load (`live --rate`): its own figures; absent under a closed loop. */
  open?: OpenLoadTally;
}

/**
 * What an open-model load (`live --rate`) adds to a take. Its `latenciesMs` (the tally's) are
 * then timed from when each request was due (corrected for coordinated omission); these, from
 * when it was sent.
 */
export interface OpenLoadTally {
  /** The rate asked for when the tally was taken, requests/s. */
  ratePerSec: number;
  /** Requests that fell due in the span: the arrivals the server was offered. */
  due: number;
  /** Each completed request's time from its send, in ms (uncorrected). */
  uncorrectedLatenciesMs: number[];
  /** Requests that found every connection busy at the cap and waited in the generator. */
  queued: number;
  /** Why the generator itself could not send on time over the span (open-tally.ts); null: it could. */
  generatorLimited: string | null;
}

/**
 * The bystander: `path` (default `/ping`) at `origin` (default the target's: a preloaded app's
 * bystander listens on a port of its own), `rateHz` times a second.
 */
export interface PingTarget {
  rateHz: number;
  path?: string;
  origin?: string;
}

export interface TargetLoad {
  /** The name the tallies are given under: a variant. */
  variant: string;
  origin: string;
  requests: readonly OutgoingRequest[];
  connections: number;
  /** A request (and a ping) with no answer for this long is a timeout. */
  timeoutMs: number;
  /**
   * The bystander: `path` (default `/ping`) called `rateHz` times a second, open-model, on
   * connections of its own opened before the load starts; absent, none.
   */
  ping?: PingTarget;
  /**
   * Start held (`live --alternate`: not this variant's turn): its connections and bystander are
   * opened and kept warm, but it sends no request and nothing is counted until it is resumed.
   */
  held?: boolean;
  /**
   * Open model (`live --rate`): requests fall due at poisson arrivals at this many a second,
   * whatever the server does, on up to `connections` connections (the cap). Absent: a closed
   * loop of `connections` clients.
   */
  ratePerSec?: number;
}

export type ToLoadWorker =
  | { type: 'load'; target: TargetLoad }
  | { type: 'unload'; variant: string }
  /** `hold`: the variant held in the same step as the take, so no count falls between. */
  | { type: 'take'; id: number; hold?: string }
  | { type: 'hold'; variant: string }
  | { type: 'resume'; variant: string }
  /** An open-model target's rate, changed without a pause. */
  | { type: 'rate'; variant: string; ratePerSec: number }
  | { type: 'stop' };

export type FromLoadWorker =
  | { type: 'tallies'; id: number; tallies: Record<string, LoadTally> }
  | { type: 'unloaded'; variant: string }
  /** Held, and its requests in flight all answered (or failed). */
  | { type: 'held'; variant: string };
