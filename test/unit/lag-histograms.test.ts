/**
 * The loop lag's correction for coordinated omission: jHiccup's back-fill, and the two histograms
 * the probe keeps (raw and corrected).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLagHistograms, missedDelaysMs } from '../../scenarios/probe/lag-histograms.ts';

describe('missedDelaysMs', () => {
  it('back-fills a 400 ms delay at 10 ms with 390, 380, … 10 ms, as recordValueWithExpectedInterval does', () => {
    const missed = missedDelaysMs(400, 10);
    assert.equal(missed.length, 39);
    assert.deepEqual(missed.slice(0, 3), [390, 380, 370]);
    assert.deepEqual(missed.slice(-2), [20, 10]);
    assert.equal(
      missed.reduce((a, b) => a + b, 0),
      7800,
    );
  });

  it('adds nothing for a delay under twice the interval', () => {
    assert.deepEqual(missedDelaysMs(0, 10), []);
    assert.deepEqual(missedDelaysMs(9.5, 10), []);
    assert.deepEqual(missedDelaysMs(19.9, 10), []);
    assert.deepEqual(missedDelaysMs(20, 10), [10]);
  });

  it('keeps the fraction of a delay that is not a whole number of intervals', () => {
    assert.deepEqual(missedDelaysMs(35, 10), [25, 15]);
    assert.deepEqual(missedDelaysMs(12.5, 2.5), [10, 7.5, 5, 2.5]);
  });

  it('refuses an interval that would never end the back-fill', () => {
    assert.throws(() => missedDelaysMs(400, 0), RangeError);
    assert.throws(() => missedDelaysMs(400, -10), RangeError);
  });
});

/** Within the histograms' 3 significant digits. */
function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= expected * 1e-3, `${what}: ${actual} vs ${expected}`);
}

describe('createLagHistograms', () => {
  it('shows a 400 ms freeze in 2 s in the corrected p99, while the raw one stays at the usual lateness', () => {
    const lag = createLagHistograms(10);
    // One 2 s period at 10 ms: 160 firings 1 ms late, then one held back 400 ms by a freeze.
    for (let i = 0; i < 160; i++) lag.record(1);
    lag.record(400);
    const l = lag.read();
    assert.equal(l.samples, 161);
    near(l.rawP50Ms, 1, 'raw p50');
    // One sample in 161 is under 1%: the raw p99 does not see the freeze.
    near(l.rawP99Ms, 1, 'raw p99');
    // Corrected: 200 values, the top 40 being 10, 20, … 400; the 198th smallest is 380.
    near(l.p50Ms, 1, 'p50');
    near(l.p99Ms, 380, 'p99');
    near(l.maxMs, 400, 'max');
  });

  it('takes a firing on time as no delay at all (1 µs, the histogram floor)', () => {
    const lag = createLagHistograms(10);
    lag.record(0);
    const l = lag.read();
    assert.deepEqual(l, {
      p50Ms: 0.001,
      p99Ms: 0.001,
      rawP50Ms: 0.001,
      rawP99Ms: 0.001,
      maxMs: 0.001,
      samples: 1,
    });
  });

  it('reads zeros with no sample, and forgets everything on reset', () => {
    const lag = createLagHistograms(10);
    const none = { p50Ms: 0, p99Ms: 0, rawP50Ms: 0, rawP99Ms: 0, maxMs: 0, samples: 0 };
    assert.deepEqual(lag.read(), none);
    lag.record(250);
    assert.equal(lag.read().samples, 1);
    lag.reset();
    assert.deepEqual(lag.read(), none);
  });
});
