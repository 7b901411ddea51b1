/**
 * What the lesson tests share: a learner's home (a temporary folder with its own progress file),
 * the CLI run as a learner without a terminal runs it, and the lessons' own files.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { reapAll } from '../../bench/run/process/child.ts';
import { packageRoot } from '../../core/package-info.ts';
import { CLI, runToEnd } from './helpers.ts';

/** The learner's home of the running test file, set by `useLearnerHome` before its tests. */
export let home = '';

/** Makes a home for this file's tests before they run; after them, reaps every server and removes it. */
export function useLearnerHome(prefix: string): void {
  before(async () => {
    home = await mkdtemp(join(tmpdir(), prefix));
  });
  after(async () => {
    await reapAll();
    await rm(home, { recursive: true, force: true });
  });
}

/** Runs the CLI in `cwd` with its own progress file, as a learner without a terminal would. */
export function looplab(args: string[], env: NodeJS.ProcessEnv = {}, cwd = home) {
  return runToEnd(process.execPath, [CLI, ...args], cwd, {
    NO_COLOR: '1',
    XDG_CONFIG_HOME: join(home, 'config'),
    ...env,
  });
}

/** A file of a lesson's folder: `source('the-waiter', 'solution.ts')`. */
export const source = (id: string, file: string) => join(packageRoot(), 'lessons', id, file);

/**
 * Short windows: these tests check that every claim gets a measured number, not that it holds.
 * Not shorter than 1 s: ten reads of a 16 MiB file at once take most of a second here, and a
 * window in which no request finished is a failed run.
 */
export const SHORT = ['--runs', '1', '--duration', '1', '--warmup', '0.2'];
