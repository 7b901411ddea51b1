/**
 * The one Markdown escaper for every Markdown looplab writes (bench --md, compare's Markdown and
 * the GitHub step summary, the lessons' notes): names and file names from reports and the command
 * line go through it, so that a route named `/a|b` cannot shift a table's cells, a backtick
 * cannot close a code span, and `<script>` or `<img onerror>` never reaches a page as HTML.
 * Pure.
 */
import { plainText } from './plain-text.ts';

/**
 * Every character with a meaning inline in GitHub-flavoured Markdown: emphasis, code, links and
 * images, HTML and entities, table cells, strikethrough, math. CommonMark lets any ASCII
 * punctuation be escaped with `\`; the rest (`#`, `-`, `1.`) means something only at a line's
 * start, where looplab never puts a name.
 */
const SPECIAL = /[\\`*_[\]<>|~&$]/g;

/** `s` as literal Markdown text, on one line: `a|b` → `a\|b`, `<b>` → `\<b\>`. */
export function mdText(s: string): string {
  return oneLine(s).replace(SPECIAL, '\\$&');
}

/**
 * `s` as a code span, fenced with one backtick more than its longest run of them, so that none
 * inside can close it; padded with a space where it starts or ends with a backtick. In a table
 * cell (`inTable`), `|` is escaped too: GitHub splits cells before it parses code spans.
 */
export function mdCode(s: string, inTable = false): string {
  const text = oneLine(s);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(text) && text.trim() !== '' ? ' ' : '';
  const body = `${pad}${text}${pad}`;
  return `${fence}${inTable ? body.replaceAll('|', '\\|') : body}${fence}`;
}

/** Markdown is line-based: a newline in a name would end a table row or a list item. */
function oneLine(s: string): string {
  return plainText(s).replace(/\s*[\r\n\t]+\s*/g, ' ');
}
