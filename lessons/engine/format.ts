/**
 * What the lesson commands print: pure functions that return strings, as bench/format.ts does.
 */
import type { TableStyle } from '../../bench/render/terminal-style.ts';

import { formatNumber, formatPercent } from '../../core/numbers.ts';
import { type CheckResult, describeComparison } from './claims.ts';
import { wrap } from './markdown.ts';
import type { LessonOutcome } from './measure.ts';
import type { Progress } from './progress.ts';
import type { Lesson, Prediction } from './types.ts';
import type { VerifyResult } from './verify.ts';

export interface LessonStyle extends TableStyle {
  good(s: string): string;
  bad(s: string): string;
}

/** The width lesson text wraps to when the caller gives none (not a terminal, a test). */
export const DEFAULT_WIDTH = 80;

/** `text` wrapped at word boundaries to `width`, its first line after `first`, the rest after `indent`. */
export function wrapText(text: string, width: number, first = '', indent = ''): string {
  return wrap(text, width, first, indent).join('\n');
}

/** ✓ held, ✗ did not, ? not measured. */
export const mark = (holds: boolean | null, style: LessonStyle) =>
  holds === true ? style.good('✓') : holds === false ? style.bad('✗') : style.dim('?');

/** One line per lesson: a check mark when its exercise passed verify. */
export function formatLessonList(
  lessons: readonly Pick<Lesson, 'id' | 'title'>[],
  progress: Progress,
  style: LessonStyle,
): string {
  // Columns as wide as the longest number and id, so ten lessons line up as well as four.
  const idWidth = Math.max(...lessons.map((l) => l.id.length));
  const numberWidth = String(lessons.length).length + 1;
  const lines = lessons.map((l, i) => {
    const done = Boolean(progress.passed[l.id]);
    const n = `${i + 1}.`.padStart(numberWidth);
    return `${done ? style.good('✓') : ' '} ${n} ${style.bold(l.id.padEnd(idWidth))}  ${l.title}`;
  });
  const passed = lessons.filter((l) => progress.passed[l.id]).length;
  return `${lines.join('\n')}\n\n${style.dim(`${passed} of ${lessons.length} passed · start one with: looplab lesson <n>`)}\n`;
}

/** The question and its numbered choices. */
export function formatPrediction(p: Prediction, style: LessonStyle, width = 80): string {
  const choices = p.choices.map((c, i) => `  ${i + 1}) ${c.text}`);
  const question = wrap(`${style.bold('Predict:')} ${p.question}`, width).join('\n');
  return `${question}\n${choices.join('\n')}\n`;
}

/** How the prediction went, then every claim: held, did not hold (and why that can be), or unmeasured. */
export function formatOutcome(
  lesson: Lesson,
  o: LessonOutcome,
  style: LessonStyle,
  width = DEFAULT_WIDTH,
): string {
  const out: string[] = [];
  const p = o.prediction;
  const choice = (i: number | null) =>
    i === null ? 'none of the choices' : `${i + 1}) ${lesson.prediction.choices[i]?.text}`;
  const measured =
    p.quantity === null
      ? 'not measured'
      : `${formatNumber(p.quantity)} ${lesson.prediction.quantity.unit}, so ${choice(p.measured)}`;
  out.push(
    wrapText(
      `${style.bold('Your prediction')}: ${p.answer === null ? 'skipped' : choice(p.answer)}`,
      width,
    ),
  );
  out.push(wrapText(`${style.bold('Measured')}: ${measured}`, width));
  return `${[...out, ...claimLines(p.right, o.claims, o.warnings, style, width)].join('\n')}\n`;
}

/**
 * Whether the prediction was right (null: not asked or not measured), then every claim: held,
 * did not hold (and why that can be), or unmeasured; then the warnings. Every lesson ends so.
 */
export function claimLines(
  right: boolean | null,
  claims: readonly (CheckResult & { whenItFails: string })[],
  warnings: readonly string[],
  style: LessonStyle,
  width: number,
): string[] {
  const out: string[] = [];
  if (right !== null)
    out.push(
      right ? style.good('You predicted right.') : style.bad('Not what you predicted: read on.'),
    );
  out.push('', style.bold('The claims, checked on your numbers:'));
  for (const c of claims) {
    out.push(...checkLines({ ...c, comparison: describeComparison(c) }, style, width));
    if (c.holds === false)
      out.push(wrapText(`Did not hold on this machine. ${c.whenItFails}`, width, '    ', '    '));
    if (c.holds === null)
      out.push('    Not measured: a run failed or measured nothing (see the warnings).');
  }
  for (const w of warnings) out.push(wrapText(`warning: ${w}`, width, '', '  '));
  return out;
}

/** A check's text after its mark, and the numbers it compared, dimmed, below it, after `indent`. */
export function checkLines(
  c: { text: string; holds: boolean | null; comparison: string },
  style: LessonStyle,
  width: number,
  indent = '',
): string[] {
  return [
    wrapText(c.text, width, `${indent}${mark(c.holds, style)} `, `${indent}  `),
    // Dimmed line by line: a style's escape codes must not span a line break.
    ...wrap(c.comparison, width - 4 - indent.length, '', '  ').map(
      (l) => `${indent}    ${style.dim(l)}`,
    ),
  ];
}

/** verify's verdict: each check with its numbers, and a hint for each that failed. */
export function formatVerify(r: VerifyResult, style: LessonStyle, width = DEFAULT_WIDTH): string {
  const out: string[] = [];
  const e = r.equivalence;
  out.push(`${mark(e.same, style)} same responses as the reference`);
  if (!e.same) {
    const show = (a: typeof e.reference) =>
      `${a.status} ${a.contentType} ${a.bytes} bytes ${a.bodyStart}`;
    out.push(
      `    to:        ${e.request}`,
      `    reference: ${show(e.reference)}`,
      `    yours:     ${show(e.exercise)}`,
    );
    out.push(
      wrapText(
        'Hint: answer exactly as the starter did; change how the work is done, not what it returns.',
        width,
        '    ',
        '    ',
      ),
    );
    out.push(style.dim('    (load checks not run: they compare handlers that do the same job)'));
  }
  for (const c of r.criteria) {
    out.push(...checkLines(c, style, width));
    if (c.holds !== true) out.push(wrapText(`Hint: ${c.hint}`, width, '    ', '    '));
  }
  if (r.heldBy)
    out.push(
      wrapText(
        `Your handler still blocks in ${r.heldBy.text}: ${formatPercent(r.heldBy.share)} of its loop's stalled time.`,
        width,
        '',
        '  ',
      ),
    );
  for (const w of r.report?.warnings ?? []) out.push(wrapText(`warning: ${w}`, width, '', '  '));
  out.push('', r.passed ? style.good('PASS') : style.bad('FAIL'));
  return `${out.join('\n')}\n`;
}
