/**
 * The bystander's books, without a socket in sight: what became of each `/ping`. Pure. bench's
 * bystander (bystander-worker.ts) keeps one for a run's window; `looplab live`'s
 * (steady-load-worker.ts) one per variant for each frame.
 */
import type { BystanderResult } from '../../report/types.ts';

/** The pings settled in a span: the part of a run's BystanderResult that every bystander keeps. */
export type PingTally = Pick<BystanderResult, 'latenciesMs' | 'timeoutMs' | 'timeouts' | 'errors'>;

/** How one ping ended. */
export type PingOutcome = 'answered' | 'timeout' | 'error';

export const emptyPingTally = (timeoutMs: number): PingTally => ({
  latenciesMs: [],
  timeoutMs,
  timeouts: 0,
  errors: 0,
});

/**
 * What a ping's answer (its status) or its failure (the error thrown) counts as: an answer
 * outside 2xx is an error, unless `anyStatus` (a route the app does not have still answers from
 * its loop); undici's headers and body timeouts are timeouts; anything else is an error.
 */
export function pingOutcome(
  settled: { status: number } | { error: unknown },
  anyStatus = false,
): PingOutcome {
  if ('status' in settled)
    return anyStatus || (settled.status >= 200 && settled.status < 300) ? 'answered' : 'error';
  const code = (settled.error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.includes('TIMEOUT') ? 'timeout' : 'error';
}

/** Counts one ping that ended as `outcome`, `ms` after it was due. */
export function countPing(tally: PingTally, outcome: PingOutcome, ms: number): void {
  if (outcome === 'answered') tally.latenciesMs.push(ms);
  else if (outcome === 'timeout') tally.timeouts++;
  else tally.errors++;
}

/** `a` and `b` as one span (b follows a); neither is changed. */
export function addPingTally(a: PingTally, b: PingTally): PingTally {
  return {
    latenciesMs: a.latenciesMs.concat(b.latenciesMs),
    timeoutMs: b.timeoutMs,
    timeouts: a.timeouts + b.timeouts,
    errors: a.errors + b.errors,
  };
}
