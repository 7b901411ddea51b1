/**
 * The learner's progress: which lessons' exercises passed verify.
 *
 * Stored per user in `$XDG_CONFIG_HOME/looplab/progress.json` (`~/.config/looplab` when the
 * variable is unset or not absolute, as the XDG Base Directory spec says), written atomically.
 * A file that cannot be read as progress is moved aside and reported, never silently dropped:
 * it may hold a learner's history that a newer or older looplab wrote.
 */
import { readFile, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
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
    return `not JSON: ${(err as Error).message}`;
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
  /** Set when the file was corrupt: what happened to it. */
  warning?: string;
}

/** Reads progress; a missing file is no progress yet, a corrupt one is backed up and reported. */
export async function loadProgress(path: string, now = new Date()): Promise<Loaded> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { progress: emptyProgress() };
    throw new LooplabError(
      ERROR_CODES.NO_SUCH_FILE,
      `cannot read the progress file ${path} (${(err as NodeJS.ErrnoException).code}); check its permissions`,
    );
  }
  const parsed = parseProgress(text);
  if (typeof parsed !== 'string') return { progress: parsed };
  const backup = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  await rename(path, backup);
  return {
    progress: emptyProgress(),
    warning: `the progress file ${path} was corrupt (${parsed}); it was moved to ${backup} and progress starts afresh`,
  };
}

export const saveProgress = (path: string, progress: Progress): Promise<void> =>
  writeFileAtomic(path, jsonText(progress));

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
