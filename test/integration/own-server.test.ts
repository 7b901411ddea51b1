/**
 * `bench --cmd`, `--vs-cmd` and `--url` on real servers looplab never saw (test/fixtures/apps),
 * through the real CLI: the port is found however the app picks it, a blocking route is seen
 * blocking and a non-blocking one is not, and two commands are compared as a pair. What only
 * checks behaviour (a server that fails, the preload changing nothing, no process left, bad
 * input) is in own-server-processes.test.ts, in the checking lane.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, measuredTwice } from './helpers.ts';
import {
  APPS,
  bench,
  entryOf,
  freePort,
  marker,
  pidsWith,
  runOf,
  SHORT,
  TSX,
} from './own-server-helpers.ts';

describe('bench --cmd', () => {
  it('sees the Fastify app block on /orders and not on /search, and names the code that held it', (t) =>
    measuredTwice(t, async () => {
      const m = marker();
      const r = await bench([
        '--cmd',
        `node ${join(APPS, 'fastify-app.mjs')} ${m}`,
        '--path',
        '/orders',
        '--path',
        '/search?q=shoes',
        '--stalls',
        ...SHORT,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const orders = runOf(entryOf(r.report, '/orders'));
      const search = runOf(entryOf(r.report, '/search?q=shoes'));
      // 20 ms of spin a request: one loop serves at most 50 a second, and is late by about that.
      assert.ok((orders.requestsPerSec ?? 0) <= 52, `orders ${orders.requestsPerSec} req/s`);
      assert.ok((orders.lagP99Ms ?? 0) >= 15, `orders lag p99 ${orders.lagP99Ms}`);
      assert.ok(
        (search.lagP99Ms ?? 99) < (orders.lagP99Ms ?? 0) / 5,
        `search lag ${search.lagP99Ms}`,
      );
      assert.ok((orders.pingP99Ms ?? 0) > (search.pingP99Ms ?? 0) * 3, 'the bystander saw it');
      assert.ok((search.requestsPerSec ?? 0) > 200, `search ${search.requestsPerSec} req/s`);
      assert.equal(entryOf(r.report, '/orders').diagnosis?.healthy, false);
      assert.equal(entryOf(r.report, '/search?q=shoes').diagnosis?.healthy, true);
      assert.deepEqual(entryOf(r.report, '/orders').target?.pingPath, null);
      // The watchdog, preloaded with the probe, names the app's own blocking function.
      const top = entryOf(r.report, '/orders').stalls?.stacks[0]?.frames[0];
      assert.equal(
        top?.function,
        'buildReport',
        JSON.stringify(entryOf(r.report, '/orders').stalls),
      );
      assert.match(top?.file ?? '', /fastify-app\.mjs$/);
      const searchStacks = entryOf(r.report, '/search?q=shoes').stalls?.stacks ?? [];
      assert.ok(!searchStacks.some((st) => st.frames.some((f) => f.function === 'buildReport')));
      assert.ok(r.report?.sentinel && (r.report.sentinel.meanMs ?? 0) > 0);
      assert.deepEqual(pidsWith(m), []);
    }));

  it('--stalls on a regular expression backtracking, with and without source maps: the app lives, and the stacks name the function', async () => {
    // The capture runs inside the interrupted code; a regular expression of its own on top of
    // the app's backtracking one corrupted the app's memory (exit 134 or 139, 2 runs in 3).
    const m = marker();
    const r = await bench([
      '--cmd',
      `node ${join(APPS, 'http-app.cjs')} ${m}`,
      '--vs-cmd',
      `node --enable-source-maps ${join(APPS, 'http-app.cjs')} ${m}`,
      '--path',
      '/pattern',
      '--stalls',
      '--runs',
      '2',
      '--warmup',
      '0.3',
      '--duration',
      '2',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /failed|exited/);
    const tops = (r.report?.results ?? []).map((e) => e.stalls?.stacks[0]?.frames[0]?.function);
    assert.deepEqual(tops, ['isEmail', 'isEmail'], JSON.stringify(tops));
    assert.deepEqual(pidsWith(m), []);
  });

  it('finds the port with PORT, through the shell, and a TypeScript app through tsx', async () => {
    const port = await freePort();
    const fixed = await bench([
      '--cmd',
      `PORT=${port} node ${join(APPS, 'http-app.cjs')}`,
      '--path',
      '/timer',
      ...SHORT,
    ]);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.ok((runOf(entryOf(fixed.report, '/timer')).requestsTotal ?? 0) > 0);
    const ts = await bench([
      '--cmd',
      `${TSX} ${join(APPS, 'ts-app.mts')}`,
      '--path',
      '/block',
      ...SHORT,
    ]);
    assert.equal(ts.code, 0, ts.stderr);
    const block = runOf(entryOf(ts.report, '/block'));
    assert.ok((block.lagP99Ms ?? 0) >= 5, `ts app lag ${block.lagP99Ms}`);
    assert.equal(block.non2xx, 0);
  });

  it("runs a TypeScript app under Node's own type stripping, where Node has it", {
    skip: !(process.features as { typescript?: string | false }).typescript && 'no type stripping',
  }, async () => {
    const r = await bench([
      '--cmd',
      `${process.execPath} ${join(APPS, 'ts-app.mts')}`,
      '--path',
      '/timer',
      ...SHORT,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(runOf(entryOf(r.report, '/timer')).requestsTotal > 0);
  });

  it("uses the app's own route for the bystander with --ping, and sends method, headers and body", async () => {
    const r = await bench([
      '--cmd',
      `node ${join(APPS, 'http-app.cjs')}`,
      '--path',
      'POST /echo',
      '--header',
      'x-token: secret',
      '--body',
      '{"order":1}',
      '--ping',
      '/health',
      ...SHORT,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const e = entryOf(r.report, 'POST /echo');
    const run = runOf(e);
    assert.ok(run.requestsTotal > 0);
    assert.equal(run.non2xx, 0, 'the app answers 400 unless it got the POST and the header');
    assert.ok(run.pingP99Ms !== null);
    assert.deepEqual(
      [e.target?.method, e.target?.headerNames, e.target?.bodyBytes, e.target?.pingPath],
      ['POST', ['x-token'], 11, '/health'],
    );
    assert.doesNotMatch(r.stdout, /secret/, 'header values stay out of the report');
  });

  it('runs autocannon on worker threads with --workers', async () => {
    const r = await bench([
      '--cmd',
      `node ${join(APPS, 'http-app.cjs')}`,
      '--path',
      '/health',
      '--workers',
      '2',
      ...SHORT,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const run = runOf(entryOf(r.report, '/health'));
    assert.equal(run.loadGenerator.workers, 2);
    assert.ok(run.requestsTotal > 100, `${run.requestsTotal} requests`);
    assert.equal(r.report?.options.workers, 2);
    // autocannon's threads cannot hand back each response's first byte: not measured, not 0.
    assert.equal(run.ttfbP50Ms, null);
    // Their clients closed themselves at the window's end and reported their books
    // (autocannon-client.cts), timed to the µs: every request sent is accounted for.
    assert.equal(run.latencyResolutionMs, 0.001);
    assert.equal(
      run.requestsSent,
      run.requestsTotal + (run.requestsAfterClose ?? 0) + (run.timeouts ?? 0) + (run.errors ?? 0),
    );
  });

  it('keeps the slow tail: the requests in flight when the window closes are waited for and counted', (t) =>
    measuredTwice(t, async () => {
      // 1 request in 50 answers after 2,500 ms, the others at once, on a loop that never blocks.
      // Longer than the 1.5 s window: every slow request of the window is still in flight when it
      // closes, so the p99 can read the tail only from the answers the wait after the close
      // kept. Each connection sends ~50 fast requests and then waits on its slow one: about 2% of
      // what the window sent is slow, so the true p99 is 2,500 ms; dropped at the close, as
      // autocannon did, the p99 read single milliseconds. (Before: 1 in 20 at 800 ms, which
      // answered inside the window too and kept the p99 at 800 ms without the wait.)
      const r = await bench(
        [
          '--cmd',
          `node ${join(APPS, 'slow-tail-app.cjs')} ${marker()}`,
          '--runs',
          '1',
          // No warm-up: its own slow tail would be waited for too, 2.5 s more of this test.
          '--warmup',
          '0',
          '--duration',
          '1.5',
        ],
        { EVERY: '50', SLOW_MS: '2500' },
      );
      assert.equal(r.code, 0, r.stderr);
      const run = runOf(entryOf(r.report, '/'));
      assert.ok((run.latencyP99Ms ?? 0) >= 1000, `latency p99 ${run.latencyP99Ms} ms`);
      assert.ok((run.requestsAfterClose ?? 0) >= 1, `${run.requestsAfterClose} after the close`);
      assert.equal(run.timeouts, 0);
      // Every request sent is accounted for: answered in the window or after it, or failed.
      assert.equal(
        run.requestsSent,
        run.requestsTotal + (run.requestsAfterClose ?? 0) + (run.timeouts ?? 0) + (run.errors ?? 0),
      );
      assert.equal(run.latencyResolutionMs, 0.001);
      // The bystander counts exactly the pings due in the window: 1.5 s at 50 a second.
      assert.equal(run.pingSent, 75);
      // The probe's window and the load's agree, on a loop that never blocks.
      assert.ok(
        Math.abs(run.windowMs - (run.serverWindowMs ?? 0)) < 100,
        `load ${run.windowMs} ms, probe ${run.serverWindowMs} ms`,
      );
      // The probe's opens at the first request, once autocannon has built its clients.
      const opened = run.serverWindowStartMs ?? Number.NaN;
      assert.ok(opened > -20 && opened < 100, `the probe's window opened at ${opened} ms`);
    }));
});

describe('bench --url', () => {
  it('measures a running server: real throughput, null loop metrics, the bystander still runs', async () => {
    const port = await freePort();
    const app = spawn(process.execPath, [join(APPS, 'http-app.cjs')], {
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise((resolve) => app.stdout.once('data', resolve));
      const r = await bench(['--url', `http://127.0.0.1:${port}/timer`, ...SHORT]);
      assert.equal(r.code, 0, r.stderr);
      const e = entryOf(r.report, '/timer');
      const run = runOf(e);
      assert.ok((run.requestsPerSec ?? 0) > 100);
      for (const metric of ['lagP99Ms', 'elu', 'cpuUserMs', 'rssMaxBytes'] as const)
        assert.equal(run[metric], null, metric);
      assert.equal(run.serverPid, null);
      assert.ok(run.pingP99Ms !== null, 'the bystander answered');
      assert.equal(e.diagnosis?.text, 'event loop not measured (no probe: use --cmd)');
      assert.match(r.stderr, /lag not measured \(no probe\)/);
    } finally {
      app.kill();
    }
  });
});

describe('bench --vs-cmd', () => {
  it('interleaves the two commands run by run and compares them with the paired test', async () => {
    const app = join(APPS, 'http-app.cjs');
    const r = await cli([
      'bench',
      '--cmd',
      `node ${app}`,
      '--vs-cmd',
      `SPIN_MS=5 node ${app}`,
      '--path',
      '/block',
      '--runs',
      '2',
      '--warmup',
      '0.2',
      '--duration',
      '0.6',
      '--json',
      '/dev/null',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const order = [...r.stderr.matchAll(/\] (app|vs) \/block run (\d)/g)].map(
      (m) => `${m[1]}${m[2]}`,
    );
    assert.deepEqual(order, ['app1', 'vs1', 'app2', 'vs2']);
    assert.match(r.stdout, /base: --cmd "node .*http-app\.cjs"\s+head: --vs-cmd "SPIN_MS=5 node/);
    assert.match(r.stdout, /paired t-test on the per-pair log ratios/);
    assert.match(r.stdout, /at least 3 per side are needed for a verdict/);
  });
});
