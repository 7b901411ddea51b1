/**
 * The open-model generator's pure parts, with exact numbers: when its requests are due
 * (open-schedule.ts) and what a window's records come to (open-tally.ts): the corrected and
 * uncorrected percentiles, timeouts counted at the timeout, and when the generator itself is the
 * limit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueTimes, seededRandom } from '../../bench/run/load/open-schedule.ts';
import {
  generatorLimited,
  type OpenRecord,
  sendLagLimitMs,
  tallyOpenWindow,
} from '../../bench/run/load/open-tally.ts';

const rec = (r: Partial<OpenRecord> & { dueMs: number }): OpenRecord => ({
  sentMs: r.dueMs,
  doneMs: null,
  outcome: null,
  status: null,
  bytes: 0,
  queued: false,
  ...r,
});

const window = (
  records: OpenRecord[],
  over: { startMs?: number; endMs?: number; timeoutMs?: number } = {},
) =>
  tallyOpenWindow({
    records,
    offeredPerSec: 10,
    startMs: over.startMs ?? 1000,
    endMs: over.endMs ?? 2000,
    timeoutMs: over.timeoutMs ?? 64,
    timeOriginMs: 0,
    generator: { elu: 0.1, connections: 3, maxConnections: 4 },
  });

describe('dueTimes', () => {
  it('uniform: one every 1/rate s from 0, none at or past the end', () => {
    assert.deepEqual(dueTimes('uniform', 4, 1000), [0, 250, 500, 750]);
    const due = dueTimes('uniform', 200, 1000);
    assert.equal(due.length, 200);
    for (let k = 0; k < due.length; k++) assert.equal(due[k], k * 5);
    // A rate whose gap is not a whole number of ms: k × gap, no drift, the count is rate × time.
    assert.equal(dueTimes('uniform', 3, 1000).length, 3);
    assert.equal(dueTimes('uniform', 7, 10_000).length, 70);
  });

  it('poisson: the same times for the same seed, other times for another', () => {
    const a = dueTimes('poisson', 100, 2000, 42);
    assert.deepEqual(dueTimes('poisson', 100, 2000, 42), a);
    assert.notDeepEqual(dueTimes('poisson', 100, 2000, 43), a);
    assert.ok((a[0] as number) > 0, 'the first is a gap after the start, as every other');
    for (let i = 1; i < a.length; i++) assert.ok((a[i] as number) > (a[i - 1] as number));
    assert.ok((a.at(-1) as number) < 2000);
  });

  it('poisson: over 10,000 gaps the mean gap is 1/rate within 4%, and the gaps spread as exponential ones do', () => {
    // The mean of n exponential gaps has a standard deviation of mean/√n: 1% at 10,000, so 4% is
    // four of them. Their coefficient of variation is 1 (uniform gaps': 0).
    const due = dueTimes('poisson', 1000, 20_000, 7).slice(0, 10_001);
    assert.equal(due.length, 10_001);
    const gaps = due.slice(1).map((t, i) => t - (due[i] as number));
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    assert.ok(Math.abs(mean - 1) < 0.04, `mean gap ${mean} ms`);
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    assert.ok(Math.abs(sd / mean - 1) < 0.05, `coefficient of variation ${sd / mean}`);
  });

  it('poisson: the mean count of a window is rate × length (no extra request at its start), and no window is empty', () => {
    // 2,000 windows of 1 s at 10/s: the mean count's standard deviation is √10/√2000 = 0.07.
    const counts = Array.from(
      { length: 2000 },
      (_, seed) => dueTimes('poisson', 10, 1000, seed).length,
    );
    const mean = counts.reduce((s, c) => s + c, 0) / counts.length;
    assert.ok(Math.abs(mean - 10) < 0.3, `mean count ${mean}`);
    // At 1/s over 1 s, e^-1 = 37% of draws have no arrival: each gets one, somewhere in the window.
    const sparse = Array.from({ length: 200 }, (_, seed) => dueTimes('poisson', 1, 1000, seed));
    assert.ok(sparse.every((d) => d.length >= 1 && d.every((t) => t >= 0 && t < 1000)));
  });

  it('refuses a rate that is not positive', () => {
    assert.throws(() => dueTimes('uniform', 0, 1000), RangeError);
    assert.throws(() => dueTimes('poisson', -1, 1000), RangeError);
    assert.throws(() => dueTimes('poisson', Number.NaN, 1000), RangeError);
  });

  it('seededRandom is deterministic and in [0, 1)', () => {
    const a = seededRandom(5);
    const b = seededRandom(5);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      assert.equal(x, b());
      assert.ok(x >= 0 && x < 1);
    }
  });
});

describe('tallyOpenWindow', () => {
  it('achieved: what arrived, at the pace the answers came (the slope of answer time on due time)', () => {
    const at = (dueMs: number, latencyMs: number) =>
      rec({ dueMs, doneMs: dueMs + latencyMs, outcome: 'answered', status: 200 });
    const slow = { timeoutMs: 5000 };
    // 10 due 100 ms apart, answered in 1 or 400 ms: it kept up. A count of the answers within
    // the window missed the slow ones due near its end (and called it 8 of 10).
    const spread = [1, 400, 400, 1, 1, 1, 1, 400, 400, 1].map((l, i) => at(1000 + i * 100, l));
    assert.deepEqual(
      [window(spread, slow).step.achievedPerSec, window(spread, slow).step.arrivedPerSec],
      [10, 10],
    );
    // 100 due 10 ms apart, answered one every 20 ms: a queue built, at half the arrivals' pace.
    const behind = Array.from({ length: 100 }, (_, i) =>
      rec({ dueMs: 1000 + i * 10, doneMs: 1005 + i * 20, outcome: 'answered', status: 200 }),
    );
    assert.equal(window(behind, slow).step.achievedPerSec, 50);
    // The same queue served in no set order (each 25 served last-due first, as a loop reads
    // whichever socket it reads first): still one every 20 ms. Each answer paired with its own
    // request's due time, the slope flattened, and the rate read 57.
    const shuffled = Array.from({ length: 100 }, (_, i) => {
      const slot = i - (i % 25) + 24 - (i % 25);
      return rec({
        dueMs: 1000 + i * 10,
        doneMs: 1250 + slot * 20,
        outcome: 'answered',
        status: 200,
      });
    });
    assert.equal(window(shuffled, slow).step.achievedPerSec?.toFixed(6), '50.000000');
    // Answers closing up faster than the arrivals (a pause early in the window): what arrived.
    const caughtUp = [at(1000, 300), at(1100, 210), at(1200, 120), at(1300, 30)];
    assert.equal(window(caughtUp, slow).step.achievedPerSec, 4);
    // Half of them timed out: half the rate.
    const half = [at(1000, 5), at(1250, 5), at(1500, 5), at(1750, 5)].concat(
      [1100, 1350, 1600, 1850].map((dueMs) =>
        rec({ dueMs, doneMs: dueMs + 5000, outcome: 'timeout' }),
      ),
    );
    assert.equal(window(half, slow).step.achievedPerSec, 4);
    assert.equal(window(half, slow).step.arrivedPerSec, 8);
  });

  it('an answer later than the timeout is a timeout, counted at the timeout', () => {
    // undici's timers tick every ~0.5 s: the worker can see the answer before its abort.
    const { step } = window(
      [rec({ dueMs: 1000, sentMs: 1010, doneMs: 1400, outcome: 'answered', status: 200 })],
      {
        timeoutMs: 100,
      },
    );
    assert.deepEqual([step.answered, step.timeouts], [0, 1]);
    assert.equal(step.latencyMs?.max, 110);
    assert.equal(step.uncorrectedLatencyMs?.max, 100);
  });

  // Window [1000, 2000), timeout 64 ms. Every latency is one the µs histogram keeps exactly.
  const records = [
    rec({ dueMs: 1000, doneMs: 1002, outcome: 'answered', status: 200, bytes: 10 }),
    // Waited 10 ms for a connection: corrected 15, uncorrected 5.
    rec({
      dueMs: 1100,
      sentMs: 1110,
      queued: true,
      doneMs: 1115,
      outcome: 'answered',
      status: 200,
      bytes: 10,
    }),
    rec({ dueMs: 1200, doneMs: 1230, outcome: 'answered', status: 200, bytes: 10 }),
    // Sent 16 ms late, then timed out: (sent − due) + timeout = 80 from due, 64 from send.
    rec({ dueMs: 1300, sentMs: 1316, queued: true, doneMs: 1380, outcome: 'timeout' }),
    // Never sent: waited the timeout for a connection. 64 from due, no uncorrected time.
    rec({ dueMs: 1400, sentMs: null, queued: true, doneMs: 1464, outcome: 'timeout' }),
    // Its connection failed: an error, in no latency.
    rec({ dueMs: 1500, doneMs: 1501, outcome: 'error' }),
    // A 500 is an answer, and an error.
    rec({ dueMs: 1600, doneMs: 1604, outcome: 'answered', status: 500, bytes: 10 }),
    // Answered after the window closed: in the latencies and the achieved rate, not the load's total.
    rec({ dueMs: 1990, doneMs: 2050, outcome: 'answered', status: 200, bytes: 10 }),
    // Still out (a window tallied without a settle): due and sent, in no figure.
    rec({ dueMs: 1950 }),
    // Not the window's.
    rec({ dueMs: 999, doneMs: 1001, outcome: 'answered', status: 200 }),
    rec({ dueMs: 2000, doneMs: 2001, outcome: 'answered', status: 200 }),
  ];

  it('counts every request due in the window once, whatever became of it', () => {
    const { step, load, connectionsExhausted } = window(records);
    assert.deepEqual(
      [step.due, step.sent, step.answered, step.errors, step.timeouts],
      [9, 8, 5, 2, 2],
    );
    // 5 of the 9 due answered in time, their answers coming at 1 / 1.0405 of the arrivals' pace
    // (the slope of answer time on due time over the 5): 9 × 5/9 / 1.0405.
    assert.equal(step.achievedPerSec?.toFixed(4), '4.8055');
    assert.equal(step.arrivedPerSec, 9);
    assert.equal(step.offeredPerSec, 10);
    assert.equal(connectionsExhausted, true);
    assert.deepEqual(
      [load.requestsTotal, load.requestsSent, load.requestsAfterClose, load.bytesTotal],
      [4, 8, 1, 40],
    );
    assert.deepEqual([load.errors, load.non2xx, load.timeouts], [1, 1, 2]);
    assert.equal(load.elapsedMs, 1000);
    assert.equal(load.lastAnswerMs, 604);
    assert.equal(load.answeredMaxMs, 60);
  });

  it('corrected percentiles from due, uncorrected from send, timeouts at the timeout (nearest rank)', () => {
    const { step, load } = window(records);
    // From due: 2, 4, 15, 30, 60, 64, 80.
    assert.deepEqual(step.latencyMs, { p50: 30, p90: 80, p99: 80, p999: 80, max: 80, min: 2 });
    // From send: 2, 4, 5, 30, 60, 64 (the request never sent has none).
    assert.deepEqual(step.uncorrectedLatencyMs, {
      p50: 5,
      p90: 64,
      p99: 64,
      p999: 64,
      max: 64,
      min: 2,
    });
    // The load's latency fields are the corrected ones.
    assert.deepEqual(
      [load.latencyP50Ms, load.latencyP90Ms, load.latencyP99Ms, load.latencyMaxMs],
      [30, 80, 80, 80],
    );
    // Send lag over the 8 sent: 0 × 6, 10, 16.
    assert.equal(step.generator.sendLagP99Ms, 16);
    assert.equal(step.generator.sendLagMaxMs, 16);
    // The two late ones waited for a connection: the generator's own lateness is none.
    assert.equal(step.generator.freeSendLagP99Ms, 0);
    // Nothing sent: no lag measured, null rather than 0.
    const unsent = window(
      records.map((r) => ({ ...r, sentMs: null, doneMs: null, outcome: null })),
    );
    assert.deepEqual(
      [unsent.step.generator.sendLagP99Ms, unsent.step.generator.sendLagMaxMs],
      [null, null],
    );
    assert.deepEqual(
      [step.generator.elu, step.generator.connections, step.generator.maxConnections],
      [0.1, 3, 4],
    );
  });

  it('p50 to p99.9 on 1,500 answers 1 µs apart', () => {
    // 1,500, not 1,000: at 1,000 the histogram's rank for p99.9, ceil(0.999 × 1000), is 1000 in
    // floating point (0.9990000000000001 × 1000), so p99.9 would read the max.
    const many = Array.from({ length: 1500 }, (_, i) =>
      rec({ dueMs: 1000 + i, doneMs: 1000 + i + (i + 1) / 1000, outcome: 'answered', status: 200 }),
    );
    const { step } = window(many, { endMs: 3000 });
    const { min, ...percentiles } = step.latencyMs ?? {};
    assert.deepEqual(percentiles, { p50: 0.75, p90: 1.35, p99: 1.485, p999: 1.499, max: 1.5 });
    // Exact, not to a bucket: 1 µs, as floating point subtracts it.
    assert.equal(min?.toFixed(9), '0.001000000');
  });

  it('a timeout sent late counts later from due than from send, by exactly its send lag', () => {
    const { step } = window(
      [rec({ dueMs: 1000, sentMs: 1040, outcome: 'timeout', doneMs: 1140 })],
      {
        timeoutMs: 100,
      },
    );
    assert.equal(step.latencyMs?.max, 140);
    assert.equal(step.uncorrectedLatencyMs?.max, 100);
    assert.equal(step.timeouts, 1);
  });

  it('corrected ≥ uncorrected for every request, whatever its send lag', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 500; i++) {
      const dueMs = 1000 + random() * 900;
      const sentMs = dueMs + (random() < 0.5 ? 0 : random() * 300);
      const timedOut = random() < 0.2;
      const r = rec({
        dueMs,
        sentMs,
        doneMs: sentMs + random() * 100,
        outcome: timedOut ? 'timeout' : 'answered',
        status: 200,
      });
      const { step } = window([r]);
      assert.ok((step.latencyMs?.max as number) >= (step.uncorrectedLatencyMs?.max as number));
    }
  });

  it('nothing answered: null latencies, not zeros', () => {
    const { step } = window([rec({ dueMs: 1000, doneMs: 1001, outcome: 'error' })]);
    assert.equal(step.latencyMs, null);
    assert.equal(step.uncorrectedLatencyMs, null);
    assert.equal(step.achievedPerSec, 0);
    assert.equal(step.errors, 1);
  });
});

describe('generatorLimited', () => {
  it('names the generator when its thread is busy 90% or more', () => {
    assert.match(generatorLimited(100, 0.95, 0.1) ?? '', /busy 95%/);
    assert.equal(generatorLimited(100, 0.89, 0.1), null);
  });

  it('names it when its sends on free connections went out later than max(5 ms, 2 gaps)', () => {
    assert.equal(sendLagLimitMs(1000), 5);
    assert.equal(sendLagLimitMs(100), 20);
    assert.match(generatorLimited(1000, 0.2, 6) ?? '', /send lag p99 6\.0 ms, over 5\.0 ms/);
    // Mostly idle yet late: it waited for a CPU; busy: it could not keep up.
    assert.match(
      generatorLimited(1000, 0.2, 6) ?? '',
      /with connections free, its thread busy only 20% of the step: it waited for a CPU, which the machine gave to other work$/,
    );
    assert.match(
      generatorLimited(1000, 0.6, 6) ?? '',
      /with connections free: its thread could not keep up with 1000\/s$/,
    );
    assert.equal(generatorLimited(100, 0.2, 6), null);
    assert.equal(generatorLimited(100, 0.2, null), null);
  });
});
