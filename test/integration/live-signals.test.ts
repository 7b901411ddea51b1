/**
 * `looplab live` ends cleanly however it is ended, with no process left behind: Ctrl-C (SIGINT),
 * a closed terminal (SIGHUP, which looplab does not catch: it dies at once, and its servers
 * follow it, a scenario's on its IPC channel's end, a --cmd server's tree by its supervisor), and
 * no page connected for 30 s. SIGTERM and --max-time are live.test's. A light open-model load
 * (a few requests a second) keeps these from taking CPU from the measuring lane.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LiveEvent } from '../../bench/live/events.ts';
import { parseEventLines } from '../../bench/live/ndjson.ts';
import { startLiveSession } from '../../bench/live/session.ts';
import { livePids, reapAll } from '../../bench/run/process/child.ts';
import { packageRoot } from '../../core/package-info.ts';
import { getScenario } from '../../scenarios/registry.ts';
import { type CliRun, runMarked } from './helpers.ts';

const LIGHT = ['--rate', '5', '--max-time', '120'];

/** Sends `signal` a second after live says what it runs (its servers are up and loaded). */
const signalOnceRunning = (signal: NodeJS.Signals) => (cli: CliRun) => {
  void cli.waitForStderr(/^looplab live: /m).then(
    () => setTimeout(() => cli.child.kill(signal), 1000),
    () => {},
  );
};

const app = join(packageRoot(), 'test', 'fixtures', 'apps', 'http-app.cjs');

describe('looplab live ends with nothing left', () => {
  it('Ctrl-C (SIGINT): exit 130, the frames so far written', async () => {
    const run = await runMarked(
      ['live', 'busy-wait', '--ndjson', ...LIGHT],
      {},
      signalOnceRunning('SIGINT'),
    );
    assert.equal(run.code, 130, run.stderr);
    assert.deepEqual(run.left, [], 'processes left behind');
    assert.match(run.stdout, /"type":"frame"/);
    // Its servers were stopped by looplab, not dead on their own: no server-exited warning.
    const warnings = parseEventLines(run.stdout).events.filter((e) => e.type === 'warning');
    assert.deepEqual(
      warnings.filter((e) => e.type === 'warning' && e.code === 'server-exited'),
      [],
    );
  });

  it('a stop raced by Ctrl-C’s reaper, as the CLI does both, says no server exited on its own', async () => {
    const session = await startLiveSession({
      scenario: getScenario('busy-wait'),
      params: { ms: 20 },
      rate: 5,
      frameIntervalMs: 200,
      maxTimeMs: 60_000,
    });
    const events: LiveEvent[] = [];
    session.subscribe((e) => events.push(e));
    await new Promise((r) => setTimeout(r, 1500));
    // What a signal does: the command's stop begins, and the reaper kills every server at once.
    const closing = session.close();
    await reapAll();
    await closing;
    assert.deepEqual(livePids(), []);
    assert.deepEqual(
      events.filter((e) => e.type === 'warning' && e.code === 'server-exited'),
      [],
    );
    const last = events.at(-1);
    assert.equal(last?.type === 'state' && last.state, 'stopped');
    assert.equal(last?.type === 'state' && last.reason, undefined);
  });

  it('a closed terminal (SIGHUP): a scenario’s servers, and a --cmd server with its tree', async () => {
    const scenario = await runMarked(
      ['live', 'busy-wait', '--ndjson', ...LIGHT],
      {},
      signalOnceRunning('SIGHUP'),
    );
    assert.equal(scenario.code, 128 + 1, scenario.stderr);
    assert.deepEqual(scenario.left, [], 'scenario servers left behind');

    const own = await runMarked(
      ['live', '--cmd', `node ${app}`, '--path', '/health', '--ndjson', ...LIGHT],
      {},
      signalOnceRunning('SIGHUP'),
    );
    assert.equal(own.code, 128 + 1, own.stderr);
    assert.deepEqual(own.left, [], 'the app or its supervisor left behind');
  });

  it('no page connected for 30 s: the load stops and live ends, exit 0', {
    timeout: 90_000,
  }, async () => {
    const started = Date.now();
    const run = await runMarked(['live', 'busy-wait', '--no-open', ...LIGHT]);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /looplab live: stopped \(no page for 30 s\)/);
    assert.match(run.stdout, /looplab live: the page is at http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    assert.ok(seconds >= 29 && seconds < 80, `ended after ${seconds} s, not at --max-time 120`);
    assert.deepEqual(run.left, [], 'processes left behind');
  });
});

describe('looplab live --record', () => {
  it('replaces a file already there: the recording begins with this run’s session, and replays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'looplab-live-record-'));
    try {
      const file = join(dir, 'run.ndjson');
      // An earlier run's recording, as a learner re-running the same command leaves it.
      writeFileSync(file, '{"type":"session","version":1,"earlier":true}\n');
      const run = await runMarked([
        'live',
        'busy-wait',
        '--ndjson',
        '--rate',
        '5',
        '--max-time',
        '1',
        '--record',
        file,
      ]);
      assert.equal(run.code, 0, run.stderr);
      const text = readFileSync(file, 'utf8');
      assert.equal(text, run.stdout, 'the file holds this run, and only it');
      const replay = await runMarked(['live', '--replay', file, '--ndjson']);
      assert.equal(replay.code, 0, replay.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
