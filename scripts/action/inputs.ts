/**
 * The GitHub Action's inputs (action.yml), read from the environment its steps are given and
 * checked before anything is installed or run. Pure: the environment is passed in.
 *
 * A composite action's run steps get no INPUT_* variables of their own; action.yml passes each
 * input as one, by env, so that no input is ever pasted into a shell script.
 */
import { parseMetrics, parseThresholds } from '../../bench/compare/options.ts';
import { ERROR_CODES, LooplabError, listChoices } from '../../core/errors.ts';

export interface ActionInputs {
  /** The command that starts the app, run in each checkout; null when scenarios are benched. */
  start: string | null;
  paths: string[];
  /** looplab's own scenarios, in both checkouts (a looplab fork); empty with `start`. */
  scenarios: string[];
  runs: number;
  /** bench's own default when null. */
  durationSec: number | null;
  connections: number | null;
  metrics: string[];
  threshold: string[];
  failOnRegression: boolean;
  comment: 'sticky' | 'off';
  exportFormat: 'gab' | null;
  workingDirectory: string;
}

/** Fewer runs a side give compare a warning, never a verdict: a gate would always pass. */
export const MIN_RUNS = 3;

type Env = Readonly<Record<string, string | undefined>>;

const bad = (input: string, why: string) =>
  new LooplabError(ERROR_CODES.BAD_OPTION, `input ${input}: ${why}`);

/** An input's value, trimmed; '' when unset, as GitHub passes an input left out. */
function raw(env: Env, input: string): string {
  return (env[`INPUT_${input.toUpperCase().replace(/-/g, '_')}`] ?? '').trim();
}

/** Words separated by spaces or new lines (a YAML block scalar gives one a line). */
const words = (s: string) => s.split(/\s+/).filter((w) => w.length > 0);

function wholeNumber(env: Env, input: string, min: number, max: number): number | null {
  const s = raw(env, input);
  if (s === '') return null;
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < min || n > max) {
    throw bad(input, `"${s}" is not a whole number from ${min} to ${max}`);
  }
  return n;
}

function choice<T extends string>(env: Env, input: string, choices: readonly T[], empty: T): T {
  const s = raw(env, input) || empty;
  if (!(choices as readonly string[]).includes(s)) {
    throw bad(input, `"${s}" is not one of ${listChoices(choices)}`);
  }
  return s as T;
}

/** compare's own check of a flag, its message naming the input rather than the flag. */
function asInput(input: string, check: () => unknown): void {
  try {
    check();
  } catch (e) {
    throw bad(input, (e as Error).message.replace(/--(threshold|metrics)/g, input));
  }
}

/**
 * Every input, checked.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION naming the input: neither `start` nor
 *   `scenarios`, or both; a path without a leading `/`; a bad number, threshold or metric.
 */
export function readInputs(env: Env): ActionInputs {
  const start = raw(env, 'start');
  const scenarios = words(raw(env, 'scenarios'));
  const paths = words(raw(env, 'paths'));
  if (start === '' && scenarios.length === 0) {
    throw bad(
      'start',
      'give start (the command that starts your app) or scenarios (looplab’s own)',
    );
  }
  if (start !== '' && scenarios.length > 0) {
    throw bad('scenarios', 'give start or scenarios, not both');
  }
  if (scenarios.length > 0 && paths.length > 0) {
    throw bad('paths', 'paths are routes of your app, for start; scenarios have their own');
  }
  for (const p of paths) {
    if (!p.startsWith('/')) throw bad('paths', `"${p}" does not start with /`);
  }
  const threshold = words(raw(env, 'threshold'));
  const metrics = words(raw(env, 'metrics'));
  asInput('threshold', () => parseThresholds(threshold));
  asInput('metrics', () => parseMetrics(metrics));
  const workingDirectory = raw(env, 'working-directory') || '.';
  if (workingDirectory.startsWith('/') || workingDirectory.split(/[\\/]/).includes('..')) {
    throw bad('working-directory', `"${workingDirectory}" must be a folder inside the repository`);
  }
  const failOnRegression = choice(env, 'fail-on-regression', ['true', 'false'], 'true');
  const exportFormat = choice(env, 'export', ['gab', 'none'], 'none');
  return {
    start: start === '' ? null : start,
    paths: start !== '' && paths.length === 0 ? ['/'] : paths,
    scenarios,
    runs: wholeNumber(env, 'runs', MIN_RUNS, 1000) ?? 10,
    durationSec: wholeNumber(env, 'duration', 1, 3600),
    connections: wholeNumber(env, 'connections', 1, 1000),
    metrics,
    threshold,
    failOnRegression: failOnRegression === 'true',
    comment: choice(env, 'comment', ['sticky', 'off'], 'sticky'),
    exportFormat: exportFormat === 'gab' ? 'gab' : null,
    workingDirectory,
  };
}

/**
 * The artifact's name: `looplab-report`, and for an app in a folder, the folder after it, so that
 * two uses of the action in one run (one for each app) do not collide: upload-artifact@v4 fails
 * on a name already taken. Without the characters an artifact's name may not have.
 */
export function artifactName(workingDirectory: string): string {
  const folder = workingDirectory
    .replace(/[\\/]+$/, '')
    .replace(/^\.\//, '')
    .replace(/[":<>|*?\r\n\\/]+/g, '-');
  return folder === '' || folder === '.' ? 'looplab-report' : `looplab-report-${folder}`;
}
