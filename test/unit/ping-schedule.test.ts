/**
 * The bystander's open-model schedule (bench/run/load/ping-schedule.ts): each ping due on a fixed
 * grid from the (re)start, whatever became of the earlier ones. Real timers, so the due times are
 * checked exactly and only the count with a margin.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pingSchedule, sendPing } from '../../bench/run/load/ping-schedule.ts';
import type { WarmConnections } from '../../bench/run/load/warm-connections.ts';

describe('pingSchedule', () => {
  it('fires ping n due at the restart plus n periods, on a fixed grid', async () => {
    const due: number[] = [];
    const schedule = pingSchedule(20, (dueAt) => due.push(dueAt));
    const before = performance.now();
    schedule.restart();
    const after = performance.now();
    await sleep(210);
    schedule.stop();
    const n = due.length;
    await sleep(60);
    assert.equal(due.length, n, 'nothing after stop');
    assert.ok(n >= 3 && n <= 12, `${n} pings in 210 ms at one per 20 ms`);
    const start = due[0] as number;
    assert.ok(start >= before && start <= after);
    for (let i = 0; i < n; i++) assert.ok(Math.abs((due[i] as number) - (start + i * 20)) < 1e-9);
  });

  it('a restart starts the grid again: no backlog of pings owed from before', async () => {
    const due: number[] = [];
    const schedule = pingSchedule(20, (dueAt) => due.push(dueAt));
    schedule.restart();
    // A thread too busy to run its timers for 100 ms, then the restart.
    const until = performance.now() + 100;
    while (performance.now() < until);
    const restartedAt = performance.now();
    due.length = 0;
    schedule.restart();
    await sleep(50);
    schedule.stop();
    assert.ok(due.length >= 1, 'a ping after the restart');
    // Without the fresh grid, the 5 pings due in the busy stretch would go out now, late.
    for (const d of due) assert.ok(d >= restartedAt, `a ping due ${restartedAt - d} ms before`);
  });

  it('stop sends the pings due before flushUntil whose timers have not fired, none after', () => {
    const due: number[] = [];
    const schedule = pingSchedule(10, (dueAt) => due.push(dueAt));
    schedule.restart();
    const start = performance.now();
    // Timers cannot run in this synchronous stretch: every ping due in it is owed.
    while (performance.now() < start + 35);
    schedule.stop(start + 35);
    // Due at about start, +10, +20, +30: four (the grid began a hair before `start`).
    assert.equal(due.length, 4);
    assert.ok((due[3] as number) < start + 35);
  });

  it('calls refresh between pings below 0.5 a second, never after stop', async () => {
    let refreshed = 0;
    // One ping every 2.5 s: refreshes at 2500/3 and 5000/3 ms after each (refreshOffsetsMs).
    const schedule = pingSchedule(
      2500,
      () => {},
      () => refreshed++,
    );
    schedule.restart();
    await sleep(1250);
    assert.equal(refreshed, 1);
    schedule.stop();
    await sleep(800);
    assert.equal(refreshed, 1);
  });
});

describe('sendPing', () => {
  /** One connection whose every call is answered 200 at once. */
  const answering = {
    use: async <T>(fn: (client: never) => Promise<T>) =>
      fn({
        request: async () => ({ statusCode: 200, body: { dump: async () => {} } }),
      } as never),
  } as unknown as WarmConnections;
  const target = { path: '/ping', timeoutMs: 1000 };

  it('times a ping sent before it was due (an early timer) from its sending, never below 0', async () => {
    const { outcome, ms } = await sendPing(answering, target, performance.now() + 50);
    assert.equal(outcome, 'answered');
    assert.ok(ms >= 0 && ms < 50, `${ms} ms`);
  });

  it('times a ping sent late from when it was due: its wait is part of it', async () => {
    const { ms } = await sendPing(answering, target, performance.now() - 30);
    assert.ok(ms >= 30, `${ms} ms`);
  });
});
