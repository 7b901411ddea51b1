/**
 * What held the learner's loop, from their own runs: the stack the stall watchdog caught most
 * often while each variant's loop stalled, for the end of a lesson's explanation.
 */
import { blockerText } from '../../bench/report/stalls.ts';
import type { Report } from '../../bench/report/types.ts';
import { formatMs, formatPercent, plural } from '../../core/numbers.ts';
import type { StallStack } from '../../scenarios/probe/protocol.ts';
import type { Lesson } from './types.ts';

export interface HeldByNote {
  measurement: string;
  label: string;
  variant: string;
  thresholdMs: number;
  stalls: number;
  stalledMs: number;
  /** The stack that held the loop longest; null when no stall was sampled. */
  top: StallStack | null;
}

/** One note per variant of each measurement whose runs recorded stalls (capture was on). */
export function heldByNotes(
  lesson: Lesson,
  reports: Readonly<Record<string, Report>>,
): HeldByNote[] {
  return lesson.measurements.flatMap((m) =>
    (reports[m.key]?.results ?? []).flatMap((r) =>
      r.stalls
        ? [
            {
              measurement: m.key,
              label: m.label,
              variant: r.variant,
              thresholdMs: r.stalls.thresholdMs,
              stalls: r.stalls.count,
              stalledMs: r.stalls.totalMs,
              top: r.stalls.stacks[0] ?? null,
            },
          ]
        : [],
    ),
  );
}

const seconds = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : formatMs(ms));

function sentence(n: HeldByNote): string {
  if (n.stalls === 0)
    return `\`${n.variant}\`'s loop never stalled longer than ${n.thresholdMs} ms.`;
  const how = `\`${n.variant}\`'s loop stalled ${plural(n.stalls, 'time')} over ${n.thresholdMs} ms, ${seconds(n.stalledMs)} in all`;
  if (!n.top) return `${how}; each stall ended before it could be sampled.`;
  return `${how}; ${formatPercent(n.top.share)} of that time it was in ${blockerText(n.top.frames)}.`;
}

/** The paragraph the explanation ends with; empty when no stalls were captured. */
export function formatHeldByNotes(notes: readonly HeldByNote[]): string {
  if (notes.length === 0) return '';
  const labels = new Set(notes.map((n) => n.measurement)).size > 1;
  const lines = notes.map((n) => `- ${labels ? `${n.label}: ` : ''}${sentence(n)}`);
  const native = notes.find((n) => n.top?.frames[0]?.internal && n.top.frames.length > 1);
  const nativeNote = native?.top
    ? `\n\n\`${native.top.frames[0]?.function}\` is Node's own code: a call into C++ cannot be paused halfway, so the watchdog catches the JavaScript that made the call, as soon as it returns.`
    : '';
  return `\n\n**What held your loop.** While the load ran, a watchdog inside your server caught the stack whenever the loop stalled:\n\n${lines.join('\n')}${nativeNote}\n`;
}
