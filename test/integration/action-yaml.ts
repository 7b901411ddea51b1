/**
 * The YAML that action.yml is written in, read for the action's test: block maps, block lists,
 * `|` literals, plain and quoted scalars, comments. Anything else throws, so that action.yml
 * cannot grow a construct the test would silently misread.
 */

export type Yaml = string | Yaml[] | { [key: string]: Yaml };

interface Line {
  indent: number;
  text: string;
  no: number;
}

function scalar(s: string, no: number): string {
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new SyntaxError(`line ${no}: unclosed quote`);
    return s.slice(1, -1).replace(/''/g, "'");
  }
  if (s.startsWith('"')) {
    if (!s.endsWith('"') || s.length < 2) throw new SyntaxError(`line ${no}: unclosed quote`);
    if (s.includes('\\')) throw new SyntaxError(`line ${no}: escapes are not read here`);
    return s.slice(1, -1);
  }
  if (/^[&*!|>{[@`%]/.test(s)) throw new SyntaxError(`line ${no}: unsupported YAML: ${s}`);
  return s;
}

/** A comment starts at `#` after a space, outside quotes. */
function stripComment(s: string): string {
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      if (i === 0 || s[i - 1] === ' ') quote = c;
    } else if (c === '#' && (i === 0 || s[i - 1] === ' ')) {
      return s.slice(0, i).trimEnd();
    }
  }
  return s.trimEnd();
}

export function parseYaml(text: string): Yaml {
  const raw = text.split('\n');
  let i = 0;

  const next = (): Line | null => {
    while (i < raw.length) {
      const line = raw[i] as string;
      if (line.includes('\t')) throw new SyntaxError(`line ${i + 1}: a tab`);
      const text = stripComment(line);
      if (text.trim() === '') {
        i++;
        continue;
      }
      return { indent: text.length - text.trimStart().length, text: text.trim(), no: i + 1 };
    }
    return null;
  };

  /** The lines of a `|` literal: every line indented deeper than its key, comments kept. */
  const literal = (parentIndent: number): string => {
    const lines: string[] = [];
    let indent: number | null = null;
    while (i < raw.length) {
      const line = raw[i] as string;
      if (line.trim() === '') {
        lines.push('');
        i++;
        continue;
      }
      const own = line.length - line.trimStart().length;
      if (own <= parentIndent) break;
      indent ??= own;
      lines.push(line.slice(indent));
      i++;
    }
    while (lines.at(-1) === '') lines.pop();
    return `${lines.join('\n')}\n`;
  };

  /** A value after `key:` on the same line, or the block below it. */
  const value = (rest: string, indent: number, no: number): Yaml => {
    if (rest === '|') return literal(indent);
    if (rest !== '') return scalar(rest, no);
    const child = next();
    if (!child || child.indent <= indent) return '';
    return block(child.indent);
  };

  const map = (indent: number, into: Record<string, Yaml> = {}): Record<string, Yaml> => {
    for (let line = next(); line && line.indent === indent; line = next()) {
      if (line.text.startsWith('- ')) break;
      const m = /^([A-Za-z0-9_.-]+):(?: (.*))?$/.exec(line.text);
      if (!m) throw new SyntaxError(`line ${line.no}: expected key: value, got ${line.text}`);
      const key = m[1] as string;
      if (key in into) throw new SyntaxError(`line ${line.no}: ${key} twice`);
      i++;
      into[key] = value((m[2] ?? '').trim(), indent, line.no);
    }
    return into;
  };

  const list = (indent: number): Yaml[] => {
    const items: Yaml[] = [];
    for (
      let line = next();
      line && line.indent === indent && line.text.startsWith('- ');
      line = next()
    ) {
      const rest = line.text.slice(2);
      const itemIndent = indent + 2;
      if (/^[A-Za-z0-9_.-]+:( |$)/.test(rest)) {
        // `- key: value` opens a map whose other keys sit under `key`.
        raw[i] = `${' '.repeat(itemIndent)}${rest}`;
        items.push(map(itemIndent));
      } else {
        i++;
        items.push(scalar(rest, line.no));
      }
    }
    return items;
  };

  const block = (indent: number): Yaml => {
    const line = next();
    if (!line) return '';
    return line.text.startsWith('- ') ? list(indent) : map(indent);
  };

  const doc = block(0);
  const rest = next();
  if (rest) throw new SyntaxError(`line ${rest.no}: unexpected indentation`);
  return doc;
}
