/**
 * The report as GitHub-flavoured Markdown, for a pull request or a step summary: per scenario the
 * table, the verdict, the ceiling and the diagnosis, as the terminal table shows them. Pure.
 */
import { mdCode, mdText } from '../../core/markdown-text.ts';
import { plural } from '../../core/numbers.ts';
import { groupByScenario } from '../report/build.ts';
import { stallLine } from '../report/stalls.ts';
import type { Report, ResultEntry } from '../report/types.ts';
import {
  entryHeading,
  formatEntrySummary,
  metricLabel,
  roundingNote,
  shownMetrics,
} from './metric-text.ts';
import { ceilingNote } from './notes.ts';
import { runsText, sentinelText } from './table.ts';

export function formatMarkdown(report: Report): string {
  const e = report.environment;
  const out: string[] = [
    '## looplab benchmark',
    '',
    `Node ${e.node} · ${e.cpuModel} × ${e.cpuCount} · ${e.platform}/${e.arch} · ` +
      `${plural(report.options.runs, 'run')} per variant × ${report.options.durationSec} s, ${report.options.connections} connections, ` +
      `${report.options.warmupSec} s warm-up`,
    '',
  ];
  for (const [scenario, entries] of groupByScenario(report.results)) {
    const first = entries[0] as ResultEntry;
    out.push(
      `### ${mdText(scenario)}`,
      '',
      `${first.target ? 'Target' : 'Parameters'}: ${mdCode(entryHeading(first))} · ${mdText(runsText(report.options, entries))}`,
      '',
    );
    out.push(`| metric | ${entries.map((x) => mdText(x.variant)).join(' | ')} |`);
    out.push(`|---|${entries.map(() => '---:').join('|')}|`);
    for (const name of shownMetrics(entries)) {
      out.push(
        `| ${mdText(metricLabel(name))} | ${entries.map((x) => mdText(formatEntrySummary(x, name))).join(' | ')} |`,
      );
    }
    const rounding = roundingNote(entries);
    if (rounding) out.push('', `_Latency: ${rounding}._`);
    const verdict = report.verdicts.find((v) => v.scenario === scenario);
    if (verdict) out.push('', `**Verdict:** ${mdText(verdict.text)}`);
    const ceiling = ceilingNote(
      entries,
      report.ceilings?.find((c) => c.scenario === scenario),
    );
    if (ceiling) out.push('', `**Ceiling:** ${mdText(ceiling)}`);
    const diagnosed = entries.filter((x) => x.diagnosis);
    if (diagnosed.length > 0) {
      out.push('', '**Diagnosis:**', '');
      for (const x of diagnosed)
        out.push(`- ${mdCode(x.variant)}: ${mdText(x.diagnosis?.text ?? '')}`);
    }
    const stalled = entries.filter((x) => x.stalls && x.stalls.count > 0);
    if (stalled.length > 0) {
      out.push('', '**What held the loop:**', '');
      for (const x of stalled)
        if (x.stalls) out.push(`- ${mdCode(x.variant)}: ${mdText(stallLine(x.stalls))}`);
    }
    out.push('');
  }
  if (report.warnings.length > 0) out.push(...report.warnings.map((w) => `> ⚠️ ${mdText(w)}`), '');
  const machine = sentinelText(report.sentinel);
  if (machine) out.push(`_${mdText(machine)}._`, '');
  out.push('_± is the half-width of the 95% confidence interval over runs._', '');
  return out.join('\n');
}
