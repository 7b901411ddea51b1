/**
 * `looplab live --alternate`: the variants take turns under load, one at a time, round robin;
 * the others' servers run idle and are still probed. End to end on loopback, with the real CLI,
 * and through the session for the controls. The load's figures are checked by where a frame
 * lies, not by timing: a frame that lies wholly in a turn has load figures for the turn's
 * variant alone.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import type { FrameEvent, LiveEvent, TurnEvent } from '../../bench/live/events.ts';
import { parseEventLines } from '../../bench/live/ndjson.ts';
import { startLiveSession } from '../../bench/live/session.ts';
import { livePids, reapAll } from '../../bench/run/process/child.ts';
import { packageRoot } from '../../core/package-info.ts';
import { getScenario } from '../../scenarios/registry.ts';
import { runMarked } from './helpers.ts';

after(reapAll);

const isFrame = (e: LiveEvent): e is FrameEvent => e.type === 'frame';
const isTurn = (e: LiveEvent): e is TurnEvent => e.type === 'turn';

/** Whose turn it was over [from, to] (ms), or null when the span crosses a turn's start. */
function holderOver(turns: { variant: string; fromMs: number }[], from: number, to: number) {
  const i = turns.findLastIndex((t) => t.fromMs <= from);
  if (i < 0) return null;
  const next = turns[i + 1];
  if (next && next.fromMs < to) return null;
  return turns[i]?.variant ?? null;
}

test('looplab live --alternate 2 --ndjson: turns in order, load figures for the turn’s variant alone, exit 0, nothing left', async (t) => {
  const run = await runMarked([
    'live',
    '--ndjson',
    '--max-time',
    '9',
    '--alternate',
    '2',
    '--frame-interval',
    '200',
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.left, [], 'processes left behind');
  assert.match(run.stderr, /under load in turns of 2 s/);
  const { events } = parseEventLines(run.stdout);
  const schema = readFileSync(join(packageRoot(), 'bench', 'live', 'events.schema.json'), 'utf8');
  const validate = new Ajv2020.default({ strict: true }).compile(JSON.parse(schema));
  for (const event of events) assert.ok(validate(event), JSON.stringify(validate.errors));
  const session = events[0];
  assert.equal(session?.type, 'session');
  if (session?.type !== 'session') return;
  assert.equal(session.alternate, true);
  assert.equal(session.turnMs, 2000);
  assert.equal(session.turn?.variant, 'sync', 'the first turn is the first variant’s');
  // One loaded server at a time: no contention between variants to warn of (2 cores here).
  assert.ok(!events.some((e) => e.type === 'warning' && e.code === 'cpu-contention'));

  const turns = [
    { variant: session.turn.variant, fromMs: session.turn.elapsedMs },
    ...events.filter(isTurn).map((e) => ({ variant: e.variant, fromMs: e.elapsedMs })),
  ];
  t.diagnostic(`turns: ${turns.map((x) => `${x.variant}@${Math.round(x.fromMs)}`).join(' ')}`);
  // The first turn waits for the bystanders to warm up (up to 2 s on a busy machine): in 9 s,
  // at least one hand-over, and round robin.
  assert.ok(turns.length >= 2, JSON.stringify(turns));
  assert.deepEqual(
    turns.map((x) => x.variant),
    turns.map((_, i) => (i % 2 === 0 ? 'sync' : 'async')),
  );
  for (let i = 1; i < turns.length; i++)
    assert.ok((turns[i]?.fromMs ?? 0) > (turns[i - 1]?.fromMs ?? 0), 'turns in time order');

  const frames = events.filter(isFrame);
  let inTurn = 0;
  for (const f of frames) {
    const holder = holderOver(turns, f.elapsedMs - f.frameMs, f.elapsedMs);
    if (holder === null) continue;
    inTurn++;
    // Idle in another's turn: its load figures are not measured (null), not 0; its loop is.
    if (f.variant !== holder) {
      assert.equal(f.requestsPerSec, null, JSON.stringify(f));
      assert.equal(f.latencyP99Ms, null, JSON.stringify(f));
      assert.equal(f.pingP99Ms, null, JSON.stringify(f));
      assert.ok(f.elu !== null && f.rssBytes !== null, JSON.stringify(f));
    }
  }
  assert.ok(inTurn > 10, `${inTurn} frames lie wholly in a turn`);
  // Each had the load in its turn, and its bystander with it.
  for (const v of ['sync', 'async']) {
    const mine = frames.filter((f) => f.variant === v);
    assert.ok(
      mine.some((f) => (f.requestsPerSec ?? 0) > 0 && f.pingP99Ms !== null),
      `${v} was loaded in its turn`,
    );
    assert.ok(
      mine.some((f) => f.requestsPerSec === null && f.lagP99Ms !== null),
      `${v} idled, probed`,
    );
  }
  const last = events.at(-1);
  assert.equal(last?.type === 'state' && last.state, 'stopped');
});

test('--alternate with the controls: a params change restarts the servers and the turns go on; a pause ends the turn, a start begins it again', async () => {
  const session = await startLiveSession({
    scenario: getScenario('busy-wait'),
    params: { ms: 20 },
    connections: 5,
    frameIntervalMs: 200,
    maxTimeMs: 60_000,
    turnMs: 1000,
  });
  const events: LiveEvent[] = [];
  session.subscribe((e) => events.push(e));
  const waitForTurn = async (variant: string, afterIndex: number) => {
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      if (events.slice(afterIndex).some((e) => isTurn(e) && e.variant === variant)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(
      `no turn of ${variant} after event ${afterIndex}: ${JSON.stringify(events.filter(isTurn))}`,
    );
  };
  try {
    assert.equal(session.describe().turn?.variant, 'sync');
    await waitForTurn('async', 0);
    await session.control({ action: 'params', params: { ms: 30 } });
    assert.equal(livePids().length, 2);
    const marked = events.length;
    // Turns go on with the fresh servers: both take theirs again.
    await waitForTurn('sync', marked);
    await waitForTurn('async', marked);
    await session.control({ action: 'pause' });
    assert.equal(session.describe().turn, undefined, 'no turn while paused');
    const paused = events.length;
    await session.control({ action: 'start' });
    // The turn the pause cut short begins again.
    const resumed = events.slice(paused).find(isTurn);
    assert.ok(resumed, 'a turn begins with the start');
    assert.equal(session.describe().turn?.variant, resumed.variant);
  } finally {
    await session.close();
  }
  assert.deepEqual(livePids(), []);
  assert.equal(session.describe().turn, undefined);
});
