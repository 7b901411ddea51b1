/**
 * What held the loop, on real servers: each scenario's blocking function named from inside its
 * sync server, shares in the right order, the accounting against the lag timeline, a server the
 * harness never saw, and the watchdog's manners: it gives up cleanly beside an open inspector,
 * survives long stalls, a server exiting mid-stall and an interrupted CLI, and leaves no process
 * behind and no "Waiting for the debugger" at exit.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseReport } from '../../bench/report/read.ts';
import type { CompletedRun, Report, ResultEntry } from '../../bench/report/types.ts';
import { runBench } from '../../bench/run/benchmark.ts';
import { runLoad } from '../../bench/run/load/load.ts';
import { STALL_THRESHOLD_MS } from '../../bench/run/options.ts';
import { reapAll } from '../../bench/run/process/child.ts';
import { jsonText } from '../../core/json.ts';
import busyWait from '../../scenarios/catalog/busy-wait.ts';
import { defaultParams } from '../../scenarios/params.ts';
import type { StackFrame, StallsRecorded } from '../../scenarios/probe/protocol.ts';
import { getScenario, scenarioIds } from '../../scenarios/registry.ts';
import { isAlive, measuredTwice, runCli, TINY_OPTIONS, waitForExit } from './helpers.ts';

after(reapAll);

const STALLS = { ...TINY_OPTIONS, stallThresholdMs: STALL_THRESHOLD_MS };

/**
 * The function each scenario's sync variant blocks in, as the top of its stack must name it:
 * the scenario's own function, and for a call into Node's C++, the Node function it calls. A
 * scenario added to the registry must be added here.
 */
const BLOCKERS: Record<
  string,
  { params?: Record<string, number>; connections?: number; own: string; node?: string }
> = {
  'busy-wait': { own: 'spin' },
  // 1 MiB reads in under a millisecond: ten queued at once stay under the threshold. Four
  // connections, not ten: ten 32 MiB reads at once on the threadpool once finished none in a
  // 1.5 s window on a busy machine, and four queued sync reads still hold the loop past it.
  'fs-read': {
    params: { size: 32 * 1024 * 1024 },
    connections: 4,
    own: 'readSync',
    node: 'readFileSync',
  },
  'crypto-pbkdf2': { own: 'derive', node: 'pbkdf2Sync' },
  'cpu-bound': { own: 'countPrimes' },
  // The room's pastes: each holds the loop for tens of milliseconds, twice a second.
  'websocket-broadcast': { own: 'moderate' },
  // Asleep in Atomics.wait, a builtin with no frame of its own, until a worker has the answer.
  'upstream-calls': { own: 'call' },
};

/**
 * The later scenarios' sync variants, checked in one bench of their sync variants alone: the
 * function (and file) their loop is held in. sync-logging's writes each take well under the
 * threshold: its loop is held by many short blocks, which no stall records.
 */
const LATER_BLOCKERS: Record<
  string,
  { own: string; file: RegExp; node?: string; anyStack?: boolean }
> = {
  'json-parse': { own: 'priceOrder', file: /^scenarios\/catalog\/lib\/order-document\.ts$/ },
  redos: { own: 'check', file: /^scenarios\/catalog\/redos\.ts$/ },
  zlib: { own: 'handle', file: /^scenarios\/catalog\/zlib\.ts$/ },
  'tick-starvation': { own: 'step', file: /^scenarios\/catalog\/lib\/chain\.ts$/ },
  streams: { own: 'handle', file: /^scenarios\/catalog\/streams\.ts$/, anyStack: true },
};
const SHORT_BLOCKS = ['sync-logging'];
/**
 * redos's default evil input takes about the threshold here: two more '/a' take four times as
 * long. streams at 8 MiB: a 4 MiB read is over before the watchdog can sample it, and ten
 * 16 MiB answers at once may not finish inside a short window.
 */
const LATER_PARAMS: Record<string, Record<string, number>> = {
  redos: { evil: 22 },
  streams: { size: 8 * 1024 * 1024 },
};

const entryOf = (report: Report, variant: string) =>
  report.results.find((r) => r.variant === variant) as ResultEntry;
const completed = (entry: ResultEntry) => {
  const run = entry.runs[0];
  assert.equal(run?.state, 'completed', JSON.stringify(run));
  return run as CompletedRun;
};
const recorded = (run: CompletedRun) => {
  assert.equal(run.stalls?.state, 'recorded', JSON.stringify(run.stalls));
  return run.stalls as StallsRecorded;
};
const describeStacks = (s: StallsRecorded | undefined) =>
  JSON.stringify(
    s?.stacks.map((x) => [x.share, x.frames.map((f) => `${f.function}@${f.file}:${f.line}`)]),
  );

describe("each core scenario's sync variant is held by its own blocking function", () => {
  test('the tables name every scenario of the registry', () => {
    assert.deepEqual(
      [...Object.keys(BLOCKERS), ...Object.keys(LATER_BLOCKERS), ...SHORT_BLOCKS].sort(),
      [...scenarioIds()].sort(),
    );
  });

  test("the later scenarios: each sync variant's top stack is its own blocking code", (t) =>
    measuredTwice(t, async () => {
      const jobs = Object.keys(LATER_BLOCKERS).map((id) => {
        const scenario = getScenario(id);
        return {
          scenario,
          variants: ['sync'],
          params: { ...defaultParams(scenario), ...LATER_PARAMS[id] },
        };
      });
      const report = await runBench(jobs, {
        ...STALLS,
        durationSec: 1.5,
        warmupSec: 0.3,
        connections: 10,
      });
      for (const [id, blocker] of Object.entries(LATER_BLOCKERS)) {
        const entry = report.results.find((r) => r.scenario === id) as ResultEntry;
        const run = entry.runs[0];
        assert.equal(run?.state, 'completed', `${id}: ${JSON.stringify(run)}`);
        const sync = recorded(run as CompletedRun);
        // streams' 8 MiB read and write are a stall or none by the machine's day: its loop lag
        // max read 10 ms in one run and 180 ms in the next here, and a stall just past the
        // threshold may end before a stack is sampled. A run with no stack is said, not failed;
        // one with a stack must name the read.
        if (blocker.anyStack && sync.stacks.length === 0) {
          t.diagnostic(`${id}: no stack of sync's caught in this run (${sync.count} stalls)`);
          continue;
        }
        assert.ok(sync.count > 0, `${id}: sync never stalled: ${JSON.stringify(sync)}`);
        // The sample may land in a callback of the blocking function (a map over the order's
        // lines): the function itself is on the stack, in its own file. streams' sync holds its
        // loop twice a request, reading the file whole and writing it whole (`end`, in the
        // harness's reply): which takes more of the stall is the machine's (on CI's busy one,
        // end took 76%; beside the checking lane here the read's share was 16% and 18%, the
        // reply's 35%), so its read is looked for in any stack of a tenth of it or more. No other
        // code reads the file in streams.ts's handle: a tenth is no stray sample.
        const own = (x: { frames: { function: string; file: string | null }[] }) =>
          x.frames.some((f) => f.function === blocker.own && blocker.file.test(f.file ?? ''));
        const held = blocker.anyStack
          ? sync.stacks.find((x) => x.share >= 0.1 && own(x))
          : sync.stacks[0];
        assert.ok(held && own(held), `${id}: ${describeStacks(sync)}`);
        if (blocker.node && !blocker.anyStack)
          assert.equal(held.frames[0]?.function, blocker.node, describeStacks(sync));
      }
    }));

  for (const [id, blocker] of Object.entries(BLOCKERS)) {
    test(`${id}: sync's top stack is ${blocker.node ? `${blocker.node} ← ` : ''}${blocker.own}; async's loop is not held by it`, (t) =>
      measuredTwice(t, async () => {
        const scenario = getScenario(id);
        const report = await runBench(
          [
            {
              scenario,
              variants: ['sync', 'async'],
              params: { ...defaultParams(scenario), ...blocker.params },
            },
          ],
          { ...STALLS, durationSec: 1.5, warmupSec: 0.3, connections: blocker.connections ?? 10 },
        );
        const sync = recorded(completed(entryOf(report, 'sync')));
        assert.ok(sync.count > 0, `sync never stalled: ${JSON.stringify(sync)}`);
        const top = sync.stacks[0]?.frames ?? [];
        const own = top.find((f) => !f.internal) as StackFrame;
        assert.equal(own?.function, blocker.own, describeStacks(sync));
        assert.match(own.file ?? '', /^scenarios\/catalog\/.+\.ts$/, describeStacks(sync));
        if (blocker.node) {
          assert.equal(top[0]?.function, blocker.node, describeStacks(sync));
          assert.equal(top[0]?.internal, true);
        }

        // async may stall when the machine is busy, but no code of its own holds the loop, and
        // never the sync variant's blocking function.
        const async = recorded(completed(entryOf(report, 'async')));
        for (const stack of async.stacks)
          assert.ok(!stack.frames.some((f) => f.function === blocker.own), describeStacks(async));
        assert.ok(
          async.attributedMs < 0.1 * sync.attributedMs,
          `async's code held its loop ${async.attributedMs} ms, sync's ${sync.attributedMs} ms: ${describeStacks(async)}`,
        );
      }));
  }
});

test("the stalls account for what the lag timeline saw, within a factor of two, and sampling's cost is counted", (t) =>
  measuredTwice(t, async () => {
    const report = await runBench(
      [{ scenario: busyWait, variants: ['sync'], params: { ms: 20 } }],
      {
        ...STALLS,
        durationSec: 2,
        warmupSec: 0.3,
        connections: 10,
      },
    );
    const run = completed(entryOf(report, 'sync'));
    const stalls = recorded(run);
    // Each timeline point keeps the largest lag of its interval: a stall over the threshold shows
    // there as one point (or more, for a stall longer than an interval).
    const seen = run.timeline.reduce(
      (sum, p) => sum + (p.lagMaxMs > STALL_THRESHOLD_MS ? p.lagMaxMs : 0),
      0,
    );
    assert.ok(seen > 0, JSON.stringify(run.timeline));
    const ratio = stalls.totalMs / seen;
    assert.ok(ratio > 0.5 && ratio < 2, `stalls ${stalls.totalMs} ms, timeline ${seen} ms`);
    assert.ok(stalls.samples > 10 && stalls.samplingMs > 0, JSON.stringify(stalls));
    assert.ok(stalls.samplingMs < 0.05 * stalls.totalMs, JSON.stringify(stalls));
  }));

test('two blocking functions of different costs get shares in the right order', (t) =>
  measuredTwice(t, async () => {
    const fixture = fileURLToPath(new URL('./fixtures/two-blockers.js', import.meta.url));
    const report = await runBench(
      [
        {
          scenario: busyWait,
          variants: ['exercise'],
          params: defaultParams(busyWait),
          handlerFiles: { exercise: fixture },
        },
      ],
      { ...STALLS, durationSec: 2, warmupSec: 0.3, connections: 10 },
    );
    const stalls = recorded(completed(entryOf(report, 'exercise')));
    const msOf = (fn: string) =>
      stalls.stacks.filter((s) => s.frames[0]?.function === fn).reduce((n, s) => n + s.ms, 0);
    const heavy = msOf('heavy');
    const light = msOf('light');
    assert.equal(stalls.stacks[0]?.frames[0]?.function, 'heavy', describeStacks(stalls));
    // 24 ms against 8: three times as much; well over half as much again, allowing for noise.
    assert.ok(heavy > 1.5 * light && light > 0, `heavy ${heavy} ms, light ${light} ms`);
    // The compiled fixture is mapped back to the TypeScript it was written in.
    assert.equal(stalls.stacks[0]?.frames[0]?.file, 'test/integration/fixtures/two-blockers.ts');
  }));

test('a stall that outlasts the window is clipped to it, and the run completes', async () => {
  // Two connections, 700 ms a request, a 1 s window: the first request ends inside the window
  // (so the run has a finished request and completes), the second one's stall runs past its end.
  // (A single request longer than the window is a failed run: nothing finished in it.)
  const report = await runBench([{ scenario: busyWait, variants: ['sync'], params: { ms: 700 } }], {
    ...STALLS,
    durationSec: 1,
    warmupSec: 0,
    connections: 2,
    timeoutSec: 10,
  });
  const run = completed(entryOf(report, 'sync'));
  const stalls = recorded(run);
  assert.equal(stalls.stacks[0]?.frames[0]?.function, 'spin', describeStacks(stalls));
  assert.ok(
    stalls.totalMs <= (run.serverWindowMs ?? 0) + 1,
    `${stalls.totalMs} ms of stalls in a ${run.serverWindowMs} ms window`,
  );
  assert.ok(stalls.totalMs > 500, JSON.stringify(stalls));
});

test('beside an inspector already open, the watchdog gives up with one warning and the run goes on', async () => {
  const report = await runBench(
    [{ scenario: busyWait, variants: ['sync', 'async'], params: { ms: 20 } }],
    { ...STALLS, durationSec: 0.5 },
    // A port on loopback, for this test only: what a developer debugging the server would have.
    { execArgv: () => ['--inspect=127.0.0.1:0'] },
  );
  for (const variant of ['sync', 'async']) {
    const run = completed(entryOf(report, variant));
    assert.equal(run.stalls?.state, 'unavailable');
    assert.match(
      run.stalls?.state === 'unavailable' ? run.stalls.reason : '',
      /^the inspector is already open \(--inspect\); stalls are left to your debugger$/,
    );
    assert.ok((run.requestsPerSec ?? 0) > 0);
    assert.equal(entryOf(report, variant).stalls, undefined);
  }
  const warnings = report.warnings.filter((w) => /not captured/.test(w));
  assert.equal(warnings.length, 1, report.warnings.join('\n'));
  assert.match(warnings[0] ?? '', /^what held the loop was not captured in 2 runs: the inspector/);
});

describe('a server looplab never saw, with the probe and its watchdog wired in', () => {
  const PROBE = new URL('../../scenarios/probe/probe.js', import.meta.url).href;
  const dir = mkdtempSync(join(tmpdir(), 'looplab-stalls-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  // An app of its own: a blocking route that spins in a function of its own, and /exit, which
  // calls process.exit in the middle of a stall. Over IPC: reset, read, stop.
  const app = join(dir, 'server.mjs');
  writeFileSync(
    app,
    `import { createServer } from 'node:http';
import inspector from 'node:inspector';
const { createProbe } = await import(${JSON.stringify(PROBE)});
const probe = createProbe(100, { stalls: { thresholdMs: ${STALL_THRESHOLD_MS}, root: ${JSON.stringify(dir)} } });
await probe.ready;
function myOwnSpin(ms) {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}
const server = createServer((req, res) => {
  myOwnSpin(req.url === '/exit' ? 300 : 25);
  if (req.url === '/exit') process.exit(7);
  res.end('ok');
});
server.listen(0, '127.0.0.1', () =>
  process.send({ port: server.address().port, inspectorUrl: inspector.url() ?? null }),
);
process.on('message', async (m) => {
  if (m === 'reset') { probe.reset(); process.send('reset'); }
  if (m === 'read') process.send(await probe.read());
  if (m === 'stop') { probe.stop(); server.close(); process.disconnect(); }
  if (m === 'leave') { server.close(); process.disconnect(); }
});
`,
  );

  function start() {
    const child = fork(app, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.stdout?.resume();
    const next = () => new Promise<unknown>((resolve) => child.once('message', resolve));
    // The code, or the signal that ended it (a crash at exit shows here, with its stderr).
    let signal: NodeJS.Signals | null = null;
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code, s) => {
        signal = s;
        resolve(code);
      }),
    );
    after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    return {
      child,
      next,
      exited,
      stderr: () => stderr,
      /** How it ended, for a failed assertion's message. */
      ending: () => `signal ${signal}, stderr: ${JSON.stringify(stderr.slice(-2000))}`,
    };
  }

  /** Listening TCP sockets the process holds, from /proc (Linux). */
  function listeningSockets(pid: number): number {
    const inodes = new Set(
      readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
        try {
          const m = readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/);
          return m ? [m[1]] : [];
        } catch {
          return [];
        }
      }),
    );
    const rows = ['tcp', 'tcp6'].flatMap((f) =>
      readFileSync(`/proc/${pid}/net/${f}`, 'utf8').trim().split('\n').slice(1),
    );
    // Columns: sl local remote st ... inode (the 10th); 0A is LISTEN.
    return rows
      .map((r) => r.trim().split(/\s+/))
      .filter((c) => c[3] === '0A' && inodes.has(c[9] ?? '')).length;
  }

  test('its own blocking function tops the stack, no inspector port is opened, and it exits cleanly', async () => {
    const app = start();
    const { port, inspectorUrl } = (await app.next()) as { port: number; inspectorUrl: null };
    assert.equal(inspectorUrl, null);
    if (process.platform === 'linux') assert.equal(listeningSockets(app.child.pid as number), 1);
    app.child.send('reset');
    await app.next();
    await runLoad({
      url: `http://127.0.0.1:${port}/`,
      connections: 5,
      durationSec: 1.5,
      timeoutSec: 10,
    });
    app.child.send('read');
    const data = (await app.next()) as { stalls: StallsRecorded };
    const top = data.stalls.stacks[0]?.frames[0];
    assert.equal(top?.function, 'myOwnSpin', describeStacks(data.stalls));
    assert.equal(top?.file, 'server.mjs');
    app.child.send('stop');
    assert.equal(await app.exited, 0, app.ending());
    assert.doesNotMatch(app.stderr(), /Waiting for the debugger/);
    assert.equal(app.stderr(), '');
  });

  test('left running, it lets the process end on its own, without waiting for a debugger', async () => {
    const app = start();
    await app.next();
    app.child.send('leave');
    const code = await Promise.race([
      app.exited,
      new Promise((r) => setTimeout(() => r('still running'), 5000)),
    ]);
    assert.equal(code, 0, app.ending());
    assert.equal(app.stderr(), '');
  });

  test('a process.exit in the middle of a sampled stall exits at once, and quietly', async () => {
    const app = start();
    const { port } = (await app.next()) as { port: number };
    const load = runLoad({
      url: `http://127.0.0.1:${port}/`,
      connections: 3,
      durationSec: 1,
      timeoutSec: 2,
    });
    await new Promise((r) => setTimeout(r, 300));
    void fetch(`http://127.0.0.1:${port}/exit`).catch(() => undefined);
    const code = await Promise.race([
      app.exited,
      new Promise((r) => setTimeout(() => r('still running'), 5000)),
    ]);
    await load.catch(() => undefined);
    assert.equal(code, 7);
    assert.doesNotMatch(app.stderr(), /Waiting for the debugger/);
  });
});

test('a server that exits mid-stall is a failed run; the report is whole and nothing is left', async () => {
  const pids: number[] = [];
  const report = await runBench(
    [
      {
        scenario: busyWait,
        variants: ['exercise'],
        params: defaultParams(busyWait),
        handlerFiles: {
          exercise: fileURLToPath(new URL('./fixtures/exits-mid-stall.js', import.meta.url)),
        },
      },
    ],
    { ...STALLS, runs: 2, durationSec: 2, warmupSec: 0, connections: 4 },
    { onRunPhase: (_, __, pid) => pid && !pids.includes(pid) && pids.push(pid) },
  );
  const runs = entryOf(report, 'exercise').runs;
  assert.deepEqual(
    runs.map((r) => r.state),
    ['failed', 'failed'],
  );
  assert.match(runs[0]?.state === 'failed' ? runs[0].reason : '', /exit code 3|exited/);
  // The report is whole: it reads back through the schema, failed runs and all.
  assert.equal(parseReport(jsonText(report), 'report').results.length, 1);
  assert.equal(pids.length, 2);
  assert.deepEqual(await waitForExit(pids), []);
});

test('SIGINT to the CLI in the middle of a stall: exit 130, no server left, no half-written report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'looplab-stalls-'));
  const out = join(dir, 'report.json');
  const run = runCli([
    'bench',
    'busy-wait',
    '--variant',
    'sync',
    '--param',
    'ms=3000',
    '--connections',
    '1',
    '--warmup',
    '0',
    '--duration',
    '5',
    '--runs',
    '2',
    '--stalls',
    '--no-ceiling',
    '--json',
    out,
    '--debug',
  ]);
  const [, pid] = await run.waitForStderr(/server pid (\d+)/);
  // Well into the first 3 s spin, with the watchdog sampling it.
  await new Promise((r) => setTimeout(r, 1500));
  run.child.kill('SIGINT');
  const { code } = await run.done;
  assert.equal(code, 130, run.stderr());
  assert.deepEqual(await waitForExit([Number(pid)]), []);
  assert.equal(isAlive(Number(pid)), false);
  // Written atomically or not at all: never a truncated file.
  assert.deepEqual(readdirSync(dir), []);
  rmSync(dir, { recursive: true, force: true });
});
