/**
 * The page's Save: one self-contained HTML file of the session so far, that a learner can keep or
 * share. It draws with the page's own code (page/saved.ts, which imports the page's model and
 * drawing and the one chart renderer), bundled into one inline script by esbuild (already
 * looplab's, for compiling handlers), from the same compiled modules /m/ serves and from nowhere
 * else. Its script and style are allowed by their hashes; it loads nothing.
 */
import { createHash } from 'node:crypto';
import { join, relative, resolve, sep } from 'node:path';
import type { LiveEvent, SessionEvent } from './events.ts';
import { type SavedData, savedPageHtml } from './page/html.ts';
import { LIVE_CSS } from './page/style.ts';
import { MODULE_FOLDERS, moduleFile } from './page-modules.ts';

/** The saved copy's entry, under the module root (dist/). */
const ENTRY = 'bench/live/page/saved.js';

export const cspHash = (text: string) =>
  `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;

/**
 * The session's time the page was showing: the newest event's, and while running, the time since
 * it came, as the page's own clock counts (so a silence still under way is saved as a band).
 */
export function savedNowMs(
  lastElapsedMs: number,
  running: boolean,
  sinceLastEventMs: number,
): number {
  return lastElapsedMs + (running ? Math.max(0, sinceLastEventMs) : 0);
}

/** `looplab-live-busy-wait-2026-12-06T03-50-12Z.html`: a name any file system takes. */
export function savedFileName(scenario: string | null, savedAt: string): string {
  const name = (scenario ?? 'server').replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 60);
  return `looplab-live-${name}-${savedAt.slice(0, 19).replace(/:/g, '-')}Z.html`;
}

const bundles = new Map<string, Promise<string>>();

/**
 * saved.js and its imports as one script, once per module root. Every file it takes in must be
 * one /m/ would serve (checked by real path): a saved copy holds the page's code and no more.
 *
 * @throws {Error} when a module is missing or outside the folders (a broken install).
 */
export function savedScript(moduleRoot: string): Promise<string> {
  let bundle = bundles.get(moduleRoot);
  if (!bundle) {
    bundle = bundleSaved(moduleRoot);
    bundles.set(moduleRoot, bundle);
    // A failure is not kept: the next Save tries again.
    bundle.catch(() => bundles.delete(moduleRoot));
  }
  return bundle;
}

async function bundleSaved(root: string): Promise<string> {
  const entry = await moduleFile(root, `/m/${ENTRY}`);
  if (entry === null) throw new Error(`the saved copy's script is missing: ${join(root, ENTRY)}`);
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    // The metafile names its inputs relative to this: the module root itself.
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // No legal comments or source map: nothing in the file points anywhere.
    legalComments: 'none',
    sourcemap: false,
  });
  for (const input of Object.keys(result.metafile.inputs)) {
    const rel = relative(root, resolve(root, input)).split(sep).join('/');
    if ((await moduleFile(root, `/m/${rel}`)) === null)
      throw new Error(`the saved copy's script would take in ${input}, outside ${MODULE_FOLDERS}`);
  }
  const text = result.outputFiles[0]?.text ?? '';
  // The script sits inside <script>…</script>: a `</script` in a string would end it early.
  // `<\/` means `</` in every string and template literal, and the page's code has no regex with it.
  return text.replace(/<\/(script)/gi, '<\\/$1');
}

export interface SaveInput {
  session: SessionEvent;
  /** Every event the page server holds, oldest first (a history-lost warning first if any fell out). */
  events: readonly LiveEvent[];
  nowMs: number;
  savedAt: Date;
  moduleRoot: string;
}

/** The saved copy's HTML. */
export async function savedPage(input: SaveInput): Promise<string> {
  const script = await savedScript(input.moduleRoot);
  const data: SavedData = {
    savedAt: input.savedAt.toISOString(),
    nowMs: input.nowMs,
    events: [input.session, ...input.events],
  };
  return savedPageHtml({
    data,
    script,
    css: LIVE_CSS,
    scriptHash: cspHash(script),
    styleHash: cspHash(LIVE_CSS),
  });
}
