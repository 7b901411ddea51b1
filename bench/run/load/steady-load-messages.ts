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
}

export type ToLoadWorker =
  | { type: 'load'; target: TargetLoad }
  | { type: 'unload'; variant: string }
  /** `hold`: the variant held in the same step as the take, so no count falls between. */
  | { type: 'take'; id: number; hold?: string }
  | { type: 'hold'; variant: string }
  | { type: 'resume'; variant: string }
  | { type: 'stop' };

export type FromLoadWorker =
  | { type: 'tallies'; id: number; tallies: Record<string, LoadTally> }
  | { type: 'unloaded'; variant: string }
  /** Held, and its requests in flight all answered (or failed). */
  | { type: 'held'; variant: string };
