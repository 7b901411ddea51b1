/**
 * No server outlives the CLI: after a normal run, after a run that fails, after SIGINT or
 * SIGTERM in the middle of a benchmark, and even when the CLI itself is killed outright.
 * `--debug` makes the CLI print each server's pid, which is how these tests find them.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { cli, isAlive, runCli, serverPids, waitForExit } from './helpers.ts';

const SHORT = ['--warmup', '0', '--duration', '0.5', '--runs', '1'];

test('after a normal run every server is gone', async () => {
  const { code, stderr } = await cli(['bench', 'busy-wait', ...SHORT, '--debug']);
  assert.equal(code, 0, stderr);
  const pids = serverPids(stderr);
  assert.equal(pids.length, 2, stderr);
  // The CLI waits for each server to exit before it moves on, so at its exit none is left.
  assert.deepEqual(pids.filter(isAlive), []);
});

test('a run whose server dies is a failed run; the others go on and nothing is left', async () => {
  const run = runCli([
    'bench',
    'busy-wait',
    '--variant',
    'sync',
    '--runs',
    '2',
    '--warmup',
    '1',
    '--duration',
    '0.5',
    '--debug',
  ]);
  const [, first] = await run.waitForStderr(/server pid (\d+)/);
  process.kill(Number(first), 'SIGKILL');
  const { code } = await run.done;
  assert.equal(code, 1, run.stderr());
  assert.match(run.stderr(), /✗ .*run 1: failed/);
  assert.match(run.stderr(), /✓ .*run 2:/);
  const pids = serverPids(run.stderr());
  assert.equal(pids.length, 2);
  assert.deepEqual(pids.filter(isAlive), []);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} in the middle of bench reaps the server and exits ${signal === 'SIGINT' ? 130 : 143}`, async () => {
    const run = runCli([
      'bench',
      'busy-wait',
      '--runs',
      '3',
      '--warmup',
      '0.2',
      '--duration',
      '20',
      '--debug',
    ]);
    const [, pid] = await run.waitForStderr(/server pid (\d+)/);
    // The pid is printed at the warm-up (0.2 s); a second later the run is in its 20 s window.
    await new Promise((r) => setTimeout(r, 1000));
    run.child.kill(signal);
    const started = Date.now();
    const { code } = await run.done;
    assert.equal(code, signal === 'SIGINT' ? 130 : 143, run.stderr());
    // Long before the 20 s window would have ended.
    assert.ok(Date.now() - started < 10_000);
    assert.equal(isAlive(Number(pid)), false);
    assert.doesNotMatch(run.stderr(), /\n\s+at /, 'no stack trace');
  });
}

test('a server whose CLI is killed outright exits on its own', async () => {
  const run = runCli([
    'bench',
    'busy-wait',
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
  const [, pid] = await run.waitForStderr(/server pid (\d+)/);
  run.child.kill('SIGKILL');
  await run.done;
  // SIGKILL gives the CLI no chance to clean up; the server sees its IPC channel close.
  assert.deepEqual(await waitForExit([Number(pid)], 5000), []);
});

test('serve runs in the foreground and Ctrl-C stops it cleanly', async (t) => {
  const run = runCli(['serve', 'busy-wait', 'async', '--port', '0', '--param', 'ms=1']);
  // A failed assertion must not leave serve running: the test file would wait for it forever.
  t.after(() => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGINT');
  });
  const stdout = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve printed no URL')), 15_000);
    run.child.stdout?.on('data', () => {
      if (/pid \d+/.test(run.stdout())) {
        clearTimeout(timer);
        resolve(run.stdout());
      }
    });
  });
  const [, url, pid] =
    stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+\/) \(pid (\d+)\)/) ?? [];
  assert.ok(url && pid, stdout);
  const ping = await fetch(`${url}ping`);
  assert.equal(await ping.text(), 'pong');
  const work = await fetch(url);
  assert.deepEqual(await work.json(), { waitedMs: 1 });

  run.child.kill('SIGINT');
  const { code } = await run.done;
  assert.equal(code, 0, run.stderr());
  assert.match(run.stderr(), /event loop over [\d.]+ s: lag p99/);
  assert.equal(isAlive(Number(pid)), false);
});

test('serve on a port that is taken: one line, LOOPLAB_ERR_PORT_IN_USE, exit 2, nothing left', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as AddressInfo;
  try {
    const r = await cli(['serve', 'busy-wait', '--port', String(port), '--debug']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr.trim(),
      new RegExp(`^looplab: port ${port} is already in use; .*\\[LOOPLAB_ERR_PORT_IN_USE\\]$`),
    );
  } finally {
    holder.close();
  }
});
