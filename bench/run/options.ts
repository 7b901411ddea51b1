/**
 * The bench options, their defaults, and the check that they make sense.
 */
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import type { BenchOptions } from '../report/types.ts';

/**
 * The stall threshold when stall capture is asked for: 50 ms is the W3C's long task (a task over
 * 50 ms delays a response past the 100 ms a person perceives as instant) and half of Clinic.js
 * Doctor's 100 ms stall, so a stall the diagnosis calls out always gets sampled.
 */
export const STALL_THRESHOLD_MS = 50;

/**
 * Stall capture is off by default (docs/stalls.md, "What it costs"): its worker thread adds about
 * 10 MiB to the server's peak RSS, and its cost to a trivial handler's requests/s could not be
 * shown to be under 2% on a shared 2-core machine. --stalls turns it on; lessons and verify do.
 */
export const DEFAULT_OPTIONS: BenchOptions = {
  durationSec: 3,
  warmupSec: 1,
  connections: 10,
  runs: 3,
  pingRateHz: 50,
  timeoutSec: 10,
  timelineIntervalMs: 100,
  stallThresholdMs: null,
};

/** `--quick`: one short run per variant, enough to see the shape, too little for statistics. */
export const QUICK_OPTIONS: Partial<BenchOptions> = { durationSec: 2, warmupSec: 0.5, runs: 1 };

/** How `micro` and the ceilings time one operation with tinybench. */
export interface MicroOptions {
  /** Time budget in ms; tinybench runs at least `minSamples` calls, even past it. */
  timeMs: number;
  minSamples: number;
  signal?: AbortSignal;
}

export const DEFAULT_MICRO: MicroOptions = { timeMs: 1000, minSamples: 10 };

interface Bound {
  min: number;
  max: number;
  integer?: boolean;
  flag: string;
}

const BOUNDS: Record<keyof BenchOptions, Bound> = {
  durationSec: { min: 0.1, max: 3600, flag: '--duration' },
  warmupSec: { min: 0, max: 600, flag: '--warmup' },
  connections: { min: 1, max: 10_000, integer: true, flag: '--connections' },
  runs: { min: 1, max: 1000, integer: true, flag: '--runs' },
  pingRateHz: { min: 0.1, max: 1000, flag: '--ping-rate' },
  // autocannon refuses a timeout under one second.
  timeoutSec: { min: 1, max: 600, flag: '--timeout' },
  timelineIntervalMs: { min: 10, max: 60_000, integer: true, flag: '--timeline-interval' },
  workers: { min: 1, max: 64, integer: true, flag: '--workers' },
  // Over twice the watchdog's 10 ms heartbeat, or a late timer would already count.
  stallThresholdMs: { min: 20, max: 60_000, flag: '--stall-threshold' },
};

/** Options that may be left out. */
const OPTIONAL: ReadonlySet<keyof BenchOptions> = new Set(['workers', 'stallThresholdMs']);

/** @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION naming the flag and its valid range. */
export function validateOptions(options: BenchOptions): BenchOptions {
  for (const [key, bound] of Object.entries(BOUNDS) as [keyof BenchOptions, Bound][]) {
    const value = options[key];
    // Left out, or null for the stall threshold: that option is off.
    if (value == null && OPTIONAL.has(key)) continue;
    const kind = bound.integer ? 'a whole number' : 'a number';
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      (bound.integer && !Number.isInteger(value)) ||
      value < bound.min ||
      value > bound.max
    ) {
      throw new LooplabError(
        ERROR_CODES.BAD_OPTION,
        `${bound.flag} must be ${kind} from ${bound.min} to ${bound.max}, got ${String(value)}`,
      );
    }
  }
  const { workers, connections } = options;
  // autocannon gives each worker floor(connections / workers), at least 1: any other split would
  // run a number of connections the report does not say.
  if (workers != null && connections % workers !== 0) {
    const each = Math.max(1, Math.floor(connections / workers));
    const lower = workers * Math.floor(connections / workers);
    const upper = workers * Math.ceil(connections / workers);
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `--workers ${workers} must divide --connections ${connections}: each worker runs the same ` +
        `number of connections (${each} here, ${workers * each} in all); use --connections ` +
        (lower > 0 ? `${lower} or ${upper}` : String(upper)),
    );
  }
  return options;
}
