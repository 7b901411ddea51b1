/**
 * A small Markdown renderer for the terminal: headings, paragraphs, emphasis, inline code,
 * fenced code, lists, block quotes and links. Readable without colour too: headings are
 * underlined, code is indented, links keep their URL. Pure: returns a string.
 */
import { stripVTControlCharacters } from 'node:util';
import { plainText } from '../../core/plain-text.ts';

export interface MarkdownStyle {
  bold(s: string): string;
  italic(s: string): string;
  code(s: string): string;
  dim(s: string): string;
}

export const PLAIN_MARKDOWN: MarkdownStyle = {
  bold: (s) => s,
  italic: (s) => s,
  code: (s) => s,
  dim: (s) => s,
};

const visibleLength = (s: string) => stripVTControlCharacters(s).length;

/**
 * A code span fenced by a run of backticks, closed by a run as long (core/markdown-text.ts fences
 * a name with backticks in it with more), or one backslash-escaped character.
 */
const CODE_OR_ESCAPE = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)|\\([!-/:-@[-`{-~])/g;

/** A character no text contains: where an escaped one waits while the rest is styled. */
const HELD = '\u{f8ff}';

/**
 * Inline Markdown: code spans and backslash escapes first, so that `*` inside code or `\*`
 * stays literal.
 */
export function renderInline(text: string, style: MarkdownStyle): string {
  const held: string[] = [];
  const parts: string[] = [];
  let plain = '';
  let at = 0;
  for (const m of text.matchAll(CODE_OR_ESCAPE)) {
    plain += text.slice(at, m.index);
    at = m.index + m[0].length;
    if (m[3] !== undefined) {
      held.push(m[3]);
      plain += HELD;
      continue;
    }
    parts.push(styleText(plain, style));
    plain = '';
    const code = m[2] as string;
    // CommonMark strips one space each side only when both are there: `` `a` `` is `a`.
    const strip = code.length > 2 && code.startsWith(' ') && code.endsWith(' ');
    parts.push(style.code(strip ? code.slice(1, -1) : code));
  }
  parts.push(styleText(plain + text.slice(at), style));
  let next = 0;
  return parts.join('').replaceAll(HELD, () => held[next++] ?? '');
}

function styleText(part: string, style: MarkdownStyle): string {
  return part
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, t: string, url: string) =>
      t === url ? style.dim(url) : `${t} ${style.dim(`(${url})`)}`,
    )
    .replace(/\*\*([^*]+)\*\*/g, (_, t: string) => style.bold(t))
    .replace(
      /(^|[\s(])[*_]([^*_\s][^*_]*)[*_](?=$|[\s).,;:!?])/g,
      (_, pre: string, t: string) => `${pre}${style.italic(t)}`,
    );
}

/** Wraps words to `width` visible columns; continuation lines get `indent`. */
export function wrap(text: string, width: number, first = '', indent = ''): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && visibleLength(line) + 1 + visibleLength(word) > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** Columns padded to their widest cell; the header row in bold. */
function table(rows: string[][], style: MarkdownStyle): string[] {
  const widths = (rows[0] ?? []).map((_, c) =>
    Math.max(...rows.map((r) => visibleLength(r[c] ?? ''))),
  );
  return rows.map(
    (row, r) =>
      `  ${row
        .map((cell, c) => {
          const padded = cell + ' '.repeat((widths[c] ?? 0) - visibleLength(cell));
          return r === 0 ? style.bold(padded) : padded;
        })
        .join('   ')
        .trimEnd()}`,
  );
}

const LIST_ITEM = /^(\s*)([-*]|\d+\.)\s+(.*)$/;

/** Renders Markdown for a terminal `width` columns wide. */
export function renderMarkdown(
  md: string,
  style: MarkdownStyle = PLAIN_MARKDOWN,
  width = 80,
): string {
  const out: string[] = [];
  // The learner's own numbers and names are in it: no escape sequence reaches the terminal.
  const lines = plainText(md.replace(/\r\n/g, '\n')).split('\n');
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0)
      out.push(...wrap(renderInline(paragraph.join(' '), style), width), '');
    paragraph = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('```')) {
      flush();
      for (i++; i < lines.length && !(lines[i] as string).startsWith('```'); i++)
        out.push(`    ${style.code(lines[i] as string)}`);
      out.push('');
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      const text = heading[2] as string;
      out.push(style.bold(renderInline(text, style)));
      if ((heading[1] as string).length <= 2)
        out.push(style.dim((heading[1] === '#' ? '=' : '-').repeat(Math.min(text.length, width))));
      out.push('');
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      flush();
      const depth = Math.floor((item[1] as string).length / 2);
      const bullet = /\d/.test(item[2] as string) ? (item[2] as string) : '•';
      let text = item[3] as string;
      // A list item's continuation lines are indented under it.
      while (
        i + 1 < lines.length &&
        /^\s{2,}\S/.test(lines[i + 1] as string) &&
        !LIST_ITEM.test(lines[i + 1] as string)
      )
        text += ` ${(lines[++i] as string).trim()}`;
      const pad = '  '.repeat(depth + 1);
      out.push(
        ...wrap(
          renderInline(text, style),
          width,
          `${pad}${bullet} `,
          `${pad}${' '.repeat(bullet.length + 1)}`,
        ),
      );
      if (!LIST_ITEM.test(lines[i + 1] ?? '')) out.push('');
      continue;
    }
    if (line.startsWith('|')) {
      flush();
      const rows: string[][] = [];
      for (; i < lines.length && (lines[i] as string).startsWith('|'); i++) {
        const row = lines[i] as string;
        if (!/^\|[-:| ]+\|$/.test(row.trim()))
          rows.push(
            row
              .trim()
              .slice(1, -1)
              // As GitHub does: `\|` is a pipe inside a cell, not the cell's end.
              .split(/(?<!\\)\|/)
              .map((c) => renderInline(c.trim().replaceAll('\\|', '|'), style)),
          );
      }
      i--;
      out.push(...table(rows, style), '');
      continue;
    }
    if (line.startsWith('>')) {
      flush();
      let text = line.replace(/^>\s?/, '');
      while (i + 1 < lines.length && (lines[i + 1] as string).startsWith('>'))
        text += ` ${(lines[++i] as string).replace(/^>\s?/, '')}`;
      out.push(...wrap(renderInline(text, style), width, '  │ ', '  │ '), '');
      continue;
    }
    if (line.trim() === '') flush();
    else paragraph.push(line.trim());
  }
  flush();
  while (out.at(-1) === '') out.pop();
  return `${out.join('\n')}\n`;
}
