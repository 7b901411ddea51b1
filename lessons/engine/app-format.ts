/**
 * What an app lesson prints: the prediction and claims after its measurement, and verify's
 * verdict blocker by blocker. Pure functions that return strings.
 */
import { formatPercent } from '../../core/numbers.ts';
import type { AppLesson } from './app-lesson.ts';
import type { AppLessonOutcome } from './app-measure.ts';
import type { AppVerifyResult } from './app-verify.ts';
import {
  checkLines,
  claimLines,
  DEFAULT_WIDTH,
  type LessonStyle,
  mark,
  wrapText,
} from './format.ts';

/** How the prediction went, then every claim, held or not, with why it can fail. */
export function formatAppOutcome(
  lesson: AppLesson,
  o: AppLessonOutcome,
  style: LessonStyle,
  width = DEFAULT_WIDTH,
): string {
  const label = (key: string | null) =>
    key === null ? 'not measured' : (lesson.routes.find((r) => r.key === key)?.label ?? key);
  const p = o.prediction;
  const out = [
    wrapText(
      `${style.bold('Your prediction')}: ${p.answer === null ? 'skipped' : label(p.answer)}`,
      width,
    ),
    wrapText(
      `${style.bold('Measured')}: the fewest requests a second on ${label(p.measured)}`,
      width,
    ),
    ...claimLines(p.right, o.claims, o.warnings, style, width),
  ];
  return `${out.join('\n')}\n`;
}

/** verify's verdict: the answers, then each blocker, fixed or not, with its numbers. */
export function formatAppVerify(
  r: AppVerifyResult,
  style: LessonStyle,
  width = DEFAULT_WIDTH,
): string {
  const out: string[] = [];
  const e = r.equivalence;
  out.push(
    `${mark(e.same, style)} the same answers as the untouched shop (${e.requests} requests: every route's edges, and some of the load's)`,
  );
  if (e.differs) {
    out.push(
      `    to:                ${e.differs.request}`,
      `    the shop answered: ${e.differs.starter}`,
      `    yours answered:    ${e.differs.yours}`,
      wrapText(
        'Hint: a fix changes how the work is done, never what it answers.',
        width,
        '    ',
        '    ',
      ),
      style.dim('    (nothing measured under load: the checks compare apps that do the same job)'),
    );
  }
  for (const b of r.blockers) {
    const state = b.fixed === true ? 'fixed' : b.fixed === false ? 'not fixed' : 'not measured';
    out.push(
      '',
      `${mark(b.fixed, style)} ${style.bold(b.module)}, ${b.what} (${b.route}): ${state}`,
    );
    for (const c of b.checks) out.push(...checkLines(c, style, width, '  '));
    if (b.heldBy)
      out.push(
        wrapText(
          `still held by ${b.heldBy.text}: ${formatPercent(b.heldBy.share)} of the loop's stalled time on ${b.route}`,
          width,
          '    ',
          '      ',
        ),
      );
    if (b.fixed !== true) out.push(wrapText(`Hint: ${b.hint}`, width, '    ', '    '));
  }
  for (const w of r.report?.warnings ?? []) out.push(wrapText(`warning: ${w}`, width, '', '  '));
  if (r.blockers.some((b) => b.fixed === null))
    out.push(
      '',
      wrapText(
        'Some checks were not measured: a run failed (the warnings say which). Run verify again.',
        width,
      ),
    );
  const fixed = r.blockers.filter((b) => b.fixed === true).length;
  const tally = r.blockers.length > 0 ? ` (${fixed} of ${r.blockers.length} fixed)` : '';
  out.push('', r.passed ? style.good(`PASS${tally}`) : style.bad(`FAIL${tally}`));
  return `${out.join('\n')}\n`;
}
