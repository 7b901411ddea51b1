/**
 * What held the learner's loop, from their own runs: the stack the stall watchdog caught most
 * often while each variant's loop stalled, for the end of a lesson's explanation.
 */
import { heldByText } from '../../bench/report/stalls.ts';
import type { Report, StallSummary } from '../../bench/report/types.ts';
import { mdCode, mdText } from '../../core/markdown-text.ts';
import { formatMs, plural } from '../../core/numbers.ts';
import type { Lesson } from './types.ts';

export interface HeldByNote {
  measurement: string;
  label: string;
  variant: string;
  stalls: StallSummary;
}

/** One note per variant of each measurement whose runs recorded stalls (capture was on). */
export function heldByNotes(
  lesson: Lesson,
  reports: Readonly<Record<string, Report>>,
): HeldByNote[] {
  return lesson.measurements.flatMap((m) =>
    (reports[m.key]?.results ?? []).flatMap((r) =>
      r.stalls
        ? [{ measurement: m.key, label: m.label, variant: r.variant, stalls: r.stalls }]
        : [],
    ),
  );
}

const seconds = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : formatMs(ms));

function sentence({ variant, stalls: s }: HeldByNote): string {
  if (s.count === 0)
    return `${mdCode(variant)}'s loop never stalled longer than ${s.thresholdMs} ms.`;
  const how = `${mdCode(variant)}'s loop stalled ${plural(s.count, 'time')} over ${s.thresholdMs} ms, ${seconds(s.totalMs)} in all`;
  const why = heldByText(s);
  return why ? `${how}: ${mdText(why)}.` : `${how}; each stall ended before it could be sampled.`;
}

/** The paragraph the explanation ends with; empty when no stalls were captured. */
export function formatHeldByNotes(notes: readonly HeldByNote[]): string {
  if (notes.length === 0) return '';
  const labels = new Set(notes.map((n) => n.measurement)).size > 1;
  const lines = notes.map((n) => `- ${labels ? `${mdText(n.label)}: ` : ''}${sentence(n)}`);
  const native = notes
    .map((n) => n.stalls.stacks[0]?.frames)
    .find((f) => f?.[0]?.internal && f.length > 1);
  const nativeNote = native
    ? `\n\n${mdCode(native[0]?.function ?? '')} is Node's own code: a call into C++ cannot be interrupted halfway, so the watchdog catches the JavaScript that made the call, as soon as it returns.`
    : '';
  return `\n\n**What held your loop.** While the load ran, a watchdog inside your server caught the stack whenever the loop stalled:\n\n${lines.join('\n')}${nativeNote}\n`;
}
