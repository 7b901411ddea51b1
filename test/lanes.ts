/**
 * Runs the integration tests in two lanes at once, so that `npm test` fits its time on two cores
 * as the curriculum grows:
 *
 * - the measuring lane: every file whose assertions depend on what a run measured (lag, /ping,
 *   throughput, CPU per request, verify's verdicts), one file at a time, at normal priority;
 * - the checking lane: the files listed in CHECKING, which only check behaviour (bad input,
 *   output formats, the schema, a browser's rendering, answers, faults and reaping), at a low
 *   CPU priority (nice 10), so they take the CPU the measuring lane leaves idle (server starts,
 *   timers, waiting variants) and mostly yield it when a measurement wants it.
 *
 * A file not listed is measuring: a new test is safe by default. The checking lane's output is
 * held back and printed after the measuring lane's, whole. Exit code: the worse of the two.
 *
 * Usage: node dist/test/lanes.js [file.test.js ...]  (default: every dist/test/integration file)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Files that assert nothing a busy machine could change, by their base name. */
export const CHECKING = new Set([
  'app-faults',
  'child',
  'cli',
  'compare-cli',
  'doctor',
  'equivalence',
  'event-loop-order',
  'exercise-faults',
  'faults',
  'fuzz',
  'html',
  'interrupt',
  'lesson-cli',
  'lesson-facts',
  'live-page',
  'live-page-browser',
  'live-page-server',
  'live-save',
  'live-signals',
  'outputs',
  'own-server-processes',
  'pack',
  'probe-socket',
  'progress-file',
  'processes',
  'report-schema',
  'resume',
  'sweep-cli',
  'websocket-room',
  'upstream',
  'warm-connections',
]);

/**
 * Low, not the lowest: a checking file's own short benchmarks must still answer requests in
 * their windows beside a measuring run (at nice 19 one of them once ended with exit 1). At 10
 * a checking process gets about a tenth of a core a measuring process also wants.
 */
const LOW_PRIORITY = 10;

/** `dist/test/integration/cli.test.js` → `cli`. */
export const testName = (file: string) => basename(file).replace(/\.test\.js$/, '');

/** The two lanes of `files`, each in the order given. */
export function lanes(files: readonly string[]): { measuring: string[]; checking: string[] } {
  const measuring = files.filter((f) => !CHECKING.has(testName(f)));
  const checking = files.filter((f) => CHECKING.has(testName(f)));
  return { measuring, checking };
}

/**
 * A file's bound: on Node 20 a test file that never ends (a failed test's interval left running
 * once held CI's suite for 76 minutes) fails after 40 minutes, and on later Node a test does.
 * Not --test-force-exit: on Node 24 it ended files with tests still to run, silently (compare's
 * 44 tests ran as 21 to 44), and on Node 20 now and then too.
 */
export const RUNNER_FLAGS = ['--test-timeout=2400000'];

function run(files: string[], capture: boolean): { child: ChildProcess; output: () => string } {
  const child = spawn(
    process.execPath,
    ['--test', '--test-concurrency=1', ...RUNNER_FLAGS, ...files],
    {
      stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'],
    },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  return { child, output: () => out };
}

const exited = (child: ChildProcess) =>
  new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

async function main(): Promise<void> {
  const here = fileURLToPath(new URL('./integration/', import.meta.url));
  const given = process.argv.slice(2);
  const files =
    given.length > 0
      ? given
      : readdirSync(here)
          .filter((f) => f.endsWith('.test.js'))
          .sort()
          .map((f) => join(here, f));
  const { measuring, checking } = lanes(files);
  const started = performance.now();
  const children: ChildProcess[] = [];
  // A Ctrl-C reaches both lanes through the terminal's process group; a kill of this process
  // alone is passed on, so that no lane outlives it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      for (const c of children) c.kill(signal);
    });
  const seconds = () => ((performance.now() - started) / 1000).toFixed(0);

  let checkingDone: Promise<{ code: number; text: string; at: string }> = Promise.resolve({
    code: 0,
    text: '',
    at: '0',
  });
  if (checking.length > 0) {
    const lane = run(checking, true);
    children.push(lane.child);
    // Before the runner forks the first test file (it reads its arguments first): every file's
    // process, and every server it starts, inherits the priority.
    try {
      if (lane.child.pid !== undefined) setPriority(lane.child.pid, LOW_PRIORITY);
    } catch {
      // Best effort: where the priority cannot be lowered, the lanes still run side by side.
    }
    checkingDone = exited(lane.child).then((code) => ({
      code,
      text: lane.output(),
      at: seconds(),
    }));
  }
  let measuringCode = 0;
  if (measuring.length > 0) {
    const lane = run(measuring, false);
    children.push(lane.child);
    measuringCode = await exited(lane.child);
  }
  const measuredAt = seconds();
  const checked = await checkingDone;
  if (checking.length > 0) {
    process.stdout.write(
      `\n# ---- the checking lane (${checking.map(testName).join(', ')}), at nice ${LOW_PRIORITY} ----\n`,
    );
    process.stdout.write(checked.text);
  }
  process.stdout.write(
    `\n# lanes: measuring ${measuring.length} files ${measuringCode === 0 ? 'passed' : 'FAILED'} in ${measuredAt} s; ` +
      `checking ${checking.length} files ${checked.code === 0 ? 'passed' : 'FAILED'} in ${checked.at} s\n`,
  );
  process.exitCode = Math.max(measuringCode, checked.code);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
