/**
 * The page's own code, served from the compiled package: `/m/<path>` reads `dist/<path>`, and
 * only from the folders the page and its charts compile to. A request for anything else (the
 * harness, a source map, `../` or a link out of those folders) is not found, so the page server
 * can never hand out more than the page itself.
 */
import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** Where the page's modules compile to, under dist/: the page and the one chart renderer. */
export const MODULE_FOLDERS = ['bench/live/page/', 'bench/render/chart/'] as const;

/** The URL prefix of the page's modules. */
export const MODULE_PREFIX = '/m/';

/**
 * The path under `root` that a URL path (`/m/bench/live/page/main.js`) names, when it is allowed
 * by its shape: a `.js` file in one of `folders`, with no `..`, `.`, empty or encoded segment.
 * Null otherwise. The file's real path is checked separately (moduleFile).
 */
export function modulePath(
  urlPath: string,
  folders: readonly string[] = MODULE_FOLDERS,
): string | null {
  if (!urlPath.startsWith(MODULE_PREFIX)) return null;
  const rest = urlPath.slice(MODULE_PREFIX.length);
  // Plain names only: no percent-encoding (an encoded `/` or `.` would slip past the checks),
  // no backslash, no query.
  if (!/^[A-Za-z0-9_\-./]+$/.test(rest) || !rest.endsWith('.js')) return null;
  const segments = rest.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return null;
  if (!folders.some((f) => rest.startsWith(f))) return null;
  return rest;
}

/**
 * The file a module request names, after following links: inside one of `folders` under `root`,
 * or null (then the answer is 404).
 */
export async function moduleFile(
  root: string,
  urlPath: string,
  folders: readonly string[] = MODULE_FOLDERS,
): Promise<string | null> {
  const rel = modulePath(urlPath, folders);
  if (rel === null) return null;
  let real: string;
  try {
    real = await realpath(join(root, rel));
  } catch {
    return null;
  }
  for (const folder of folders) {
    if (!rel.startsWith(folder)) continue;
    let base: string;
    try {
      base = await realpath(join(root, folder));
    } catch {
      return null;
    }
    if (real.startsWith(base + sep)) return real;
  }
  return null;
}
