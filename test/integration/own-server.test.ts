/**
 * `bench --cmd`, `--vs-cmd` and `--url` on real servers looplab never saw (test/fixtures/apps),
 * through the real CLI: the port is found however the app picks it, a blocking route is seen
 * blocking and a non-blocking one is not, a server that fails gives a failed run, the preload
 * changes nothing the app does, and no process of the app's tree outlives the CLI.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseReport } from '../../bench/report/read.ts';
import type { CompletedRun, Report, ResultEntry } from '../../bench/report/types.ts';
import { packageRoot } from '../../core/package-info.ts';
import { cli, measuredTwice, runCli } from './helpers.ts';

const APPS = join(packageRoot(), 'test', 'fixtures', 'apps');
const TSX = join(packageRoot(), 'node_modules', '.bin', 'tsx');
const SHORT = ['--runs', '1', '--warmup', '0.3', '--duration', '1'];

/** Pids of processes whose command line holds `marker`: how a test finds an app's whole tree. */
function pidsWith(marker: string): number[] {
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
const marker = () => `--looplab-test-${process.pid}-${++markers}`;

/** Runs bench with the report on stdout, and checks it against the schema. */
async function bench(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = await cli(['bench', ...args, '--json'], env);
  const report: Report | undefined = r.stdout.trim() ? parseReport(r.stdout, 'stdout') : undefined;
  return { ...r, report };
}

const entryOf = (report: Report | undefined, variant: string, scenario = 'app'): ResultEntry => {
  const e = report?.results.find((x) => x.scenario === scenario && x.variant === variant);
  assert.ok(e, `no ${scenario} ${variant} in the report`);
  return e;
};
const runOf = (e: ResultEntry, i = 0) => {
  const run = e.runs[i];
  assert.equal(run?.state, 'completed', JSON.stringify(run));
  return run as CompletedRun;
};

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

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
  });
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

describe('a server that fails', () => {
  const app = join(APPS, 'http-app.cjs');
  for (const [mode, reason] of [
    [
      'crash',
      /exited before it listened \(code 1\): Error: connect ECONNREFUSED 127\.0\.0\.1:5432/,
    ],
    ['silent', /did not listen on any port within 1 s/],
    ['hang', /did not listen on any port within 1 s/],
  ] as const) {
    it(`${mode}: a failed run with the reason, exit 1, and no process left`, async () => {
      const m = marker();
      const r = await bench([
        '--cmd',
        `MODE=${mode} node ${app} ${m}`,
        '--start-timeout',
        '1',
        ...SHORT,
      ]);
      assert.equal(r.code, 1, r.stderr);
      const run = entryOf(r.report, '/').runs[0];
      assert.equal(run?.state, 'failed');
      assert.match(run?.state === 'failed' ? run.reason : '', reason);
      assert.equal(run?.state === 'failed' ? run.code : null, 'LOOPLAB_ERR_SERVER_START');
      assert.deepEqual(pidsWith(m), []);
    });
  }
});

describe('the preload changes nothing the app does', () => {
  it("leaves the app's own process.send and its messages alone", async () => {
    const r = await bench([
      '--cmd',
      `node ${join(APPS, 'send-app.cjs')}`,
      '--path',
      '/ipc',
      ...SHORT,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const run = runOf(entryOf(r.report, '/ipc'));
    assert.ok(run.requestsTotal > 0);
    assert.equal(run.non2xx, 0, "the app answers 500 unless its launcher's message reached it");
  });

  it('measures the port --port names when the app listens on two', async () => {
    const [main, admin] = [await freePort(), await freePort()];
    const env = `PORT=${main} SECOND_PORT=${admin}`;
    const app = join(APPS, 'http-app.cjs');
    const chosen = await bench([
      '--cmd',
      `${env} node ${app}`,
      '--port',
      String(admin),
      '--path',
      '/timer',
      ...SHORT,
    ]);
    assert.equal(chosen.code, 0, chosen.stderr);
    const run = runOf(entryOf(chosen.report, '/timer'));
    // The admin port answers every path with a 2 KiB body, the main one /timer with 16 bytes.
    const bytesPerRequest = (r: typeof run) => (r.bytesPerSec ?? 0) / (r.requestsPerSec ?? 1);
    assert.ok(bytesPerRequest(run) > 2048, 'the admin port is the one measured');
    assert.deepEqual(run.otherPorts, [main]);
    assert.match(
      chosen.report?.warnings.join('\n') ?? '',
      new RegExp(`port ${admin} was measured, as --port asked`),
    );
    const first = await bench(['--cmd', `${env} node ${app}`, '--path', '/timer', ...SHORT]);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(
      bytesPerRequest(runOf(entryOf(first.report, '/timer'))) < 1024,
      'the first port is the main one',
    );
  });

  for (const onSigterm of ['exit', 'ignore']) {
    it(`stops an app that does "${onSigterm}" on SIGTERM, and leaves nothing`, async () => {
      const m = marker();
      const started = Date.now();
      const r = await bench([
        '--cmd',
        `ON_SIGTERM=${onSigterm} node ${join(APPS, 'http-app.cjs')} ${m}`,
        '--path',
        '/timer',
        ...SHORT,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(runOf(entryOf(r.report, '/timer')).requestsTotal > 0);
      assert.deepEqual(pidsWith(m), []);
      // One that ignores SIGTERM gets SIGKILL after the 2 s grace period; one that exits does not wait.
      if (onSigterm === 'exit') assert.ok(Date.now() - started < 12_000);
    });
  }
});

describe('no process of the app outlives the CLI', () => {
  it('reaps the whole tree of npm start → sh → node', async () => {
    const m = marker();
    const r = await bench([
      '--cmd',
      `npm --prefix ${APPS} start -- ${m}`,
      '--path',
      '/timer',
      ...SHORT,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(runOf(entryOf(r.report, '/timer')).requestsTotal > 0);
    assert.deepEqual(pidsWith(m), []);
  });

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`leaves no process of the tree when the CLI gets ${signal} mid-run`, async () => {
      const m = marker();
      const run = runCli([
        'bench',
        '--cmd',
        `npm --prefix ${APPS} start -- ${m}`,
        '--path',
        '/timer',
        '--warmup',
        '0.2',
        '--duration',
        '20',
        '--debug',
      ]);
      // Progress is not printed to a pipe; --debug prints the server's pid once it listens.
      await run.waitForStderr(/server pid \d+/, 30_000);
      assert.ok(pidsWith(m).length >= 2, 'the tree is up');
      // Past the 0.2 s warm-up, into the window.
      await new Promise((r) => setTimeout(r, 1000));
      run.child.kill(signal);
      await run.done;
      // SIGTERM: the CLI reaps the group itself. SIGKILL: it cannot; the supervisor does, within
      // its grace period.
      const until = Date.now() + 5000;
      while (pidsWith(m).length > 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(pidsWith(m), []);
    });
  }
});

describe('bad input', () => {
  for (const [args, code, message] of [
    [['--cmd', ''], 'LOOPLAB_ERR_BAD_OPTION', /--cmd is empty/],
    [['--cmd', 'no-such-server-xyz --port 1'], 'LOOPLAB_ERR_COMMAND_NOT_FOUND', /not on PATH/],
    [['--cmd', 'node s.js', '--path', 'orders'], 'LOOPLAB_ERR_BAD_OPTION', /starts with \//],
    [['--url', 'ftp://127.0.0.1/'], 'LOOPLAB_ERR_BAD_OPTION', /--url takes an http/],
    [['--cmd', 'node s.js', '--url', 'http://127.0.0.1:1/'], 'LOOPLAB_ERR_BAD_OPTION', /not both/],
    [['--url', 'http://127.0.0.1:1/'], 'LOOPLAB_ERR_URL_UNREACHABLE', /nothing answered/],
    [['busy-wait', '--path', '/x'], 'LOOPLAB_ERR_BAD_OPTION', /--path go with --cmd or --url/],
  ] as const) {
    it(`${args.join(' ')}: one line, ${code}, exit 2`, async () => {
      const r = await cli(['bench', ...args]);
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? '', message);
      assert.ok(lines[0]?.endsWith(`[${code}]`), lines[0]);
    });
  }
});
