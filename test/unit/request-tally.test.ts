/**
 * The HTTP load's accounting of one window (bench/run/load/request-tally.ts), with exact numbers: what
 * was answered in the window and after it, and what is left in flight counting as timed out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestTally, tallyOfReports } from '../../bench/run/load/request-tally.ts';

describe('RequestTally', () => {
  it('counts answers in the window apart from those after its close, in the same latencies', () => {
    const t = new RequestTally(10_000);
    for (let i = 0; i < 5; i++) t.sent();
    t.answered(1.5, 100);
    t.answered(2.25, 100);
    t.close();
    t.answered(1500.125, 100);
    const c = t.counts();
    assert.deepEqual(
      [c.sent, c.answeredInWindow, c.answeredAfterClose, c.timeouts, c.errors],
      [5, 2, 1, 0, 0],
    );
    // Bytes/s divides by the window as requests/s does: the answer after the close is left out.
    assert.equal(c.bytesInWindow, 200);
    assert.equal(t.inFlight, 2);
    assert.equal(c.latency.count, 3);
    // The slow answer after the close is the tail: it is the max and the p99.
    assert.equal(c.latency.maxMs, 1500.125);
    assert.equal(c.latency.percentile(50), 2.25);
  });

  it('counts a timed-out request at the timeout, never as nothing', () => {
    const t = new RequestTally(2000);
    t.sent();
    t.sent();
    t.answered(3);
    t.timedOut();
    const c = t.counts();
    assert.equal(c.timeouts, 1);
    assert.equal(c.latency.maxMs, 2000);
    assert.equal(t.inFlight, 0);
  });

  it('counts what is still in flight at the end as timed out, once', () => {
    const t = new RequestTally(1000);
    for (let i = 0; i < 4; i++) t.sent();
    t.answered(5);
    t.failed();
    t.close();
    const c = t.counts(true);
    assert.deepEqual([c.answeredInWindow, c.errors, c.timeouts], [1, 1, 2]);
    assert.equal(c.latency.count, 3);
    // The histogram's bucket of 1,000 ms starts 64 µs below it (to 0.1%); the max is exact.
    assert.equal(c.latency.percentile(99), 999.936);
    assert.equal(c.latency.maxMs, 1000);
    assert.equal(t.inFlight, 0);
    assert.equal(t.counts(true).timeouts, 2);
  });

  it('adds up the reports of the connections on worker threads as one thread counts them', () => {
    const t = tallyOfReports(
      [
        {
          sent: 4,
          inWindowMs: [1, 2],
          inWindowBytes: 300,
          afterCloseMs: [700],
          timeouts: 0,
          errors: 1,
          non2xx: 0,
          lastAnswerMs: 9,
        },
        {
          sent: 3,
          inWindowMs: [3],
          inWindowBytes: 150,
          afterCloseMs: [],
          timeouts: 1,
          errors: 0,
          non2xx: 0,
          lastAnswerMs: null,
        },
      ],
      5000,
    );
    // The second client left one request in flight: at the end it counts as timed out.
    assert.equal(t.inFlight, 1);
    const c = t.counts(true);
    assert.deepEqual(
      [c.sent, c.answeredInWindow, c.answeredAfterClose, c.timeouts, c.errors],
      [7, 3, 1, 2, 1],
    );
    assert.equal(c.bytesInWindow, 450);
    assert.equal(c.latency.count, 6);
    assert.equal(c.latency.maxMs, 5000);
  });
});
