/**
 * `bench --cmd` on apps that fail or do unusual things, through the real CLI: a server that fails
 * gives a failed run with why, the preload changes nothing the app does, no process of the app's
 * tree outlives the CLI, and bad input gets one line. Behaviour only: the checking lane.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, runCli } from './helpers.ts';
import {
  APPS,
  bench,
  entryOf,
  freePort,
  marker,
  pidsWith,
  runOf,
  SHORT,
} from './own-server-helpers.ts';

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
    it(`leaves no process of the tree, and no probe-socket folder, when the CLI gets ${signal} mid-run`, async () => {
      const m = marker();
      // A TMPDIR of its own, to see that the probe socket's private folder goes too.
      const tmp = await mkdtemp(join(tmpdir(), 'looplab-test-tmp-'));
      const run = runCli(
        [
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
        ],
        { TMPDIR: tmp },
      );
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
      // SIGTERM: the CLI removes it; SIGKILL: the supervisor, once the CLI's pipe closed.
      // Only looplab's own: npm on Node 24 keeps its node-compile-cache in TMPDIR too.
      const left = (await readdir(tmp)).filter((name) => name.startsWith('looplab-'));
      await rm(tmp, { recursive: true, force: true });
      assert.deepEqual(left, []);
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
    [['busy-wait', '--path', '/x'], 'LOOPLAB_ERR_BAD_OPTION', /--path goes with --cmd or --url/],
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
