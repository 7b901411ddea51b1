/**
 * `looplab live --replay`: a recording read back (the rules for a bad or torn line) and played at
 * its recorded pace, on a hand-written recording of busy-wait's sync and async.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { FrameEvent, LiveEvent, StallEvent } from '../../bench/live/events.ts';
import { eventProblem, parseRecording } from '../../bench/live/recording.ts';
import { openReplay, replaySource } from '../../bench/live/replay.ts';
import { LooplabError } from '../../core/errors.ts';
import { packageRoot } from '../../core/package-info.ts';
import { throwsCoded } from './fixtures.ts';

const FIXTURES = join(packageRoot(), 'test/fixtures/live');
const WHOLE = join(FIXTURES, 'replay-busy-wait.ndjson');
const TORN = join(FIXTURES, 'replay-busy-wait-torn.ndjson');
const text = readFileSync(WHOLE, 'utf8');
const lines = text.trimEnd().split('\n');

describe('a recording, read', () => {
  it('reads the session and every event after it, in order', () => {
    const { session, events, warnings } = parseRecording(text, 'run.ndjson');
    assert.equal(session.scenario, 'busy-wait');
    assert.deepEqual(session.variants, ['sync', 'async']);
    assert.equal(events.length, lines.length - 1);
    assert.deepEqual(warnings, []);
    const frames = events.filter((e): e is FrameEvent => e.type === 'frame');
    assert.equal(frames.filter((f) => f.variant === 'sync').length, 12);
    assert.equal(frames.filter((f) => f.variant === 'async').length, 15);
    const stalls = events.filter((e): e is StallEvent => e.type === 'stall');
    assert.equal(stalls.length, 12);
    assert.ok(stalls.every((s) => s.variant === 'sync' && s.frames[0]?.function === 'spin'));
    assert.equal(events.at(-1)?.type, 'state');
  });

  it('drops a torn last line with a warning', () => {
    const torn = readFileSync(TORN, 'utf8');
    const { events, warnings } = parseRecording(torn, 'torn.ndjson');
    assert.equal(events.length, lines.length - 2);
    assert.deepEqual(warnings, [
      `torn.ndjson: dropped its last line (${lines.length}), torn or not JSON: the recording was cut short`,
    ]);
  });

  it('refuses a bad line anywhere else, naming it', () => {
    const broken = [...lines];
    broken[5] = '{"type":"frame",';
    throwsCoded(
      () => parseRecording(broken.join('\n'), 'x.ndjson'),
      'LOOPLAB_ERR_BAD_RECORDING',
      'x.ndjson: line 6 is not JSON; a recording is what looplab live --record writes',
    );
    const unknown = [...lines];
    unknown[3] = '{"type":"gossip","elapsedMs":1}';
    throwsCoded(
      () => parseRecording(unknown.join('\n'), 'x.ndjson'),
      'LOOPLAB_ERR_BAD_RECORDING',
      /line 4 has no known "type" \("gossip"\)/,
    );
  });

  it('refuses a first line that is not a session of this version, and an empty file', () => {
    throwsCoded(
      () => parseRecording(lines.slice(1).join('\n'), 'x.ndjson'),
      'LOOPLAB_ERR_BAD_RECORDING',
      /line 1 must be a "session" event/,
    );
    const v2 = lines[0]?.replace('"version":1', '"version":2') ?? '';
    throwsCoded(
      () => parseRecording([v2, ...lines.slice(1)].join('\n'), 'x.ndjson'),
      'LOOPLAB_ERR_BAD_RECORDING',
      /line 1 has events version 2; this looplab reads version 1/,
    );
    throwsCoded(() => parseRecording('\n\n', 'x.ndjson'), 'LOOPLAB_ERR_BAD_RECORDING', /empty/);
    // A lone torn line is not a recording with its tail cut: there is nothing to play.
    throwsCoded(
      () => parseRecording('{"type":"sess', 'x.ndjson'),
      'LOOPLAB_ERR_BAD_RECORDING',
      /line 1 is not JSON/,
    );
  });

  it('refuses a file that holds two runs, at the line where the second session begins', () => {
    throwsCoded(
      () => parseRecording([...lines, ...lines].join('\n'), 'x.ndjson'),
      'LOOPLAB_ERR_BAD_RECORDING',
      `x.ndjson: line ${lines.length + 1} begins a second session: this file holds more than one run; a recording is what looplab live --record writes`,
    );
  });

  it('says what a line lacks', () => {
    assert.equal(
      eventProblem({ type: 'frame', elapsedMs: 1 }),
      'is a frame event without its "variant"',
    );
    assert.equal(
      eventProblem({ type: 'stall', variant: 'sync', elapsedMs: 1 }),
      'is a stall event without its stack ("frames")',
    );
    assert.equal(
      eventProblem({ type: 'state', elapsedMs: -1, state: 'running' }),
      'is a state event without a valid "elapsedMs"',
    );
    assert.equal(eventProblem({ type: 'state', elapsedMs: 3, state: 'running' }), null);
    assert.equal(eventProblem('frame'), 'is not a JSON object');
  });
});

describe('a recording, played back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'looplab-replay-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('plays every event at its recorded pace, then ends stopped', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    const { session, events } = parseRecording(text, 'run.ndjson');
    const source = replaySource(session, events, [], 1);
    const heard: LiveEvent[] = [];
    source.subscribe((e) => heard.push(e));
    assert.equal(heard.length, 0, 'nothing before subscribe returns');
    t.mock.timers.tick(0);
    t.mock.timers.tick(0);
    // The first event (state running at 400 ms) plays at once; the first frames 250 ms later.
    assert.deepEqual(
      heard.map((e) => e.type),
      ['state'],
    );
    t.mock.timers.tick(249);
    assert.equal(heard.length, 1);
    t.mock.timers.tick(1);
    assert.deepEqual(
      heard.slice(1).map((e) => e.type),
      ['frame', 'stall'],
      'sync frame and its stall at 650 ms',
    );
    t.mock.timers.tick(3);
    assert.equal(heard.length, 4, 'async frame at 653 ms');
    assert.equal(source.describe().state, 'running');
    // To the recording's end (5236 ms after 400): its own stop, played once, and nothing after.
    for (let i = 0; i < 60; i++) t.mock.timers.tick(100);
    assert.deepEqual(heard, events);
    assert.deepEqual(heard.at(-1), {
      type: 'state',
      elapsedMs: 5236,
      state: 'stopped',
      reason: 'stopped from the page',
    });
    assert.equal(source.describe().state, 'stopped');
    await source.close();
  });

  it('ends a recording without a stop of its own (cut short) with one: the end of the recording', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    const { session, events } = parseRecording(text, 'run.ndjson');
    const cut = events.slice(0, -1);
    const source = replaySource(session, cut, [], 1);
    const heard: LiveEvent[] = [];
    source.subscribe((e) => heard.push(e));
    for (let i = 0; i < 80; i++) t.mock.timers.tick(100);
    assert.deepEqual(heard.slice(0, -1), cut);
    assert.deepEqual(
      heard.filter((e) => e.type === 'state' && e.state === 'stopped'),
      [{ type: 'state', elapsedMs: 4986, state: 'stopped', reason: 'end of the recording' }],
    );
    await source.close();
  });

  it('plays faster with a speed, and stops on "stop"', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    const { session, events } = parseRecording(text, 'run.ndjson');
    const source = replaySource(session, events, [], 10);
    const heard: LiveEvent[] = [];
    source.subscribe((e) => heard.push(e));
    t.mock.timers.tick(0);
    t.mock.timers.tick(0);
    t.mock.timers.tick(25);
    assert.deepEqual(
      heard.map((e) => e.type),
      ['state', 'frame', 'stall'],
      '250 recorded ms in 25',
    );
    await source.control({ action: 'stop' });
    assert.deepEqual(heard.at(-1), {
      type: 'state',
      elapsedMs: 650,
      state: 'stopped',
      reason: 'stopped',
    });
    const count = heard.length;
    for (let i = 0; i < 100; i++) t.mock.timers.tick(100);
    assert.equal(heard.length, count, 'nothing plays after stop');
    await source.close();
  });

  it('refuses every control but stop, and measures nothing', async () => {
    const { session, events } = parseRecording(text, 'run.ndjson');
    const source = replaySource(session, events, [], 1);
    for (const control of [
      { action: 'start' as const },
      { action: 'pause' as const },
      { action: 'connections' as const, connections: 20 },
      { action: 'params' as const, params: { ms: 50 } },
    ]) {
      await assert.rejects(source.control(control), (err: unknown) => {
        assert.ok(err instanceof LooplabError);
        assert.equal(err.code, 'LOOPLAB_ERR_USAGE');
        assert.match(err.message, new RegExp(`only "stop" works, not "${control.action}"`));
        return true;
      });
    }
    await source.close();
  });

  it('opens a file, tells of a torn end in the stream too, and names a missing file', async () => {
    const speedy = await openReplay(TORN, { speed: Number.POSITIVE_INFINITY });
    assert.equal(speedy.warnings.length, 1);
    const heard: LiveEvent[] = [];
    const ended = new Promise<void>((resolve) =>
      speedy.subscribe((e) => {
        heard.push(e);
        if (e.type === 'state' && e.state === 'stopped' && e.reason === 'end of the recording')
          resolve();
      }),
    );
    await ended;
    assert.equal(heard[0]?.type, 'warning');
    assert.equal(heard[0]?.type === 'warning' && heard[0].code, 'recording-cut-short');
    assert.equal(heard.length, 1 + (lines.length - 2) + 1);
    await speedy.close();

    const missing = join(dir, 'nope.ndjson');
    await assert.rejects(openReplay(missing), { code: 'LOOPLAB_ERR_NO_SUCH_FILE' });
    const notRecording = join(dir, 'report.json');
    writeFileSync(notRecording, '{"schemaVersion":2}\n{"results":[]}\n');
    await assert.rejects(openReplay(notRecording), { code: 'LOOPLAB_ERR_BAD_RECORDING' });
    await assert.rejects(openReplay(WHOLE, { speed: 0 }), { code: 'LOOPLAB_ERR_BAD_OPTION' });
  });
});
