/**
 * Does a long benchmark stay flat? Runs `looplab bench` for many short runs (a journal beside
 * it), reads the CLI process's resident memory from /proc every few seconds, then stops it with
 * SIGINT (Ctrl-C) and checks that the partial report holds every run the journal holds. Prints
 * RSS against completed runs, and the growth per 100 runs fitted over the whole soak but its
 * first tenth (the runtime's own start-up growth). RSS swings with the garbage collector, so the
 * CLI also runs with --trace-gc, and the heap left live after each full (mark-compact) collection
 * is fitted the same way: that is what grows if runs are retained. Linux only: it reads
 * /proc/<pid>/status.
 *
 *   npm run build && nice -n 19 node dist/scripts/dev/soak.js [minutes, default 30] [scenario, default busy-wait]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../core/package-info.ts';

const minutes = Number(process.argv[2] ?? 30);
const scenario = process.argv[3] ?? 'busy-wait';
const SAMPLE_MS = 5_000;

if (!existsSync('/proc/self/status')) {
  process.stderr.write('soak: reads /proc/<pid>/status, which this platform lacks (Linux only)\n');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'looplab-soak-'));
const journal = join(dir, 'soak.ndjson');
const report = join(dir, 'soak.json');
const cli = spawn(
  process.execPath,
  [
    // The servers it forks get their own execArgv, without this.
    '--trace-gc',
    join(packageRoot(), 'dist', 'scripts', 'cli.js'),
    'bench',
    scenario,
    '--runs',
    '1000',
    '--duration',
    '1',
    '--warmup',
    '0.2',
    '--no-ceiling',
    '--journal',
    journal,
    '--json',
    report,
    '--quiet',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
/** Heap live after each full collection (MiB), with the runs completed at that moment. */
const afterFullGc: { runs: number; heapMiB: number }[] = [];
let pending = '';
cli.stdout.on('data', (chunk: Buffer) => {
  const lines = (pending + chunk.toString()).split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    // `Mark-Compact 56.5 (75.3) -> 47.0 (81.6) MB`: used before (committed) -> used after.
    const after = /Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/.exec(line)?.[1];
    if (after !== undefined) afterFullGc.push({ runs: journalRuns(), heapMiB: Number(after) });
  }
});
const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));

const rssMiB = (pid: number): number | null => {
  try {
    const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? null : Number(kib) / 1024;
  } catch {
    return null; // It has exited.
  }
};
const journalRuns = (): number => {
  if (!existsSync(journal)) return 0;
  // The header is the first line; a torn last line has no newline yet.
  const lines = readFileSync(journal, 'utf8').split('\n');
  return Math.max(0, lines.length - 2);
};

interface Sample {
  elapsedS: number;
  runs: number;
  rssMiB: number;
}
const samples: Sample[] = [];
const started = performance.now();
const endAt = started + minutes * 60_000;
process.stdout.write(
  `soak: ${scenario}, ${minutes} min, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n| elapsed s | runs | RSS MiB |\n|---:|---:|---:|\n`,
);
let printedAt = -Infinity;
while (performance.now() < endAt && cli.exitCode === null) {
  await new Promise((r) => setTimeout(r, SAMPLE_MS));
  const rss = cli.pid === undefined ? null : rssMiB(cli.pid);
  if (rss === null) break;
  const sample = {
    elapsedS: (performance.now() - started) / 1000,
    runs: journalRuns(),
    rssMiB: rss,
  };
  samples.push(sample);
  if (sample.elapsedS - printedAt >= 60) {
    printedAt = sample.elapsedS;
    process.stdout.write(
      `| ${sample.elapsedS.toFixed(0)} | ${sample.runs} | ${sample.rssMiB.toFixed(1)} |\n`,
    );
  }
}
cli.kill('SIGINT');
const code = await exited;

/** Least squares of `y` on runs past the first tenth of the soak, per 100 runs; null: too few. */
function growthPer100<T extends { runs: number }>(points: T[], y: (p: T) => number): number | null {
  const fitted = points.slice(Math.floor(points.length / 10));
  const n = fitted.length;
  const mx = fitted.reduce((s, p) => s + p.runs, 0) / n;
  const my = fitted.reduce((s, p) => s + y(p), 0) / n;
  const sxx = fitted.reduce((s, p) => s + (p.runs - mx) ** 2, 0);
  const sxy = fitted.reduce((s, p) => s + (p.runs - mx) * (y(p) - my), 0);
  return n >= 3 && sxx > 0 ? (sxy / sxx) * 100 : null;
}
const per100 = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)} MiB per 100 runs`);
const slope = growthPer100(samples, (p) => p.rssMiB);
const heapSlope = growthPer100(afterFullGc, (p) => p.heapMiB);
const gcFirst = afterFullGc[0];
const gcLast = afterFullGc.at(-1);
const first = samples[0];
const last = samples.at(-1);
const peak = Math.max(...samples.map((p) => p.rssMiB));

let inReport: number | null = null;
if (existsSync(report)) {
  const doc = JSON.parse(readFileSync(report, 'utf8')) as {
    complete?: boolean;
    results: { runs: unknown[] }[];
  };
  inReport = doc.results.reduce((s, r) => s + r.runs.length, 0);
  process.stdout.write(`report: complete ${doc.complete}, ${inReport} runs\n`);
}
const journaled = journalRuns();
process.stdout.write(
  `exit ${code} (130 expected); RSS ${first?.rssMiB.toFixed(1)} MiB after ${first?.runs} runs, ` +
    `${last?.rssMiB.toFixed(1)} MiB after ${last?.runs} runs (${last?.elapsedS.toFixed(0)} s), peak ${peak.toFixed(1)}; ` +
    `growth ${per100(slope)} past the first tenth; ` +
    `heap after a full GC ${gcFirst?.heapMiB ?? 'n/a'} MiB after ${gcFirst?.runs} runs, ${gcLast?.heapMiB ?? 'n/a'} after ${gcLast?.runs} (${afterFullGc.length} full GCs), growth ${per100(heapSlope)}; ` +
    `journal ${journaled} runs, report ${inReport ?? 'none'}\n`,
);
rmSync(dir, { recursive: true, force: true });
process.exitCode = code === 130 && inReport === journaled ? 0 : 1;
