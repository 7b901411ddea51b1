/**
 * The loop's lag, kept twice: as sampled, and corrected for coordinated omission.
 *
 * A sampler that fires every 10 ms takes one sample per firing. While the loop is blocked it
 * cannot fire, so a 400 ms stall is one sample among the ~200 a 2 s period gives: the raw
 * percentiles barely move although the loop was unavailable a fifth of the time. jHiccup fixes
 * this with HdrHistogram's recordValueWithExpectedInterval: a sample late by L at interval I also
 * stands for the L - I, L - 2I, … (down to I) that the firings it missed would have seen. The
 * corrected histogram is that one; the raw one is kept beside it, and the max is the same in both.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

const US_PER_MS = 1000;

/**
 * The delays the firings missed during one late firing would have seen, largest first:
 * `lateMs - intervalMs`, `lateMs - 2 * intervalMs`, … while at least `intervalMs`
 * (HdrHistogram's recordValueWithExpectedInterval records these beside the value itself).
 *
 * @throws {RangeError} on an interval that is not positive (the loop would not end).
 */
export function missedDelaysMs(lateMs: number, intervalMs: number): number[] {
  if (!(intervalMs > 0)) throw new RangeError(`missedDelaysMs: interval ${intervalMs} not > 0`);
  const missed: number[] = [];
  for (let d = lateMs - intervalMs; d >= intervalMs; d -= intervalMs) missed.push(d);
  return missed;
}

export interface LagPercentiles {
  /** Corrected for coordinated omission: the headline. */
  p50Ms: number;
  p99Ms: number;
  /** One sample per firing, as monitorEventLoopDelay would give. */
  rawP50Ms: number;
  rawP99Ms: number;
  maxMs: number;
  /** Firings sampled (raw samples); 0 when none was, and then every figure above is 0. */
  samples: number;
}

export interface LagHistograms {
  /** Records one firing that came `lateMs` after it was due. */
  record(lateMs: number): void;
  reset(): void;
  read(): LagPercentiles;
}

/**
 * Two histograms in microseconds (they hold integers, and a delay is often under 1 ms), fed by a
 * sampler firing every `intervalMs`.
 */
export function createLagHistograms(intervalMs: number): LagHistograms {
  const raw: RecordableHistogram = createHistogram();
  const corrected: RecordableHistogram = createHistogram();
  // A histogram's lowest value is 1: a firing exactly on time is recorded as 1 µs.
  const us = (ms: number) => Math.max(1, Math.round(ms * US_PER_MS));
  const ms = (x: number) => x / US_PER_MS;
  return {
    record(lateMs: number): void {
      const late = us(lateMs);
      raw.record(late);
      corrected.record(late);
      for (const d of missedDelaysMs(lateMs, intervalMs)) corrected.record(us(d));
    },
    reset(): void {
      raw.reset();
      corrected.reset();
    },
    read(): LagPercentiles {
      const samples = raw.count;
      const at = (h: RecordableHistogram, p: number) => (samples > 0 ? ms(h.percentile(p)) : 0);
      return {
        p50Ms: at(corrected, 50),
        p99Ms: at(corrected, 99),
        rawP50Ms: at(raw, 50),
        rawP99Ms: at(raw, 99),
        maxMs: samples > 0 ? ms(raw.max) : 0,
        samples,
      };
    },
  };
}
