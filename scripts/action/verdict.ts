/**
 * The action's verdict on a comparison, and the comment and summary that carry it. Pure.
 *
 * `inconclusive` is a verdict of its own, never a pass: a runner too noisy to see a change of the
 * threshold's size has not shown there is none, and the comment says the smallest change the runs
 * could have seen.
 */
import type { Comparison, MetricComparison } from '../../bench/compare/compare.ts';
import { type CompareLabels, formatCompareMarkdown } from '../../bench/render/compare.ts';
import { metricLabel } from '../../bench/render/metric-text.ts';
import { stallLine } from '../../bench/report/stalls.ts';
import type { Report } from '../../bench/report/types.ts';
import { mdCode, mdText } from '../../core/markdown-text.ts';
import { formatPct, plural, signedPct } from '../../core/numbers.ts';

export type ActionVerdict = 'pass' | 'regressed' | 'inconclusive';

/** A route or variant whose head failed more runs than its base: the head broke it. */
export interface HeadFailure {
  scenario: string;
  variant: string;
  headFailed: number;
  headRuns: number;
  baseFailed: number;
  /** The first failed head run's reason. */
  reason: string;
}

/**
 * The routes or variants whose head failed more runs than the base did. compare leaves failed
 * runs out, so a head whose server never started has no rows at all: without this, it read
 * "inconclusive" and passed the gate.
 */
export function headFailures(base: Report, head: Report): HeadFailure[] {
  const failed = (runs: Report['results'][number]['runs']) =>
    runs.filter((r) => r.state === 'failed');
  return head.results.flatMap((h) => {
    const b = base.results.find((e) => e.scenario === h.scenario && e.variant === h.variant);
    const headFailed = failed(h.runs);
    const baseFailed = b ? failed(b.runs).length : 0;
    if (headFailed.length <= baseFailed) return [];
    const first = headFailed[0];
    return [
      {
        scenario: h.scenario,
        variant: h.variant,
        headFailed: headFailed.length,
        headRuns: h.runs.length,
        baseFailed,
        reason: first && first.state === 'failed' ? first.reason : '',
      },
    ];
  });
}

export interface Judgement {
  verdict: ActionVerdict;
  /** Routes or variants the head failed runs of, more than the base: a regression of their own. */
  headFailures: readonly HeadFailure[];
  /** The rows that got worse beyond their threshold, significantly. */
  regressions: readonly MetricComparison[];
  /** Rows too noisy (or too coarse) to rule out a change beyond their threshold. */
  inconclusive: readonly MetricComparison[];
  /**
   * The inconclusive rows' smallest detectable changes, least and greatest: what these runs could
   * have seen, by metric; null when none is known.
   */
  detectable: [number, number] | null;
}

export function judge(c: Comparison, failures: readonly HeadFailure[] = []): Judgement {
  const inconclusive = c.rows.filter((r) => r.verdict === 'inconclusive');
  const detectable = inconclusive.flatMap((r) =>
    r.minDetectableChange === null ? [] : [r.minDetectableChange],
  );
  const verdict: ActionVerdict =
    c.regressions.length > 0 || failures.length > 0
      ? 'regressed'
      : inconclusive.length > 0 || c.rows.length === 0
        ? 'inconclusive'
        : 'pass';
  return {
    verdict,
    headFailures: failures,
    regressions: c.regressions,
    inconclusive,
    detectable: detectable.length > 0 ? [Math.min(...detectable), Math.max(...detectable)] : null,
  };
}

const TITLE: Record<ActionVerdict, string> = {
  pass: '✅ looplab: no regression',
  regressed: '❌ looplab: regressed',
  inconclusive: '⚠️ looplab: inconclusive',
};

/** One sentence: what the verdict means for this pull request. */
export function verdictSentence(j: Judgement, c: Comparison): string {
  if (j.verdict === 'regressed' && j.regressions.length === 0) return failedSentence(j);
  if (j.verdict === 'regressed') {
    const list = j.regressions.map((r) =>
      `${r.variant} ${metricLabel(r.metric)} ${r.change === null ? '' : signedPct(r.change)}`.trim(),
    );
    const n = j.regressions.length;
    const failed = j.headFailures.length > 0 ? ` ${failedSentence(j)}` : '';
    return `${plural(n, 'metric')} got worse beyond ${n === 1 ? 'its' : 'their'} threshold: ${list.join(', ')}.${failed}`;
  }
  if (j.verdict === 'inconclusive') {
    if (c.rows.length === 0) {
      // Why, when compare knows (every run of a side failed, too few runs): a route in both
      // reports whose runs failed is not "in neither".
      return c.warnings.length > 0
        ? `Nothing could be compared: ${c.warnings.join('; ')}.`
        : 'Nothing could be compared: no route or scenario is in both.';
    }
    const [least, most] = j.detectable ?? [0, 0];
    const range =
      j.detectable === null
        ? ''
        : least === most
          ? ` These runs could have seen no change smaller than ${formatPct(least)}.`
          : ` These runs could have seen no change smaller than ${formatPct(least)} to ${formatPct(most)}, by metric (the detectable column).`;
    const n = j.inconclusive.length;
    return `${plural(n, 'metric')} too noisy (or too coarse) to rule out a change beyond ${n === 1 ? 'its' : 'their'} threshold, so this neither passes nor fails.${range} More runs narrow it.`;
  }
  return `No metric got worse beyond its threshold, and every change was measured closely enough to say so (${plural(c.rows.length, 'metric')}).`;
}

/** The head's failed runs, by route or variant, with the first one's reason. */
function failedSentence(j: Judgement): string {
  const list = j.headFailures.map(
    (f) =>
      `${f.variant}: ${f.headFailed} of ${f.headRuns} runs failed in the head, ${f.baseFailed} in the base${f.reason ? ` (${f.reason})` : ''}`,
  );
  return `The head failed runs the base did not: ${list.join('; ')}.`;
}

/** For each route or variant that got worse: the code that held the head's loop, when captured. */
export function heldLines(j: Judgement, head: Report): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const r of j.regressions) {
    const key = `${r.scenario}\u0000${r.variant}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = head.results.find((e) => e.scenario === r.scenario && e.variant === r.variant);
    const stalls = entry?.stalls;
    lines.push(
      `- ${mdCode(r.variant)}: ${
        stalls && stalls.count > 0
          ? mdText(stallLine(stalls))
          : 'no stall over the capture threshold was caught in the head’s runs'
      }`,
    );
  }
  return lines;
}

/** The machine's own noise over the benchmark, for a reader to weigh the changes against. */
export function noiseLine(reports: readonly Report[]): string {
  const parts = reports.flatMap((r, i) => {
    const s = r.sentinel;
    if (!s || s.meanMs === null) return [];
    const cv = s.cv === null ? 'CV not known' : `CV ${formatPct(s.cv)}`;
    return [
      `${reports.length > 1 ? `${i === 0 ? 'base' : 'head'}: ` : ''}${s.meanMs.toFixed(2)} ms a run, ${cv} over ${plural(s.n, 'run')}`,
    ];
  });
  return parts.length === 0
    ? 'Machine speed: the sentinel was not recorded.'
    : `Machine speed (the sentinel, the runner’s own noise): ${parts.join('; ')}.`;
}

export interface CommentParts {
  marker: string;
  judgement: Judgement;
  comparison: Comparison;
  labels: CompareLabels;
  head: Report;
  /** Reports whose sentinel gives the noise: one for a paired benchmark, else base and head. */
  noiseFrom: readonly Report[];
  /** Where the run can be seen, for the footer; null when not known. */
  runUrl: string | null;
}

/** GitHub caps a comment at 65,536 characters; the job summary keeps the whole table. */
export const COMMENT_LIMIT = 65_000;

/** The job summary, whole: marker, verdict, table, held code, noise. */
export function summaryBody(p: CommentParts): string {
  const held = heldLines(p.judgement, p.head);
  const parts = [
    p.marker,
    `### ${TITLE[p.judgement.verdict]}`,
    '',
    mdText(verdictSentence(p.judgement, p.comparison)),
    '',
    // compare's own heading would sit under the verdict's: the table starts at its headline.
    formatCompareMarkdown(p.comparison, p.labels).replace(/^## looplab compare\n\n/, ''),
    ...(held.length > 0 ? ['#### What held the loop in the head', '', ...held, ''] : []),
    mdText(noiseLine(p.noiseFrom)),
    '',
    ...(p.runUrl ? [`<sub>[the run, with the reports as an artifact](${p.runUrl})</sub>`, ''] : []),
  ];
  return parts.join('\n');
}

/** The pull request's comment: the summary, or when GitHub would refuse it, where to find it. */
export function commentBody(p: CommentParts): string {
  const body = summaryBody(p);
  if (body.length <= COMMENT_LIMIT) return body;
  return [
    p.marker,
    `### ${TITLE[p.judgement.verdict]}`,
    '',
    mdText(verdictSentence(p.judgement, p.comparison)),
    '',
    `The table is too long for a comment: it is in the job summary${p.runUrl ? ` of [the run](${p.runUrl})` : ''}.`,
    '',
  ].join('\n');
}
