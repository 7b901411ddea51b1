/**
 * The bench options, their defaults, and the check that they make sense.
 */
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import type { BenchOptions } from '../report/types.ts';

export const DEFAULT_OPTIONS: BenchOptions = {
  durationSec: 3,
  warmupSec: 1,
  connections: 10,
  runs: 3,
  pingRateHz: 50,
  timeoutSec: 10,
  timelineIntervalMs: 100,
  stallThresholdMs: 50,
};

/** `--quick`: one short run per variant, enough to see the shape, too little for statistics. */
export const QUICK_OPTIONS: Partial<BenchOptions> = { durationSec: 2, warmupSec: 0.5, runs: 1 };

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
  // Over twice the watchdog's 10 ms heartbeat, or a late timer would already count.
  stallThresholdMs: { min: 20, max: 60_000, flag: '--stall-threshold' },
};

/** @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION naming the flag and its valid range. */
export function validateOptions(options: BenchOptions): BenchOptions {
  for (const [key, bound] of Object.entries(BOUNDS) as [keyof BenchOptions, Bound][]) {
    const value = options[key];
    if (key === 'stallThresholdMs' && value == null) continue; // off
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
  return options;
}
