/**
 * The probe's frames (`looplab live`): each reads what the loop did since the previous one and
 * starts the next at once, beside the window, which frames leave alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProbe } from '../../scenarios/probe/probe.ts';
import type { StallsRecorded } from '../../scenarios/probe/protocol.ts';

/** Holds this thread's loop for `ms`: the stall the frames must see. */
function holdTheLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the probe’s frames', () => {
  it('give the stall to the frame it fell in, and the next frame starts clean', async () => {
    const probe = createProbe(100);
    try {
      await probe.frame();
      await settle(30);
      holdTheLoop(300);
      const stalled = await probe.frame();
      assert.ok(stalled.frameMs >= 300, JSON.stringify(stalled));
      // The block that just ended is counted although the sampler has not fired since.
      assert.ok(stalled.lagMaxMs >= 280, JSON.stringify(stalled));
      // Corrected for coordinated omission: the missed firings fill the top of the histogram.
      assert.ok(stalled.lagP99Ms >= 200, JSON.stringify(stalled));
      assert.ok(stalled.elu > 0.5, JSON.stringify(stalled));
      // Some CPU, not all 300 ms of it: on a shared machine the spin waits for a core too.
      assert.ok(stalled.cpuUserMs + stalled.cpuSystemMs > 0, JSON.stringify(stalled));
      assert.ok(stalled.rssBytes > 0);
      await settle(50);
      const next = await probe.frame();
      // Generous: a shared machine may hold this loop a little, never the 300 ms above.
      assert.ok(next.frameMs < 250, JSON.stringify(next));
      assert.ok(next.lagMaxMs < 200, JSON.stringify(next));
      assert.ok(next.lagSamples >= 1, JSON.stringify(next));
      assert.equal(next.stalls, undefined);
    } finally {
      probe.stop();
    }
  });

  it('leave the window alone: a window read after frames still has the stall', async () => {
    const probe = createProbe(100);
    try {
      probe.reset();
      holdTheLoop(120);
      await probe.frame();
      await probe.frame();
      const window = await probe.read();
      assert.ok(window.lagMaxMs >= 100, JSON.stringify(window));
      assert.ok(window.windowMs >= 120, JSON.stringify(window));
    } finally {
      probe.stop();
    }
  });

  it('close once the watchdog has answered, so a loop held before the answer is taken in delays the frame, not its sending', async () => {
    const probe = createProbe(100, { stalls: { thresholdMs: 50, root: process.cwd() } });
    try {
      await probe.ready;
      await probe.frame();
      await settle(30);
      const asked = probe.frame();
      // The watchdog answers at once, but this loop takes the answer in only after the hold, as
      // a busy server's loop does.
      holdTheLoop(300);
      const heldUntil = performance.timeOrigin + performance.now();
      const frame = await asked;
      const answered = performance.timeOrigin + performance.now();
      assert.ok(frame.frameEndEpochMs >= heldUntil, JSON.stringify(frame));
      // Generous: a shared machine may hold this thread a little, never the 300 ms above.
      assert.ok(answered - frame.frameEndEpochMs < 150, `${answered - frame.frameEndEpochMs} ms`);
      // The hold is in this frame's lag, which closed after it...
      assert.ok(frame.lagMaxMs >= 280, JSON.stringify(frame));
      // ...and its stack, caught after the watchdog's frame was asked for, in the next frame's
      // stalls: once, not in both.
      const held = (f: typeof frame) =>
        f.stalls?.state === 'recorded' &&
        f.stalls.stacks.some((x) => x.frames[0]?.function === 'holdTheLoop');
      assert.equal(held(frame), false, JSON.stringify(frame.stalls));
      await settle(30);
      const next = await probe.frame();
      assert.equal(held(next), true, JSON.stringify(next.stalls));
      await settle(30);
      const after = await probe.frame();
      assert.equal(held(after), false, JSON.stringify(after.stalls));
    } finally {
      probe.stop();
    }
  });

  it('take the stacks caught since the previous frame, and only those', async () => {
    const probe = createProbe(100, { stalls: { thresholdMs: 50, root: process.cwd() } });
    try {
      await probe.ready;
      probe.reset();
      await probe.frame();
      await settle(30);
      holdTheLoop(500);
      // The beat reports the stall once the loop is free; the worker answers after that.
      await settle(30);
      const caught = await probe.frame();
      assert.equal(caught.stalls?.state, 'recorded', JSON.stringify(caught.stalls));
      if (caught.stalls?.state !== 'recorded') return;
      assert.ok(caught.stalls.count >= 1, JSON.stringify(caught.stalls));
      const held = (s: StallsRecorded) =>
        s.stacks.some((x) => x.frames[0]?.function === 'holdTheLoop');
      assert.ok(held(caught.stalls), JSON.stringify(caught.stalls));
      await settle(30);
      const after = await probe.frame();
      assert.equal(after.stalls?.state, 'recorded');
      if (after.stalls?.state !== 'recorded') return;
      assert.equal(held(after.stalls), false, JSON.stringify(after.stalls));
      // The window's own tally is untouched by the frames read inside it.
      const window = await probe.read();
      assert.equal(window.stalls?.state, 'recorded');
      if (window.stalls?.state === 'recorded') assert.equal(held(window.stalls), true);
    } finally {
      probe.stop();
    }
  });
});
