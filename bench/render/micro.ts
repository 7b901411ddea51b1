/**
 * Words and tables for per-operation costs: pure, so the arithmetic of blocking is tested exactly.
 */
import { formatNumber, formatRate, plural } from '../../core/numbers.ts';
import type { MicroResult } from '../report/types.ts';
import { formatParams } from './metric-text.ts';

/** One block per scenario: the operation, its cost and the ceiling it puts on one loop. */
export function formatMicro(results: readonly MicroResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(
      `${r.scenario}  ${formatParams(r.params)}`.trimEnd(),
      `  operation  ${r.operation}`,
      `  mean       ${formatNumber(r.meanMs)} ms ±${formatNumber(r.rmePct)}%  (p99 ${formatNumber(r.p99Ms)} ms, ${plural(r.samples, 'call')})`,
      `  ceiling    ${formatRate(r.ceilingPerSec)} req/s on one event loop (1000 / ${formatNumber(r.meanMs)} ms)`,
      '',
    );
  }
  out.push(
    '± is the relative margin of error of the mean (95%). The ceiling leaves out the HTTP work ' +
      'around each request, so a server doing this operation on its loop stays below it.',
  );
  return `${out.join('\n')}\n`;
}

/**
 * Above this share of its ceiling, a server beat the cost its operation showed when timed alone:
 * by more than the edges of a window explain. Seen here when the machine's speed drifted, and for
 * a 16 MiB readFileSync, whose cost back to back (fresh memory, garbage collection) varied 6-13 ms.
 */
export const ABOVE_CEILING = 1.05;

/** `measured 46.8 req/s, 94% of the 50 req/s ceiling`: the arithmetic of blocking, in words. */
export function ceilingText(measuredPerSec: number, ceiling: number, unit = 'req/s'): string {
  const share = measuredPerSec / ceiling;
  const text = `measured ${formatRate(measuredPerSec)} ${unit}, ${Math.round(share * 100)}% of the ${formatRate(ceiling)} ${unit} ceiling`;
  return share > ABOVE_CEILING
    ? `${text} (above it: timed alone, the operation cost more than in the server; machine speed, caches and garbage collection differ between the two, so read both as approximate)`
    : text;
}
