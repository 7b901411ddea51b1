/**
 * The window's edges, measured (issue 24): the slow-tail app's latency p99 (the tail kept), the
 * pings counted against the pings due in busy-wait sync's windows (the bystander's window) and
 * where its probe's window lay against the load's, and busy-wait sync's utilisation at
 * --warmup 0 (the generator loaded before the window).
 *
 * Usage: node dist/scripts/dev/window-edges.js   (about 40 s)
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { CompletedRun, Report } from '../../bench/report/types.ts';
import { packageRoot } from '../../core/package-info.ts';

const cli = join(packageRoot(), 'dist', 'scripts', 'cli.js');
const bench = (args: string[]): CompletedRun[] => {
  const out = execFileSync('node', [cli, 'bench', ...args, '--json', '--quiet'], {
    encoding: 'utf8',
  });
  const report = JSON.parse(out) as Report;
  return report.results.flatMap((r) =>
    r.runs.filter((run): run is CompletedRun => run.state === 'completed'),
  );
};

const app = join(packageRoot(), 'test', 'fixtures', 'apps', 'slow-tail-app.cjs');
for (const run of bench(['--cmd', `node ${app}`, '--runs', '1', '--duration', '3']))
  console.log(`slow tail: latency p99 ${run.latencyP99Ms} ms, max ${run.latencyMaxMs} ms`);

const sync = ['busy-wait', '--variant', 'sync'];
for (const run of bench([...sync, '--param', 'ms=100', '--runs', '2', '--duration', '3']))
  console.log(
    `busy-wait ms=100: ${run.pingSent} pings counted, ${3 * 50} due (3 s at 50/s); ` +
      `probe window ${run.serverWindowStartMs}–${run.serverWindowEndMs} ms, load 0–${run.windowMs}`,
  );

for (const run of bench([...sync, '--warmup', '0', '--duration', '2', '--runs', '2']))
  console.log(
    `--warmup 0: ELU ${run.elu}, load window ${run.windowMs} ms, probe window ${run.serverWindowMs} ms`,
  );
