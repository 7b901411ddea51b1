/**
 * The arithmetic of blocking, in the learner's numbers: what one `sync` operation cost when
 * timed alone (bench/micro.ts), the ceiling that puts on one event loop, and how close the
 * server came to it under load.
 */
import { ABOVE_CEILING } from '../../bench/render/micro.ts';
import type { MicroResult, Report } from '../../bench/report/types.ts';
import { formatNumber } from '../../core/numbers.ts';
import type { Lesson } from './types.ts';

export interface CeilingNote {
  measurement: string;
  label: string;
  /** What `sync` does per request, timed alone. */
  operation: string;
  meanMs: number;
  rmePct: number;
  ceilingPerSec: number;
  /** sync's mean requests/s under load; null when it was not measured. */
  syncPerSec: number | null;
  /** syncPerSec / ceilingPerSec; null when either is missing. */
  shareOfCeiling: number | null;
  /**
   * The load came at a steady rate whatever the server did (a WebSocket room), so the rate
   * measured is the load's, not the server's most.
   */
  openLoop?: boolean;
}

/** Below this share, something other than the operation set the pace. */
const FAR_BELOW = 0.5;

/** One note per measurement whose report carries a ceiling and measured sync. */
export function ceilingNotes(
  lesson: Lesson,
  reports: Readonly<Record<string, Report>>,
): CeilingNote[] {
  return lesson.measurements.flatMap((m) => {
    const report = reports[m.key];
    const ceiling: MicroResult | undefined = report?.ceilings?.[0];
    if (!report || !ceiling) return [];
    const sync =
      report.results.find((r) => r.variant === 'sync')?.summary.requestsPerSec.mean ?? null;
    return [
      {
        measurement: m.key,
        label: m.label,
        operation: ceiling.operation,
        meanMs: ceiling.meanMs,
        rmePct: ceiling.rmePct,
        ceilingPerSec: ceiling.ceilingPerSec,
        syncPerSec: sync,
        shareOfCeiling: sync === null ? null : sync / ceiling.ceilingPerSec,
        ...(lesson.scenario.protocol === 'websocket' && { openLoop: true }),
      },
    ];
  });
}

/** A room's messages come at their own pace: the ceiling says how much of the loop they took. */
function openLoopSentence(n: CeilingNote): string {
  const cost =
    `one call of what \`sync\` does per message (${n.operation}) took ${formatNumber(n.meanMs)} ms ` +
    `on average over the messages the clients send, timed alone (±${formatNumber(n.rmePct)}%), so ` +
    `one event loop doing it can handle at most 1000 / ${formatNumber(n.meanMs)} = ` +
    `${formatNumber(n.ceilingPerSec)} messages a second.`;
  if (n.syncPerSec === null || n.shareOfCeiling === null)
    return `${cost} \`sync\` was not measured, so there is nothing to hold against it.`;
  const answered = ` \`sync\` answered ${formatNumber(n.syncPerSec)} messages a second, ${Math.round(n.shareOfCeiling * 100)}% of that ceiling`;
  if (n.shareOfCeiling >= FAR_BELOW)
    return `${cost}${answered}: the room's rate, not one slow message, is what strains its loop.`;
  return (
    `${cost}${answered}: on average its loop had time to spare. What hurt is when it spent it: ` +
    'an average hides one message that holds the loop for tens of milliseconds at once, while ' +
    'everyone else waits.'
  );
}

function sentence(n: CeilingNote): string {
  if (n.openLoop) return openLoopSentence(n);
  const cost =
    `one call of what \`sync\` does per request (${n.operation}) took ${formatNumber(n.meanMs)} ms ` +
    `when timed alone (±${formatNumber(n.rmePct)}%), so one event loop doing it can finish at most ` +
    `1000 / ${formatNumber(n.meanMs)} = ${formatNumber(n.ceilingPerSec)} requests a second.`;
  if (n.syncPerSec === null || n.shareOfCeiling === null)
    return `${cost} \`sync\` was not measured, so there is nothing to hold against it.`;
  const served = ` Under load \`sync\` served ${formatNumber(n.syncPerSec)}: ${Math.round(n.shareOfCeiling * 100)}% of that ceiling.`;
  if (n.shareOfCeiling < FAR_BELOW)
    return `${cost}${served} Far below it: here the rest of each request (parsing HTTP, writing the response, sharing the cores with the load generator) costs more than the operation itself, so the ceiling is not what sets the pace.`;
  if (n.shareOfCeiling > ABOVE_CEILING)
    return `${cost}${served} Above it: the operation cost more when timed alone than it did in the server. That happens when the machine's speed changes between the two, and with memory-heavy work, whose cost depends on what the allocator and the garbage collector are doing at the time; read both as approximate.`;
  return `${cost}${served} The blocked loop, not the machine, set the pace.`;
}

/** The paragraph the explanation ends with; empty when no ceiling was measured. */
export function formatCeilingNotes(notes: readonly CeilingNote[]): string {
  if (notes.length === 0) return '';
  const one = notes.length === 1;
  const lines = notes.map((n) => (one ? sentence(n) : `- ${n.label}: ${sentence(n)}`));
  const lead = one
    ? `**The arithmetic of blocking.** On your machine, `
    : `**The arithmetic of blocking.**\n\n`;
  return `\n\n${lead}${lines.join('\n')}\n`;
}
