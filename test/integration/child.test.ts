/**
 * The server child's life cycle from the harness's side: failures are errors with codes, and a
 * child that fails is gone, never left running.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { livePids, reapAll, startServer } from '../../bench/run/process/child.ts';
import type { ChildConfig } from '../../scenarios/probe/protocol.ts';
import { isAlive, waitForExit } from './helpers.ts';

after(reapAll);

const CONFIG: ChildConfig = {
  scenario: 'busy-wait',
  variant: 'async',
  params: { ms: 1 },
  port: 0,
  probe: true,
  timelineIntervalMs: 100,
};

test('a server that does not report its port in time is an error, and is reaped', async () => {
  await assert.rejects(startServer(CONFIG, { readyTimeoutMs: 1 }), {
    code: 'LOOPLAB_ERR_SERVER_START',
    message: /did not report its port within 1 ms/,
  });
  assert.deepEqual(livePids(), []);
});

test('a server that fails in setup is an error naming the cause', async () => {
  await assert.rejects(startServer({ ...CONFIG, scenario: 'no-such-scenario' }), {
    code: 'LOOPLAB_ERR_SERVER_START',
    message: /failed to start: unknown scenario "no-such-scenario"/,
  });
  assert.deepEqual(livePids(), []);
});

test('asking a server that was just killed rejects instead of crashing the harness', async () => {
  const server = await startServer(CONFIG);
  process.kill(server.pid, 'SIGKILL');
  await assert.rejects(server.readProbe(5000));
  await server.exited;
  assert.equal(isAlive(server.pid), false);
});

test('stop() ends the server and resolves once it has exited', async () => {
  const server = await startServer(CONFIG);
  await server.stop();
  assert.deepEqual(await waitForExit([server.pid], 0), []);
  assert.deepEqual(livePids(), []);
});
