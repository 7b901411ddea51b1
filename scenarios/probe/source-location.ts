/**
 * Where a captured frame is in the code a person wrote. V8 reports positions in the JavaScript
 * it runs, which for compiled TypeScript (`dist/*.js` from tsc) is not the file the reader knows.
 * Where Node applies source maps itself (tsx, --enable-source-maps), the capture has already
 * mapped the frame on the main thread. Otherwise a file whose last line names a source map (a
 * `.map` file beside it, or an inline data: URL) is mapped back through it here, on the worker,
 * with node:module's SourceMap; a file without one (plain JavaScript, or Node's type stripping,
 * which keeps every line where it was) is shown as it is.
 */
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { displayPath, type ResolvedFrame } from './stacks.ts';

/** The last `//# sourceMappingURL=` of a script's text. */
export function sourceMappingUrl(text: string): string | undefined {
  const tail = text.slice(-8192).match(/\/\/[#@] sourceMappingURL=(\S+)\s*$/);
  if (tail) return tail[1];
  // An inline map can be longer than the tail.
  const all = [...text.matchAll(/\/\/[#@] sourceMappingURL=(\S+)\s*$/gm)];
  return all.at(-1)?.[1];
}

function readSourceMap(mapUrl: URL): SourceMap | null {
  try {
    let text: string;
    if (mapUrl.protocol === 'data:') {
      const comma = mapUrl.href.indexOf(',');
      const head = mapUrl.href.slice('data:'.length, comma);
      const body = mapUrl.href.slice(comma + 1);
      text = head.endsWith(';base64')
        ? Buffer.from(body, 'base64').toString('utf8')
        : decodeURIComponent(body);
    } else if (mapUrl.protocol === 'file:') {
      text = readFileSync(fileURLToPath(mapUrl), 'utf8');
    } else {
      return null;
    }
    return new SourceMap(JSON.parse(text) as SourceMapPayload);
  } catch {
    // A map that is missing or malformed only costs the mapping: the generated position stands.
    return null;
  }
}

/** A script's file as a URL: V8 names ES modules by URL and CommonJS ones by path. */
function fileUrl(file: string): URL | null {
  try {
    if (file.startsWith('file:')) return new URL(file);
    if (isAbsolute(file)) return pathToFileURL(file);
  } catch {}
  return null;
}

/** A stalled loop repeats its stacks: a few thousand distinct frames is a large app. */
const MAX_CACHED_FRAMES = 10_000;

/** Resolves frames against their scripts' source maps, each script and map read once. */
export class SourceLocator {
  readonly #maps = new Map<string, { map: SourceMap; base: URL } | null>();
  /** Every frame resolved so far: a sample is mostly frames seen before. */
  readonly #frames = new Map<string, ResolvedFrame>();
  readonly #root: string;
  readonly #cwd: string;

  constructor(root: string, cwd: string) {
    this.#root = root;
    this.#cwd = cwd;
  }

  #mapOf(script: URL): { map: SourceMap; base: URL } | null {
    const cached = this.#maps.get(script.href);
    if (cached !== undefined) return cached;
    let found: { map: SourceMap; base: URL } | null = null;
    try {
      const ref = sourceMappingUrl(readFileSync(fileURLToPath(script), 'utf8'));
      if (ref) {
        const mapUrl = new URL(ref, script);
        const map = readSourceMap(mapUrl);
        // An inline map's sources are relative to the script itself.
        if (map) found = { map, base: mapUrl.protocol === 'data:' ? script : mapUrl };
      }
    } catch {}
    this.#maps.set(script.href, found);
    return found;
  }

  /**
   * One frame; `line` and `column` are 1-based, as V8's call sites give them. `mapped`: already
   * in source terms (Node mapped it), so only the file's name is made readable.
   */
  locate(
    name: string,
    file: string | null,
    line: number | null,
    column: number | null,
    mapped = false,
  ): ResolvedFrame {
    const key = `${name}\0${file}\0${line}\0${column}\0${mapped}`;
    const known = this.#frames.get(key);
    if (known) return known;
    const frame = this.#resolve(name, file, line, column, mapped);
    if (this.#frames.size >= MAX_CACHED_FRAMES) this.#frames.clear();
    this.#frames.set(key, frame);
    return frame;
  }

  #resolve(
    name: string,
    file: string | null,
    line: number | null,
    column: number | null,
    mapped: boolean,
  ): ResolvedFrame {
    const fn = name || '(anonymous)';
    // V8's built-ins (no file) and Node's own modules are both "internal".
    if (file === null || file.startsWith('node:'))
      return { function: fn, file: null, line: null, internal: true };
    const url = fileUrl(file);
    if (!url) return { function: fn, file, line, internal: false };
    const entry =
      !mapped && line !== null
        ? (this.#mapOf(url)?.map.findEntry(line - 1, (column ?? 1) - 1) as
            | { originalSource?: string; originalLine?: number }
            | undefined)
        : undefined;
    if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
      const base = this.#mapOf(url)?.base ?? url;
      return {
        function: fn,
        file: this.#show(new URL(entry.originalSource, base)),
        line: entry.originalLine + 1,
        internal: false,
      };
    }
    return { function: fn, file: this.#show(url), line, internal: false };
  }

  #show(url: URL): string {
    return url.protocol === 'file:'
      ? displayPath(fileURLToPath(url), this.#root, this.#cwd)
      : url.href;
  }
}
