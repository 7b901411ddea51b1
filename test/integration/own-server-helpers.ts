/**
 * What the tests of `bench --cmd`, `--vs-cmd` and `--url` share: the apps in test/fixtures/apps,
 * a marker each app's process tree carries on its command line, and the report of a run.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseReport } from '../../bench/report/read.ts';
import type { CompletedRun, Report, ResultEntry } from '../../bench/report/types.ts';
import { packageRoot } from '../../core/package-info.ts';
import { cli } from './helpers.ts';

export const APPS = join(packageRoot(), 'test', 'fixtures', 'apps');
export const TSX = join(packageRoot(), 'node_modules', '.bin', 'tsx');
export const SHORT = ['--runs', '1', '--warmup', '0.3', '--duration', '1'];

/** Pids of processes whose command line holds `marker`: how a test finds an app's whole tree. */
export function pidsWith(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) pids.push(Number(name));
    } catch {}
  }
  return pids;
}

let markers = 0;
/** A unique argument for the app's command line, which its whole process tree carries. */
export const marker = () => `--looplab-test-${process.pid}-${++markers}`;

/** Runs bench with the report on stdout, and checks it against the schema. */
export async function bench(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = await cli(['bench', ...args, '--json'], env);
  const report: Report | undefined = r.stdout.trim() ? parseReport(r.stdout, 'stdout') : undefined;
  return { ...r, report };
}

export const entryOf = (
  report: Report | undefined,
  variant: string,
  scenario = 'app',
): ResultEntry => {
  const e = report?.results.find((x) => x.scenario === scenario && x.variant === variant);
  assert.ok(e, `no ${scenario} ${variant} in the report`);
  return e;
};
export const runOf = (e: ResultEntry, i = 0) => {
  const run = e.runs[i];
  assert.equal(run?.state, 'completed', JSON.stringify(run));
  return run as CompletedRun;
};

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}
