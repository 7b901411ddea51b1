/**
 * What the open-model generator's two threads say to each other (open-load.ts on the caller's,
 * open-load-worker.ts on its own), and the window a run returns.
 */
import type { OutgoingRequest } from '../../../scenarios/request.ts';
import type { LoadResult } from '../../report/types.ts';
import type { Arrivals } from '../../sweep/types.ts';
import type { OpenRecord, OpenStep } from './open-tally.ts';

export interface OpenWindow {
  /** For the run layer's checks and records: latency fields hold the CORRECTED figures. */
  load: LoadResult;
  /** The step's load figures; the run adds elu, lagP99Ms, pingP99Ms, limitedBy, limitedWhy. */
  step: OpenStep;
  /** Why the generator itself could not hold the rate (its CPU, its send lag); null: it could. */
  generatorLimited: string | null;
  /** At some due time every connection (up to maxConnections) was busy: requests queued in the generator. */
  connectionsExhausted: boolean;
  /**
   * Every request due in the window, as the worker kept it (open-tally.ts): only when the run asked
   * for them (`records: true`), for a test that reads the whole distribution.
   */
  records?: OpenRecord[];
}

/** The worker's configuration, for its whole life. */
export interface OpenWorkerData {
  origin: string;
  requests: readonly OutgoingRequest[];
  maxConnections: number;
  timeoutMs: number;
}

export type ToOpenWorker =
  | {
      type: 'run';
      id: number;
      ratePerSec: number;
      durationMs: number;
      arrivals: Arrivals;
      seed: number;
      settle: boolean;
      records: boolean;
    }
  /** Ends run `id`'s window now, with what it has. */
  | { type: 'abort'; id: number }
  | { type: 'stop' };

export type FromOpenWorker =
  /** Run `id`'s first request is due now. */
  { type: 'started'; id: number } | { type: 'window'; id: number; window: OpenWindow };
