/**
 * The live page's view model on a recorded session (test/fixtures/live/busy-wait.ndjson:
 * busy-wait's sync and async at 200 ms frames; ms 20 → 50 at 3 s; sync's probe silent from 4.3 s
 * to 5.5 s; three stalls in spin): no browser, no server, exact expectations.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FrameEvent, LiveEvent, SessionEvent } from '../../bench/live/events.ts';
import { stallName, stallStack } from '../../bench/live/page/stall-text.ts';
import {
  addEvent,
  createModel,
  STALLS_SHOWN,
  viewAt,
  viewOf,
} from '../../bench/live/page/view-model.ts';
import { liveFixture } from './live-fixture.ts';

const events = liveFixture('busy-wait.ndjson');

describe('live view model', () => {
  const view = viewOf(events, 6200);

  it('lays out the session: its variants, its state and its knobs', () => {
    assert.deepEqual(view.variants, ['sync', 'async']);
    assert.equal(view.state, 'running');
    assert.deepEqual(view.session?.params, { ms: 20 });
    assert.equal(view.session?.paramSpecs.ms?.max, 10_000);
    assert.equal(view.latest.sync?.elapsedMs, 6100);
    assert.equal(view.latest.async?.lagP99Ms, 2);
  });

  it("charts each figure over seconds, and breaks sync's line where its probe fell silent", () => {
    const lag = view.series.sync?.lagP99Ms ?? [];
    // 25 frames (30 less the 5 it missed) and one gap.
    assert.equal(lag.length, 26);
    assert.deepEqual(lag[0], [0.3, 113.2]);
    const gap = lag.findIndex((p) => p[1] === null);
    assert.deepEqual(lag.slice(gap - 1, gap + 2), [
      [4.3, 302],
      [4.3, null],
      [5.5, 780],
    ]);
    assert.equal(view.series.async?.lagP99Ms.length, 30);
    assert.equal(
      view.series.async?.lagP99Ms.some((p) => p[1] === null),
      false,
    );
    // Memory in MiB, as its chart's unit says.
    assert.deepEqual(view.series.sync?.rssBytes[0], [0.3, 62_000_000 / 1024 ** 2]);
  });

  it('bands the silence with its length, and one that lasts grows with the clock', () => {
    assert.deepEqual(view.silences, [
      {
        variant: 'sync',
        fromMs: 4300,
        toMs: 5500,
        open: false,
        label: "no word from sync's loop for 1200 ms",
        newest: true,
      },
    ]);
    // Only the newest band is labelled on the page: the one that began last.
    const later = viewOf(events, 7200);
    assert.deepEqual(
      later.silences.map((s) => [s.variant, s.fromMs, s.toMs, s.open, s.label, s.newest]),
      [
        ['sync', 4300, 5500, false, "no word from sync's loop for 1200 ms", false],
        ['sync', 6100, 7200, true, "no word from sync's loop for 1100 ms", true],
        ['async', 6100, 7200, true, "no word from async's loop for 1100 ms", false],
      ],
    );
    // Frames 200 ms apart: 250 ms of quiet is not yet a silence, 350 ms is (over 300 ms).
    assert.equal(viewOf(events, 6350).silences.length, 1);
    assert.equal(viewOf(events, 6450).silences.length, 3);
  });

  it("draws no band for a frame as late as the variant's frames usually are", () => {
    const session = events[0] as SessionEvent;
    const frame = events.find((e) => e.type === 'frame') as FrameEvent;
    /** Frames of sync at these times, after running began at 0. */
    const silences = (frameIntervalMs: number, times: number[], nowMs: number) =>
      viewOf(
        [
          { ...session, frameIntervalMs },
          { type: 'state', elapsedMs: 0, state: 'running' },
          ...times.map((elapsedMs) => ({ ...frame, variant: 'sync', elapsedMs })),
        ],
        nowMs,
      ).silences.map((s) => [s.variant, s.fromMs, s.toMs]);
    // At 250 ms frames, a loop that answers on time is silent past 375 ms (1.5 intervals).
    assert.deepEqual(silences(250, [250, 500, 850, 1100], 1150), [['async', 0, 1150]]);
    assert.deepEqual(silences(250, [250, 500, 900, 1150], 1200), [
      ['sync', 500, 900],
      ['async', 0, 1200],
    ]);
    // A loop whose frames come 540 ms apart (sync under busy-wait's load) is banded until four
    // gaps tell its rhythm; then it is silent past 1.5 × 540 = 810 ms: 800 ms is its rhythm.
    const rhythm = [540, 1080, 1620, 2160, 2700];
    const early = [0, 540, 1080, 1620].map((from) => ['sync', from, from + 540]);
    assert.deepEqual(silences(250, [...rhythm, 3500], 3500), [...early, ['async', 0, 3500]]);
    assert.deepEqual(silences(250, [...rhythm, 3521], 3521), [
      ...early,
      ['sync', 2700, 3521],
      ['async', 0, 3521],
    ]);
    // A freeze now and then does not move the usual gap: each is banded.
    const every250 = Array.from({ length: 8 }, (_, i) => 250 * (i + 1));
    assert.deepEqual(
      silences(250, [...every250, 3000, 3250, 3500, 4500, 4750], 4750).filter(
        ([v]) => v === 'sync',
      ),
      [
        ['sync', 2000, 3000],
        ['sync', 3500, 4500],
      ],
    );
    // At 2 s frames, 1.5 intervals: 2.9 s of quiet is not a silence, 5.1 s is.
    assert.deepEqual(silences(2000, [2000, 4900, 10_000], 10_000), [
      ['sync', 4900, 10_000],
      ['async', 0, 10_000],
    ]);
  });

  it('bands no silence while a knob restarts the servers, and breaks each line there', () => {
    const session = events[0] as SessionEvent;
    const frame = events.find((e) => e.type === 'frame') as FrameEvent;
    const at = (variant: string, elapsedMs: number) => ({ ...frame, variant, elapsedMs });
    const view = viewOf(
      [
        { ...session, frameIntervalMs: 250 },
        { type: 'state', elapsedMs: 0, state: 'running' },
        at('sync', 250),
        at('async', 250),
        { type: 'marker', elapsedMs: 400, text: 'ms 20 → 50', restart: true },
        { type: 'state', elapsedMs: 400, state: 'idle', reason: 'restarting the servers' },
        // The old server's last word, as its load drains.
        at('sync', 500),
        { type: 'state', elapsedMs: 1900, state: 'running' },
        at('sync', 2150),
        at('async', 2150),
      ],
      2200,
    );
    assert.deepEqual(view.silences, []);
    assert.deepEqual(
      view.series.sync?.lagP99Ms.map(([x, y]) => [x, y === null]),
      [
        [0.25, false],
        [0.5, false],
        [1.9, true],
        [2.15, false],
      ],
    );
    assert.deepEqual(
      view.series.async?.lagP99Ms.map(([x, y]) => [x, y === null]),
      [
        [0.25, false],
        [1.9, true],
        [2.15, false],
      ],
    );
  });

  it('counts no silence while paused, and counts again from when the load restarts', () => {
    const model = createModel();
    for (const e of events) addEvent(model, e);
    addEvent(model, { type: 'state', elapsedMs: 6300, state: 'paused' });
    assert.equal(viewAt(model, 9000).silences.length, 1);
    assert.equal(viewAt(model, 9000).state, 'paused');
    addEvent(model, { type: 'state', elapsedMs: 9000, state: 'running' });
    assert.deepEqual(
      viewAt(model, 10_200).silences.map((s) => s.label),
      [
        "no word from sync's loop for 1200 ms",
        "no word from sync's loop for 1200 ms",
        "no word from async's loop for 1200 ms",
      ],
    );
    // A silence under way when the session stops ends there, as a closed band.
    addEvent(model, { type: 'state', elapsedMs: 10_300, state: 'stopped', reason: 'max-time' });
    const stopped = viewAt(model, 12_000);
    assert.equal(stopped.stateReason, 'max-time');
    assert.deepEqual(
      stopped.silences.map((s) => [s.variant, s.fromMs, s.toMs, s.open]),
      [
        ['sync', 4300, 5500, false],
        ['sync', 9000, 10_300, false],
        ['async', 9000, 10_300, false],
      ],
    );
  });

  it('lists the stalls newest first, named by the code that held the loop', () => {
    assert.deepEqual(
      view.stalls.map((s) => [s.variant, s.elapsedMs, s.ms, s.name]),
      [
        ['sync', 5500, 780, 'spin (busy-wait.ts:17) ← handle'],
        ['sync', 3500, 260, 'spin (busy-wait.ts:17) ← handle'],
        ['sync', 1500, 180, 'spin (busy-wait.ts:17) ← handle'],
      ],
    );
    assert.deepEqual(view.stalls[0]?.stack, [
      'spin (scenarios/catalog/busy-wait.ts:17)',
      'handle (scenarios/catalog/busy-wait.ts:37)',
      'emit (node internals)',
    ]);
    assert.equal(view.olderStalls, 0);
  });

  it('keeps the newest 20 stalls, and counts the older ones it left out', () => {
    const stall = events.find((e) => e.type === 'stall') as LiveEvent;
    const many = [
      ...events,
      ...Array.from({ length: 25 }, (_, i) => ({ ...stall, elapsedMs: 7000 + 100 * i })),
    ];
    const v = viewOf(many, 10_000);
    assert.equal(STALLS_SHOWN, 20);
    assert.equal(v.stalls.length, 20);
    assert.equal(v.olderStalls, 28 - 20);
    assert.deepEqual(
      [v.stalls[0]?.elapsedMs, v.stalls[19]?.elapsedMs],
      [7000 + 100 * 24, 7000 + 100 * 5],
    );
  });

  it('keeps a rate control’s marker, and the session’s rate for the knob', () => {
    const session = events.find((e) => e.type === 'session') as SessionEvent;
    const v = viewOf(
      [
        { ...session, rate: 40 },
        ...events.slice(1),
        { type: 'marker', elapsedMs: 6100, text: 'rate 40 → 80/s', variants: ['sync', 'async'] },
      ],
      6200,
    );
    assert.equal(v.session?.rate, 40);
    assert.deepEqual(
      v.markers.map((m) => m.text),
      ['ms 20 → 50', 'rate 40 → 80/s'],
    );
  });

  it('keeps the markers, and the newest warning of each kind', () => {
    assert.deepEqual(view.markers, [{ type: 'marker', elapsedMs: 3000, text: 'ms 20 → 50' }]);
    assert.deepEqual(
      view.warnings.map((w) => [w.code, w.elapsedMs]),
      [['machine-busy', 2900]],
    );
  });

  it('shares one window of the last minute across charts, from the start until it fills', () => {
    assert.deepEqual(view.windowS, [0, 10]);
    assert.deepEqual(viewOf(events, 30_000).windowS, [0, 30]);
    const late = viewOf(events, 64_400);
    assert.deepEqual(late.windowS, [4.4, 64.4]);
    // The frames in the window, and the one before it, so the line enters from the left edge.
    assert.deepEqual(late.series.async?.lagP99Ms[0]?.[0], 4.3);
    assert.equal(late.series.async?.lagP99Ms.length, 10);
  });

  it('keeps the history when the session event comes again, as on a reconnect', () => {
    const model = createModel();
    for (const e of events) addEvent(model, e);
    const first = events[0] as LiveEvent & { type: 'session' };
    addEvent(model, { ...first, state: 'running', params: { ms: 50 } });
    const again = viewAt(model, 6200);
    assert.deepEqual(again.session?.params, { ms: 50 });
    assert.equal(again.series.sync?.lagP99Ms.length, 26);
    assert.equal(again.stalls.length, 3);
  });
});

describe('stall text', () => {
  it('names a stack of Node frames alone by its top one, and an unnamed place by its line', () => {
    assert.equal(
      stallName([{ function: 'pbkdf2Sync', file: null, line: null, internal: true }]),
      'pbkdf2Sync (node internals)',
    );
    assert.equal(
      stallName([{ function: '(anonymous)', file: null, line: 4 }]),
      '(anonymous) (line 4)',
    );
    assert.equal(stallName([]), 'no stack');
    assert.deepEqual(stallStack([{ function: 'f', file: 'a/b.ts', line: null }]), ['f (a/b.ts)']);
  });
});

describe('live view model with --alternate', () => {
  const session = events[0] as SessionEvent;
  const alternating: LiveEvent[] = [
    {
      ...session,
      alternate: true,
      turnMs: 2000,
      turn: { variant: 'sync', elapsedMs: 100 },
    },
    { type: 'turn', elapsedMs: 2300, variant: 'async' },
  ];

  it('knows whose turn it is: from the session event, then from each turn event', () => {
    assert.deepEqual(viewOf(alternating.slice(0, 1), 500).turn, { variant: 'sync', fromMs: 100 });
    assert.deepEqual(viewOf(alternating, 2500).turn, { variant: 'async', fromMs: 2300 });
  });

  it('has no turn once the load pauses, nor without --alternate', () => {
    const paused: LiveEvent = { type: 'state', elapsedMs: 3000, state: 'paused' };
    assert.equal(viewOf([...alternating, paused], 3100).turn, null);
    assert.equal(viewOf(events, 6200).turn, null);
  });

  it("keeps a loaded turn's rhythm apart from an idle one's: sync's 540 ms under load is no silence", () => {
    const frame = events.find((e) => e.type === 'frame') as FrameEvent;
    const at = (elapsedMs: number): FrameEvent => ({ ...frame, variant: 'sync', elapsedMs });
    /** sync loaded (frames 540 ms apart) in its turns, idle (250 ms apart) in async's. */
    const turns: LiveEvent[] = [
      { ...session, frameIntervalMs: 250, alternate: true, turnMs: 3000, variants: ['sync'] },
      { type: 'state', elapsedMs: 0, state: 'running' },
    ];
    let t = 0;
    for (let turn = 0; turn < 4; turn++) {
      const loaded = turn % 2 === 0;
      turns.push({ type: 'turn', elapsedMs: t, variant: loaded ? 'sync' : 'async' });
      // Some 3 s a turn: six loaded frames, twelve idle ones.
      for (let i = 0; i < (loaded ? 6 : 12); i++) {
        t += loaded ? 540 : 250;
        turns.push(at(t));
      }
    }
    const bands = viewOf(turns, t).silences.map((x) => [x.fromMs, x.toMs]);
    // The first loaded turn's first four gaps, before its rhythm is known; none after.
    assert.deepEqual(bands, [
      [0, 540],
      [540, 1080],
      [1080, 1620],
      [1620, 2160],
    ]);
  });
});

describe('live view model of a lesson (lesson --live)', () => {
  const session: SessionEvent = {
    ...(events[0] as SessionEvent),
    frameIntervalMs: 250,
    lesson: { number: 1, id: 'the-waiter', title: 'The waiter' },
  };
  const frame = events.find((e) => e.type === 'frame') as FrameEvent;
  const at = (variant: string, elapsedMs: number): FrameEvent => ({ ...frame, variant, elapsedMs });
  /** sync's run from 1 s to 3 s, then async's from 4 s: one server at a time. */
  const runs: LiveEvent[] = [
    session,
    { type: 'marker', elapsedMs: 500, text: 'run 1 of 2: sync', variants: ['sync'] },
    { type: 'state', elapsedMs: 1000, state: 'running' },
    { type: 'turn', elapsedMs: 1000, variant: 'sync' },
    at('sync', 1250),
    at('sync', 1500),
    // sync's loop blocked for 1.4 s within its own run: a silence.
    at('sync', 2900),
    { type: 'state', elapsedMs: 3000, state: 'idle', reason: 'between runs' },
    { type: 'marker', elapsedMs: 3500, text: 'run 2 of 2: async', variants: ['async'] },
    { type: 'state', elapsedMs: 4000, state: 'running' },
    { type: 'turn', elapsedMs: 4000, variant: 'async' },
    at('async', 4250),
    at('async', 4500),
  ];

  it("bands only the silence of the variant whose run it is: the other's server is not up", () => {
    const s = (nowMs: number) =>
      viewOf(runs, nowMs).silences.map((x) => [x.variant, x.fromMs, x.toMs, x.open]);
    assert.deepEqual(s(4600), [['sync', 1500, 2900, false]]);
    // async quiet for 1.5 s in its run: a silence; sync, between its runs, none.
    assert.deepEqual(s(6000), [
      ['sync', 1500, 2900, false],
      ['async', 4500, 6000, true],
    ]);
  });

  it("breaks a variant's line where its next run began: two runs are two servers", () => {
    const more: LiveEvent[] = [
      ...runs,
      { type: 'state', elapsedMs: 5000, state: 'idle', reason: 'between runs' },
      { type: 'state', elapsedMs: 6000, state: 'running' },
      { type: 'turn', elapsedMs: 6000, variant: 'sync' },
      at('sync', 6250),
      at('sync', 6500),
    ];
    const xs = (viewOf(more, 6600).series.sync?.lagP99Ms ?? []).map(([x, y]) => [
      x,
      y === null ? null : 'y',
    ]);
    assert.deepEqual(xs, [
      [1.25, 'y'],
      [1.5, 'y'],
      [1.5, null],
      [2.9, 'y'],
      [6, null],
      [6.25, 'y'],
      [6.5, 'y'],
    ]);
  });

  it('without a lesson, the same events band the variant that sent nothing', () => {
    const live = [{ ...session, lesson: undefined }, ...runs.slice(1)];
    assert.deepEqual(
      viewOf(live, 4600).silences.map((x) => [x.variant, x.fromMs, x.toMs]),
      [
        ['sync', 1500, 2900],
        ['async', 1000, 3000],
        // Running again from 4 s, sync has sent nothing for 600 ms.
        ['sync', 4000, 4600],
      ],
    );
  });
});
