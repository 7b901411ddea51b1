import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../bench/report/diagnosis.ts';
import { entry, failedRun, runsFrom } from './fixtures.ts';

const of = (columns: Parameters<typeof runsFrom>[0]) =>
  diagnose(entry('busy-wait', 'sync', runsFrom(columns)));

describe('diagnose', () => {
  it('calls a loop healthy below every threshold, with its numbers', () => {
    const d = of({
      lagRawP50Ms: [0.2, 0.4],
      lagMaxMs: [12, 99.9],
      elu: [0.3, 0.5],
      pingP99Ms: [1.5, 2.5],
    });
    assert.equal(d.healthy, true);
    assert.deepEqual(d.findings, []);
    assert.equal(
      d.text,
      'event loop healthy: median delay 0.3 ms, max 100 ms, utilisation 40%, /ping p99 2.0 ms',
    );
  });

  it("uses Clinic Doctor's median threshold: 10 ms is unhealthy, 9.9 is not", () => {
    assert.deepEqual(
      of({ lagRawP50Ms: [10], lagMaxMs: [20] }).findings.map((f) => f.heuristic),
      ['lagMedian'],
    );
    assert.equal(of({ lagRawP50Ms: [9.9], lagMaxMs: [20] }).healthy, true);
  });

  it('takes the worst run for the max: one 100 ms stall is a finding', () => {
    const d = of({ lagRawP50Ms: [1, 1, 1], lagMaxMs: [5, 100, 5] });
    assert.equal(d.healthy, false);
    assert.equal(d.text, 'event loop blocked: the loop stalled for 100 ms (>= 100 ms)');
  });

  it('calls utilisation >= 0.95 saturated, and a slow /ping strain, without a blocked loop', () => {
    const d = of({ lagRawP50Ms: [1], lagMaxMs: [5], elu: [0.95], pingP99Ms: [150] });
    assert.deepEqual(
      d.findings.map((f) => f.heuristic),
      ['elu', 'ping'],
    );
    assert.match(d.text, /^event loop under strain: the loop was busy 95% of the time/);
    assert.match(d.text, /a cheap \/ping waited 150 ms at p99/);
  });

  it('says a /ping p99 at the timeout came from failed pings, not a slow loop', () => {
    // 2 runs of 1,000 pings, 96 of each failing (a 503, a lost connection), counted at 10 s.
    const runs = runsFrom({
      lagRawP50Ms: [1, 1],
      lagMaxMs: [5, 5],
      elu: [0.5, 0.5],
      pingP99Ms: [10_000, 10_000],
    });
    for (const r of runs) Object.assign(r, { pingSent: 1000, pingErrors: 96, pingTimeouts: 0 });
    const d = diagnose(entry('busy-wait', 'sync', runs));
    assert.equal(d.healthy, false);
    assert.equal(
      d.text,
      'pings failed: /ping read 10000 ms at p99 with 96 failed calls a run, each counted at the timeout (an error status or a lost connection, not a slow loop)',
    );
    // Pings that timed out did wait: that stays a slow loop's finding.
    for (const r of runs) Object.assign(r, { pingErrors: 6, pingTimeouts: 90 });
    assert.match(
      diagnose(entry('busy-wait', 'sync', runs)).text,
      /^event loop under strain: a cheap \/ping waited 10000 ms at p99/,
    );
    // A failure or two under 1% leaves the p99 to the answers.
    for (const r of runs) Object.assign(r, { pingErrors: 5, pingTimeouts: 0 });
    assert.match(diagnose(entry('busy-wait', 'sync', runs)).text, /a cheap \/ping waited/);
  });

  it('lists every finding of a blocked loop', () => {
    const d = of({ lagRawP50Ms: [20], lagMaxMs: [400], elu: [1], pingP99Ms: [300] });
    assert.deepEqual(
      d.findings.map((f) => f.heuristic),
      ['lagMedian', 'lagMax', 'elu', 'ping'],
    );
    assert.match(d.text, /^event loop blocked: median event-loop delay 20 ms/);
  });

  it('says there is nothing to diagnose without a measured loop', () => {
    const d = diagnose(entry('busy-wait', 'sync', [failedRun(1)]));
    assert.equal(d.healthy, null);
    assert.equal(d.text, 'no completed run measured the event loop: nothing to diagnose');
  });
});
