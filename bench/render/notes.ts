/**
 * What bench prints under each scenario's table: the ceiling beside the measured sync throughput,
 * and the diagnosis of each variant. Pure.
 */
import { formatMs } from '../../core/numbers.ts';
import { stallLine } from '../report/stalls.ts';
import type { MicroResult, ResultEntry } from '../report/types.ts';
import { measuredMessages, roundingNote } from './metric-text.ts';
import { ceilingText } from './micro.ts';

/**
 * `sync measured 46.8 req/s, 94% of the 50 req/s ceiling (one call costs 20 ms: 1000 / 20 ms)`:
 * the scenario's sync variant held against its ceiling, or '' when either number is missing.
 */
export function ceilingNote(
  entries: readonly ResultEntry[],
  ceiling: MicroResult | undefined,
): string {
  const measured = entries.find((e) => e.variant === 'sync')?.summary.requestsPerSec.mean;
  if (!ceiling || measured === null || measured === undefined) return '';
  // A WebSocket room's requests are its messages, sent at the room's steady rate.
  const unit = measuredMessages(entries) ? 'msg/s' : 'req/s';
  return (
    `sync ${ceilingText(measured, ceiling.ceilingPerSec, unit)} ` +
    `(one call costs ${formatMs(ceiling.meanMs)}: 1000 / ${formatMs(ceiling.meanMs)})`
  );
}

/** One line per variant whose loop stalled: how often, how long, and the stack that held it most. */
export function stallNotes(entries: readonly ResultEntry[]): string[] {
  return entries.flatMap((e) =>
    e.stalls && e.stalls.count > 0 ? [`${e.variant}: ${stallLine(e.stalls)}`] : [],
  );
}

/** The ceiling, then one diagnosis line per variant, then what held each stalled loop. */
export function scenarioNotes(
  entries: readonly ResultEntry[],
  ceiling: MicroResult | undefined,
): string {
  const ceilingLine = ceilingNote(entries, ceiling);
  const lines = ceilingLine ? [`ceiling: ${ceilingLine}`] : [];
  const rounding = roundingNote(entries);
  if (rounding) lines.push(`latency: ${rounding}`);
  for (const e of entries)
    if (e.diagnosis) lines.push(`diagnosis: ${e.variant}: ${e.diagnosis.text}`);
  for (const line of stallNotes(entries)) lines.push(`held the loop: ${line}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
