/**
 * The upstream a scenario calls (scenarios/upstream/, bench/run/process/upstream.ts): it answers after
 * its latency and never queues a call, it is fresh with every run, and it never outlives the
 * CLI: not after a run whose server dies, not after Ctrl-C, not when the CLI itself is killed.
 * `--debug` prints each run's server and upstream pids, and serve prints them: that is how these
 * tests find them. Behaviour only: every assertion is a pid, an exit code, a count or a floor.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { request } from 'undici';
import type { Report } from '../../bench/report/types.ts';
import { startUpstream } from '../../bench/run/process/upstream.ts';
import { cli, isAlive, runCli, waitForExit } from './helpers.ts';

let dir: string | undefined;
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const pidsOf = (stderr: string) =>
  [...stderr.matchAll(/server pid (\d+), upstream pid (\d+)/g)].map((m) => ({
    server: Number(m[1]),
    upstream: Number(m[2]),
  }));

test('the upstream answers each call after its latency, and holds every call at once', async () => {
  // Long enough that 50 calls opened one after another are all still waiting when the last arrives.
  const latencyMs = 250;
  const upstream = await startUpstream({ latencyMs }, 'test');
  try {
    const call = async (path: string) => {
      const started = performance.now();
      const res = await request(`${upstream.origin}${path}`);
      const body = await res.body.text();
      return { status: res.statusCode, body, ms: performance.now() - started };
    };
    const alone = [];
    for (const path of ['/users/1', '/orders/2', '/recommendations/3'])
      alone.push(await call(path));
    assert.deepEqual(
      alone.map((a) => a.status),
      [200, 200, 200],
    );
    assert.equal(alone[0]?.body, '{"id":1,"name":"user-1","since":2011}');
    // A timer never fires early: each call waited at least the latency (a ms of clock rounding).
    for (const a of alone) assert.ok(a.ms >= latencyMs - 1, `answered in ${a.ms} ms`);
    assert.equal((await call('/nope')).status, 404);

    await upstream.reset();
    const together = await Promise.all(Array.from({ length: 50 }, (_, i) => call(`/users/${i}`)));
    assert.ok(together.every((a) => a.status === 200));
    const reading = await upstream.read();
    assert.equal(reading.pid, upstream.pid);
    assert.equal(reading.latencyMs, latencyMs);
    assert.equal(reading.calls, 50);
    // All 50 waited at the same time: it queues nothing, so it cannot be what sets the pace.
    assert.equal(reading.maxInFlight, 50);
    assert.ok((reading.answerP50Ms ?? 0) >= latencyMs - 1, `p50 ${reading.answerP50Ms}`);
    assert.ok(reading.connections >= 1 && reading.connections <= 50, `${reading.connections}`);
  } finally {
    await upstream.stop();
  }
  assert.equal(isAlive(upstream.pid), false);
});

test("the upstream's loop lag is corrected for coordinated omission, as the server's is", async () => {
  // SIGSTOP freezes its loop for 300 ms in a 3 s window: one late firing among ~270 leaves the raw
  // p99 near 0, while the ~30 firings the freeze swallowed put the corrected p99 near 290 ms.
  const upstream = await startUpstream({ latencyMs: 1 }, 'test');
  try {
    await upstream.reset();
    await new Promise((r) => setTimeout(r, 1000));
    process.kill(upstream.pid, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 300));
    process.kill(upstream.pid, 'SIGCONT');
    await new Promise((r) => setTimeout(r, 1700));
    const reading = await upstream.read();
    assert.ok(reading.lagP99Ms >= 150, `corrected lag p99 ${reading.lagP99Ms} ms`);
    assert.ok(
      reading.lagRawP99Ms !== undefined && reading.lagRawP99Ms < 100,
      `raw lag p99 ${reading.lagRawP99Ms} ms`,
    );
  } finally {
    await upstream.stop();
  }
  assert.equal(isAlive(upstream.pid), false);
});

test('a fresh upstream per run; one whose server dies goes with it; none is left at the end', async () => {
  dir = await mkdtemp(join(tmpdir(), 'looplab-upstream-'));
  const json = join(dir, 'report.json');
  const run = runCli([
    'bench',
    'upstream-calls',
    '--variant',
    'parallel',
    '--param',
    'latency=5',
    '--runs',
    '2',
    '--warmup',
    '3',
    '--duration',
    '0.4',
    '--debug',
    '--json',
    json,
  ]);
  const [, server, upstream] = await run.waitForStderr(/server pid (\d+), upstream pid (\d+)/);
  process.kill(Number(server), 'SIGKILL');
  // The upstream goes with its server, long before the 3 s warm-up would have ended.
  assert.deepEqual(await waitForExit([Number(upstream)], 2000), []);
  const { code } = await run.done;
  assert.equal(code, 1, run.stderr());
  assert.match(run.stderr(), /✗ .*run 1: failed/);
  assert.match(run.stderr(), /✓ .*run 2:/);
  const pids = pidsOf(run.stderr());
  assert.equal(pids.length, 2, run.stderr());
  const [first, second] = pids as [(typeof pids)[0], (typeof pids)[0]];
  assert.notEqual(second.upstream, first.upstream, 'a fresh upstream for run 2');
  assert.deepEqual(
    pids.flatMap((p) => [p.server, p.upstream]).filter(isAlive),
    [],
    'nothing left at the end',
  );
  const report = JSON.parse(await readFile(json, 'utf8')) as Report;
  const completed = report.results[0]?.runs.find((r) => r.state === 'completed');
  assert.ok(completed?.state === 'completed' && completed.upstream, 'run 2 read its upstream');
  assert.equal(completed.upstream.pid, second.upstream);
  assert.equal(completed.upstream.latencyMs, 5);
  // Every request of the window made its three calls, counted by the upstream itself.
  assert.ok(
    completed.upstream.calls >= 3 * completed.requestsTotal,
    JSON.stringify(completed.upstream),
  );
});

test('Ctrl-C in the middle of bench reaps the server and its upstream, exit 130', async () => {
  const run = runCli([
    'bench',
    'upstream-calls',
    '--variant',
    'async',
    '--runs',
    '1',
    '--warmup',
    '0.2',
    '--duration',
    '20',
    '--debug',
  ]);
  const [, server, upstream] = await run.waitForStderr(/server pid (\d+), upstream pid (\d+)/);
  // The pid is printed at the warm-up (0.2 s); a second later the run is in its 20 s window.
  await new Promise((r) => setTimeout(r, 1000));
  run.child.kill('SIGINT');
  const { code } = await run.done;
  assert.equal(code, 130, run.stderr());
  assert.deepEqual([Number(server), Number(upstream)].filter(isAlive), []);
  assert.doesNotMatch(run.stderr(), /\n\s+at /, 'no stack trace');
});

/** Starts serve and reads the pids it prints: the server's, then its upstream's. */
async function serve(args: string[]) {
  const run = runCli(['serve', 'upstream-calls', ...args]);
  const stdout = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve printed no upstream: ${run.stderr()}`)),
      15_000,
    );
    run.child.stdout?.on('data', () => {
      if (/upstream on .*\(pid \d+\)/.test(run.stdout())) {
        clearTimeout(timer);
        resolve(run.stdout());
      }
    });
  });
  const [, url, server] =
    stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+\/) \(pid (\d+)\)/) ?? [];
  const [, upstream] = stdout.match(/upstream on http:\/\/127\.0\.0\.1:\d+ \(pid (\d+)\)/) ?? [];
  assert.ok(url && server && upstream, stdout);
  return { run, url, pids: [Number(server), Number(upstream)] };
}

test('serve starts the upstream with the server, and Ctrl-C stops both', async (t) => {
  const { run, url, pids } = await serve(['sync', '--param', 'latency=30']);
  t.after(() => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGINT');
  });
  const started = performance.now();
  const res = await request(`${url}?user=7`);
  const body = (await res.body.json()) as { user: { id: number }; orders: unknown };
  // Three calls of 30 ms, one after another.
  assert.ok(performance.now() - started >= 89, `${performance.now() - started} ms`);
  assert.equal(body.user.id, 7);
  assert.equal((await request(`${url}?user=x`)).statusCode, 400);
  run.child.kill('SIGINT');
  const { code } = await run.done;
  assert.equal(code, 0, run.stderr());
  assert.deepEqual(pids.filter(isAlive), []);
});

test('a server and upstream whose CLI is killed outright exit on their own', async () => {
  const { run, pids } = await serve(['async']);
  run.child.kill('SIGKILL');
  await run.done;
  // SIGKILL gives the CLI no chance to clean up; both see their IPC channel close.
  assert.deepEqual(await waitForExit(pids, 5000), []);
});

test('an upstream latency of zero or less, or not a number: one line, exit 2', async () => {
  for (const [command, value] of [
    ['bench', '0'],
    ['bench', '-5'],
    ['serve', '0'],
    ['bench', 'slow'],
  ] as const) {
    const r = await cli([command, 'upstream-calls', '--param', `latency=${value}`]);
    assert.equal(r.code, 2, `${command} latency=${value}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0] as string,
      new RegExp(
        `^looplab: --param latency=${value} \\(upstream-calls\\): .*\\[LOOPLAB_ERR_BAD_PARAM\\]$`,
      ),
    );
  }
});
