/**
 * A sweep as GitHub-flavoured Markdown, for a pull request: a short summary first (each
 * variant's knee, SLO rate and ceiling, async's knee over sync's, the warnings), then each
 * variant's steps in a collapsed <details>, as the terminal table shows them. Every name and
 * reason goes through mdText, so a `|` cannot shift a cell. Pure.
 */
import { mdCode, mdText } from '../../core/markdown-text.ts';
import { plainLine } from '../../core/plain-text.ts';
import type { SweepReport, SweepVariant } from '../sweep/types.ts';
import { esc } from './chart/escape.ts';
import {
  ceilingText,
  kneeRatioText,
  kneeText,
  lastGoodPerSec,
  numText,
  offeredText,
  optionsText,
  rateText,
  runsNote,
  STEP_HEAD,
  shownSteps,
  targetText,
  theoryAtKneeText,
} from './sweep-text.ts';

const row = (cells: readonly string[]) => `| ${cells.map(mdText).join(' | ')} |`;

function stepsTable(v: SweepVariant): string[] {
  const steps = shownSteps(v);
  if (steps.length === 0) return ['No step completed.'];
  return [
    row(STEP_HEAD),
    `|${STEP_HEAD.map(() => '---:').join('|')}|`,
    ...steps.map((s) =>
      row([
        offeredText(s.offeredPerSec),
        rateText(s.achievedPerSec),
        numText(s.latencyMs?.p50 ?? null),
        numText(s.latencyMs?.p90 ?? null),
        numText(s.latencyMs?.p99 ?? null),
        numText(s.latencyMs?.p999 ?? null),
        numText(s.latencyMs?.max ?? null),
        numText(s.uncorrectedP99Ms),
        String(s.errors),
        String(s.timeouts),
        numText(s.elu),
        numText(s.lagP99Ms),
        numText(s.pingP99Ms),
        s.limitedBy ?? '',
      ]),
    ),
  ];
}

export function formatSweepMarkdown(report: SweepReport): string {
  const e = report.environment;
  const slo = report.options.slo;
  const head = [
    'variant',
    'knee',
    'last good (req/s)',
    ...(slo ? [`SLO ${slo.text} (req/s)`] : []),
    'ceiling',
  ];
  const out: string[] = [
    `## looplab sweep: ${mdText(targetText(report))}`,
    '',
    `Node ${mdText(e.node)} · ${mdText(e.cpuModel)} × ${e.cpuCount} · ${mdText(`${e.platform}/${e.arch}`)} · ${mdText(optionsText(report))}`,
    '',
  ];
  if (!report.complete) out.push('> ⚠️ Interrupted: these are the steps that completed.', '');
  out.push(
    row(head),
    `|---|${head
      .slice(1)
      .map(() => '---')
      .join('|')}|`,
  );
  for (const v of report.variants)
    out.push(
      row([
        v.variant,
        kneeText(v, report.options.k),
        offeredText(lastGoodPerSec(v)),
        ...(slo
          ? [v.slo?.medianPerSec == null ? 'none met it' : offeredText(v.slo.medianPerSec)]
          : []),
        ceilingText(v),
      ]),
    );
  const ratio = kneeRatioText(report);
  if (ratio) out.push('', `**${mdText(ratio)}.**`);
  const theory = report.variants.flatMap((v) => {
    const t = theoryAtKneeText(v);
    return t ? [`- ${mdCode(v.variant)}: ${mdText(t)}`] : [];
  });
  if (theory.length > 0) out.push('', '**Theory beside the measurement:**', '', ...theory);
  // The report's warnings name the failed runs and the steps the generator could not hold.
  if (report.warnings.length > 0) out.push('', ...report.warnings.map((w) => `> ⚠️ ${mdText(w)}`));
  for (const v of report.variants)
    out.push(
      '',
      // A blank line after <summary>: GitHub renders the table inside only then.
      // Inside an HTML block Markdown's escapes are not read: the summary is escaped as HTML.
      `<details><summary>Steps of ${esc(plainLine(v.label))} (${esc(runsNote(v))})</summary>`,
      '',
      ...stepsTable(v),
      '',
      '</details>',
    );
  out.push(
    '',
    '_Latency is corrected for coordinated omission: timed from when each request was due. "p99 from send" times the same requests from when each was sent._',
    '',
  );
  return out.join('\n');
}
