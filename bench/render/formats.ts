/**
 * Report formats, in a lookup table as mitata does: each returns a string and writes nothing.
 */
import { jsonText } from '../../core/json.ts';
import type { Report } from '../report/types.ts';
import { formatMarkdown } from './markdown.ts';
import { formatTable } from './table.ts';

export const formats = {
  table: (report: Report) => formatTable(report),
  markdown: formatMarkdown,
  json: (report: Report) => jsonText(report),
} as const;

export type FormatName = keyof typeof formats;
