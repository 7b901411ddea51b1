/**
 * The terminal table of a sweep: per variant one row per offered rate, then its knee and why, the
 * rate that met the SLO, its ceiling and the M/D/1 prediction at the knee; then async's knee over
 * sync's and the warnings. With `--runs` > 1 each figure is the median over the completed runs,
 * as the knee is: one row per rate stays readable at any run count, and the CSV and the JSON keep
 * every run's rows. Pure: returns a string and writes nothing.
 */
import { plainLine } from '../../core/plain-text.ts';
import type { SweepReport, SweepVariant } from '../sweep/types.ts';
import {
  ceilingText,
  failedRunLines,
  kneeRatioText,
  kneeText,
  lastGoodPerSec,
  numText,
  offeredText,
  optionsText,
  rateText,
  rateWords,
  runsNote,
  type ShownStep,
  shownSteps,
  targetText,
  theoryAtKneeText,
  wrapText,
} from './sweep-text.ts';
import { PLAIN_STYLE, type TableStyle } from './terminal-style.ts';

/** The widest a table's line may be; wider tables wrap into parts, each led by the offered rate. */
export const TABLE_WIDTH = 100;

const GAP = '  ';

interface Column {
  /** The name, and the unit under it ('' for a count or a ratio). */
  head: readonly [string, string];
  cell(s: ShownStep): string;
}

/** `gen`/`server` when the rate was not held; the lines under the table say why. */
const limitMark = (s: ShownStep) =>
  s.limitedBy === 'generator' ? 'gen' : s.limitedBy === 'server' ? 'server' : '';

const COLUMNS: readonly Column[] = [
  { head: ['offered', 'req/s'], cell: (s) => offeredText(s.offeredPerSec) },
  { head: ['achieved', 'req/s'], cell: (s) => rateText(s.achievedPerSec) },
  { head: ['p50', 'ms'], cell: (s) => numText(s.latencyMs?.p50 ?? null) },
  { head: ['p90', 'ms'], cell: (s) => numText(s.latencyMs?.p90 ?? null) },
  { head: ['p99', 'ms'], cell: (s) => numText(s.latencyMs?.p99 ?? null) },
  { head: ['p99.9', 'ms'], cell: (s) => numText(s.latencyMs?.p999 ?? null) },
  { head: ['max', 'ms'], cell: (s) => numText(s.latencyMs?.max ?? null) },
  // Timed from the send (the wait inside the server only): beside the corrected p99 it shows the
  // wait in the generator.
  { head: ['sent', 'p99 ms'], cell: (s) => numText(s.uncorrectedP99Ms) },
  { head: ['err', ''], cell: (s) => String(s.errors) },
  { head: ['t/o', ''], cell: (s) => String(s.timeouts) },
  { head: ['ELU', ''], cell: (s) => numText(s.elu) },
  { head: ['lag', 'p99 ms'], cell: (s) => numText(s.lagP99Ms) },
  { head: ['/ping', 'p99 ms'], cell: (s) => numText(s.pingP99Ms) },
  { head: ['limit', ''], cell: limitMark },
];

/**
 * Rows of cells as right-aligned columns, split into parts that each fit `width`: the first
 * column (the offered rate) leads every part so a wrapped row can still be read.
 */
export function fitColumns(rows: readonly (readonly string[])[], width = TABLE_WIDTH): string[][] {
  const cols = rows[0]?.length ?? 0;
  const widths = Array.from({ length: cols }, (_, i) =>
    Math.max(...rows.map((r) => (r[i] ?? '').length)),
  );
  const parts: number[][] = [];
  let part: number[] = [0];
  let used = widths[0] ?? 0;
  for (let i = 1; i < cols; i++) {
    const w = widths[i] ?? 0;
    if (used + GAP.length + w > width && part.length > 1) {
      parts.push(part);
      part = [0];
      used = widths[0] ?? 0;
    }
    part.push(i);
    used += GAP.length + w;
  }
  parts.push(part);
  return parts.map((p) =>
    rows.map((r) =>
      p
        .map((i) => (r[i] ?? '').padStart(widths[i] ?? 0))
        .join(GAP)
        .trimEnd(),
    ),
  );
}

/** One variant: its heading, its steps, then what they say. */
function variantBlock(report: SweepReport, v: SweepVariant, style: TableStyle): string[] {
  const steps = shownSteps(v);
  const out = [style.bold(plainLine(v.label)) + style.dim(plainLine(`  ·  ${runsNote(v)}`))];
  if (steps.length === 0) out.push('  no step completed');
  else {
    const rows = [
      COLUMNS.map((c) => c.head[0]),
      COLUMNS.map((c) => c.head[1]),
      ...steps.map((s) => COLUMNS.map((c) => plainLine(c.cell(s)))),
    ];
    fitColumns(rows).forEach((lines, i) => {
      if (i > 0) out.push('');
      out.push(lines[0] as string, style.dim(lines[1] as string), ...lines.slice(2));
    });
  }
  // One line per reason, with the rates it held at: a saturated server says so once.
  const why = new Map<string, number[]>();
  for (const s of steps.filter((x) => x.limitedBy !== null)) {
    const text = `${limitMark(s)}: ${s.limitedWhy ?? `the ${s.limitedBy} could not hold the rate`}`;
    why.set(text, [...(why.get(text) ?? []), s.offeredPerSec]);
  }
  for (const [text, rates] of why)
    out.push(
      ...wrapText(
        `${plainLine(text.replace(': ', ` at ${rates.map(offeredText).join(', ')} req/s: `))}`,
        TABLE_WIDTH,
      ),
    );
  const notes = [
    `knee: ${plainLine(kneeText(v, report.options.k))}`,
    `last good rate: ${rateWords(lastGoodPerSec(v))}`,
  ];
  if (report.options.slo) {
    const slo = v.slo?.medianPerSec ?? null;
    notes.push(
      `SLO ${plainLine(report.options.slo.text)}: ${slo === null ? `no rate met it` : rateWords(slo)}`,
    );
  }
  notes.push(`ceiling: ${ceilingText(v)}`);
  const theory = theoryAtKneeText(v);
  if (theory) notes.push(theory);
  notes.push(...failedRunLines(v).map(plainLine));
  return [...out, ...notes.flatMap((n) => wrapText(n, TABLE_WIDTH))];
}

/** The whole sweep as the terminal shows it, ending with a newline. */
export function formatSweepTable(report: SweepReport, style: TableStyle = PLAIN_STYLE): string {
  const out = [
    style.bold(plainLine(targetText(report))) + style.dim(plainLine(`  ·  ${optionsText(report)}`)),
    style.dim('latency corrected for coordinated omission: timed from when each request was due;'),
    style.dim(
      'sent: the p99 of the same requests timed from when each was sent (the wait in the server only)',
    ),
    '',
  ];
  if (!report.complete)
    out.push('warning: interrupted: the steps below are those that completed', '');
  for (const v of report.variants) out.push(...variantBlock(report, v, style), '');
  const ratio = kneeRatioText(report);
  if (ratio) out.push(`${ratio}.`, '');
  if (report.warnings.length > 0)
    out.push(
      ...report.warnings.flatMap((w) => wrapText(`warning: ${plainLine(w)}`, TABLE_WIDTH)),
      '',
    );
  if (report.variants.length === 0) out.push('no variant was swept', '');
  return `${out.join('\n').trimEnd()}\n`;
}
