/**
 * What bench prints under each scenario's table: the ceiling beside the measured sync throughput,
 * and the diagnosis of each variant. Pure.
 */

import type { ResultEntry } from '../report/build.ts';
import { formatMs } from '../report/verdict.ts';
import type { MicroResult } from '../run/micro.ts';
import { ceilingText } from './micro.ts';

/** The ceiling line for a scenario's sync variant, or '' when either number is missing. */
export function ceilingNote(
  entries: readonly ResultEntry[],
  ceiling: MicroResult | undefined,
): string {
  const measured = entries.find((e) => e.variant === 'sync')?.summary.requestsPerSec.mean;
  if (!ceiling || measured === null || measured === undefined) return '';
  return (
    `ceiling: sync ${ceilingText(measured, ceiling.ceilingPerSec)} ` +
    `(one call costs ${formatMs(ceiling.meanMs)}: 1000 / ${formatMs(ceiling.meanMs)})`
  );
}

/** The ceiling, then one diagnosis line per variant. */
export function scenarioNotes(
  entries: readonly ResultEntry[],
  ceiling: MicroResult | undefined,
): string {
  const lines = [ceilingNote(entries, ceiling)].filter(Boolean);
  for (const e of entries)
    if (e.diagnosis) lines.push(`diagnosis: ${e.variant}: ${e.diagnosis.text}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
