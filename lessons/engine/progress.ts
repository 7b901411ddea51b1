/**
 * The learner's progress: which lessons' exercises passed verify.
 *
 * Stored per user in `$XDG_CONFIG_HOME/looplab/progress.json` (`~/.config/looplab` when the
 * variable is unset or not absolute, as the XDG Base Directory spec says), written atomically.
 * A file that cannot be read as progress is moved aside and reported, never silently dropped:
 * it may hold a learner's history that a newer or older looplab wrote. One that cannot be read
 * at all, or moved aside, is a warning too: no lesson command fails for its progress file.
 *
 * A change is made by reading the file again when it is saved (`updateProgress`), not by saving
 * a copy read earlier: a `looplab reset` made while a `verify` ran is not undone when that verify
 * records its pass.
 */
import { readFile, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { jsonText } from '../../core/json.ts';
import { writeFileAtomic } from '../../core/write-atomic.ts';

export interface Progress {
  version: 1;
  /** Lesson id → when its exercise first passed verify. */
  passed: Record<string, { at: string }>;
}

export const emptyProgress = (): Progress => ({ version: 1, passed: {} });

/** The file progress lives in, for this environment. */
export function progressPath(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.config'), 'looplab', 'progress.json');
}

/** Parses a progress file's text; a string result says why it is not progress. */
export function parseProgress(text: string): Progress | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    // One line: the message quotes the text, newlines and all.
    return `not JSON: ${(err as Error).message.replace(/\s+/g, ' ')}`;
  }
  if (typeof data !== 'object' || data === null) return 'not a JSON object';
  const { version, passed } = data as { version?: unknown; passed?: unknown };
  if (version !== 1) return `unknown version ${JSON.stringify(version)}`;
  if (typeof passed !== 'object' || passed === null || Array.isArray(passed))
    return '"passed" is not an object';
  for (const [id, entry] of Object.entries(passed)) {
    if (typeof (entry as { at?: unknown })?.at !== 'string') return `"passed.${id}" has no "at"`;
  }
  return data as Progress;
}

export interface Loaded {
  progress: Progress;
  /** Set when the file was corrupt or could not be read: what happened to it. */
  warning?: string;
  /** The file is there and was not read: saving over it would lose what it holds. */
  leftAsIs?: true;
}

const codeOf = (err: unknown) =>
  (err as NodeJS.ErrnoException).code ?? (err as Error).message ?? String(err);

/**
 * Reads progress; a missing file is no progress yet. A corrupt one is moved aside, and one that
 * cannot be read, or moved aside, is left as it is: each is no progress, with a warning.
 */
export async function loadProgress(path: string, now = new Date()): Promise<Loaded> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { progress: emptyProgress() };
    return {
      progress: emptyProgress(),
      warning: `cannot read the progress file ${path} (${codeOf(err)}); no lesson shows as passed; check its permissions`,
      leftAsIs: true,
    };
  }
  const parsed = parseProgress(text);
  if (typeof parsed !== 'string') return { progress: parsed };
  const backup = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(path, backup);
  } catch (err) {
    return {
      progress: emptyProgress(),
      warning: `the progress file ${path} is corrupt (${parsed}), and could not be moved aside (${codeOf(err)}); it is left as it is, and no lesson shows as passed`,
      leftAsIs: true,
    };
  }
  return {
    progress: emptyProgress(),
    warning: `the progress file ${path} was corrupt (${parsed}); it was moved to ${backup} and progress starts afresh`,
  };
}

/** @throws {LooplabError} LOOPLAB_ERR_WRITE_FAILED when the file cannot be written. */
export const saveProgress = (path: string, progress: Progress): Promise<void> =>
  writeFileAtomic(path, jsonText(progress));

/**
 * Reads the file as it is now, applies `change`, and saves the result: a change made meanwhile
 * by another command is kept. A file that is there but could not be read is not written over:
 * `saved` is false, and `warning` says why.
 *
 * @throws {LooplabError} LOOPLAB_ERR_WRITE_FAILED when the file cannot be written.
 */
export async function updateProgress(
  path: string,
  change: (p: Progress) => Progress,
  now = new Date(),
): Promise<{ progress: Progress; saved: boolean; warning?: string }> {
  const { progress: before, warning, leftAsIs } = await loadProgress(path, now);
  const progress = change(before);
  if (!leftAsIs) await saveProgress(path, progress);
  return { progress, saved: !leftAsIs, ...(warning && { warning }) };
}

/** Marks a lesson passed; the first pass's time is kept. */
export function markPassed(progress: Progress, id: string, at: Date): Progress {
  if (progress.passed[id]) return progress;
  return { ...progress, passed: { ...progress.passed, [id]: { at: at.toISOString() } } };
}

/** Forgets one lesson's pass, or every pass. */
export function resetProgress(progress: Progress, id?: string): Progress {
  if (id === undefined) return emptyProgress();
  const { [id]: _, ...passed } = progress.passed;
  return { ...progress, passed };
}
