/**
 * bench/live/runs-source.ts (`lesson --live`): a run's window watched through a fake server, with
 * no process: the warm-up's frame dropped, the window's frames sent with the answers counted
 * since the frame before, what a watch cannot count null, and nothing after the end.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FrameEvent, LiveEvent } from '../../bench/live/events.ts';
import { runsSource } from '../../bench/live/runs-source.ts';
import type { MeasuredServer } from '../../bench/run/process/target.ts';
import type { ProbeFrame } from '../../scenarios/probe/protocol.ts';

const probe: ProbeFrame = {
  frameMs: 250,
  frameEndEpochMs: 0,
  lagP50Ms: 60,
  lagP99Ms: 150,
  lagMaxMs: 152,
  lagSamples: 12,
  elu: 1,
  cpuUserMs: 200,
  cpuSystemMs: 50,
  rssBytes: 50_000_000,
};

/**
 * A server whose probe answers each frame with `probe` (its lag the frame's number); frames after
 * the first wait for `open`, so that a slow machine cannot send one before the test is ready.
 */
function fakeServer(
  open: Promise<unknown> = Promise.resolve(),
): MeasuredServer & { asked: number } {
  const server = {
    asked: 0,
    pid: 1,
    origin: 'http://127.0.0.1:1',
    ping: { origin: 'http://127.0.0.1:1', path: '/ping' },
    resetProbe: async () => {},
    readProbe: async () => null,
    frameProbe: async () => {
      const asked = ++server.asked;
      if (asked > 1) await open;
      return { ...probe, lagP99Ms: asked, frameEndEpochMs: Date.now() };
    },
    stop: async () => {},
    otherPorts: () => [],
  };
  return server;
}

const options = {
  scenario: 'busy-wait',
  lanes: ['sync', 'async'],
  params: { ms: 20 },
  connections: 10,
  frameIntervalMs: 5,
  lesson: { number: 1, id: 'the-waiter', title: 'The waiter' },
};
const tick = () => new Promise((r) => setImmediate(r));
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until `seen` holds, as long as a busy machine needs (CI's took over 5 ms a tick). */
async function until(seen: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !seen(); await wait(5))
    assert.ok(Date.now() < deadline, 'waited 10 s');
}

describe('a lesson run watched live', () => {
  it("sends the window's frames, not the warm-up's, with the answers since the frame before", async (t) => {
    const source = runsSource(options);
    const events: LiveEvent[] = [];
    source.subscribe((e) => events.push(e));
    assert.equal(source.describe().state, 'idle');
    assert.deepEqual(source.describe().lesson, options.lesson);
    source.runStarts('run 1 of 2: sync', 'sync');
    let opened = () => {};
    const server = fakeServer(new Promise<void>((resolve) => (opened = resolve)));
    const watch = source.watch('sync', server, { answers: true });
    // A failed assertion must not leave the watch asking every 5 ms: the file would never end.
    t.after(() => watch.end());
    // The run's turn begins once its probe has answered the first frame (the warm-up's).
    assert.equal(source.describe().turn, undefined);
    assert.equal(server.asked, 1);
    await tick();
    assert.equal(source.describe().turn?.variant, 'sync');
    // The first frame closed the warm-up's: asked, not sent (the first sent is the second asked).
    assert.ok(!events.some((e) => e.type === 'frame'));
    for (const ms of [10, 20, 30]) watch.onAnswer?.(ms);
    opened();
    await until(() => events.some((e) => e.type === 'frame'));
    watch.end();
    const asked = server.asked;
    await wait(20);
    // Not asked again once the window's load is over.
    assert.equal(server.asked, asked);
    watch.end();
    source.end('the lesson ended');
    source.end('again');
    const said = events.map((e) => [
      e.type,
      'text' in e ? e.text : 'state' in e ? e.state : e.variant,
    ]);
    assert.deepEqual(said.slice(0, 3), [
      ['marker', 'run 1 of 2: sync'],
      ['state', 'running'],
      ['turn', 'sync'],
    ]);
    assert.deepEqual(said.slice(-2), [
      ['state', 'idle'],
      ['state', 'stopped'],
    ]);
    assert.ok(said.length - 5 >= 1, JSON.stringify(said));
    assert.ok(said.slice(3, -2).every(([type, lane]) => type === 'frame' && lane === 'sync'));
    const frame = events.find((e): e is FrameEvent => e.type === 'frame');
    assert.equal(frame?.lagP99Ms, 2);
    assert.equal(frame?.latencyP50Ms, 20);
    assert.ok((frame?.requestsPerSec ?? 0) > 0);
    assert.deepEqual(
      [frame?.errors, frame?.timeouts, frame?.pingP50Ms, frame?.pingP99Ms, frame?.pingTimeouts],
      [null, null, null, null, null],
    );
    // Nothing after the end, and no knob to turn.
    const count = events.length;
    source.runStarts('run 2 of 2: async', 'async');
    assert.equal(events.length, count);
    await assert.rejects(
      source.control({ action: 'stop' }),
      /LOOPLAB_ERR_USAGE|the page only watches/,
    );
  });

  it('says null for the load where the answers could not be counted (--workers)', async (t) => {
    const source = runsSource(options);
    const events: LiveEvent[] = [];
    source.subscribe((e) => events.push(e));
    const watch = source.watch('async', fakeServer(), { answers: false });
    t.after(() => watch.end());
    watch.onAnswer?.(10);
    await until(() => events.some((e) => e.type === 'frame'));
    watch.end();
    const frame = events.find((e): e is FrameEvent => e.type === 'frame');
    assert.deepEqual([frame?.requestsPerSec, frame?.latencyP99Ms], [null, null]);
    assert.equal(frame?.lagP99Ms, 2);
  });
});
