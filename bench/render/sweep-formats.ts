/**
 * A sweep's formats, in a lookup table as bench's are (formats.ts): each returns a string and
 * writes nothing; the command picks one per output flag and writes it at the edge.
 */
import { jsonText } from '../../core/json.ts';
import type { SweepReport } from '../sweep/types.ts';
import { renderSweepHtml } from './html/sweep.ts';
import { formatSweepCsv } from './sweep-csv.ts';
import { formatSweepMarkdown } from './sweep-markdown.ts';
import { formatSweepTable } from './sweep-table.ts';

export const sweepFormats = {
  table: (report: SweepReport) => formatSweepTable(report),
  csv: formatSweepCsv,
  markdown: formatSweepMarkdown,
  html: renderSweepHtml,
  json: (report: SweepReport) => jsonText(report),
} as const;

export type SweepFormatName = keyof typeof sweepFormats;
