/**
 * The bystander's books (bench/run/load/ping-tally.ts), shared by bench's and live's: what each
 * ping's end counts as, with exact expectations.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pingTimesMs } from '../../bench/report/run-record.ts';
import {
  addPingTally,
  countPing,
  emptyPingTally,
  pingOutcome,
} from '../../bench/run/load/ping-tally.ts';

describe('pingOutcome: what a ping’s end counts as', () => {
  it('counts a 2xx as answered, any other status as an error, unless any status will do', () => {
    assert.equal(pingOutcome({ status: 200 }), 'answered');
    assert.equal(pingOutcome({ status: 204 }), 'answered');
    assert.equal(pingOutcome({ status: 301 }), 'error');
    assert.equal(pingOutcome({ status: 503 }), 'error');
    assert.equal(pingOutcome({ status: 404 }, true), 'answered');
  });

  it('counts undici’s headers and body timeouts as timeouts, any other failure as an error', () => {
    assert.equal(pingOutcome({ error: { code: 'UND_ERR_HEADERS_TIMEOUT' } }), 'timeout');
    assert.equal(pingOutcome({ error: { code: 'UND_ERR_BODY_TIMEOUT' } }), 'timeout');
    assert.equal(pingOutcome({ error: { code: 'ECONNREFUSED' } }), 'error');
    assert.equal(pingOutcome({ error: new Error('no code') }), 'error');
    assert.equal(pingOutcome({ error: null }), 'error');
  });
});

describe('the ping tally', () => {
  it('keeps an answered ping’s time, and counts timeouts and errors', () => {
    const tally = emptyPingTally(10_000);
    countPing(tally, 'answered', 12.5);
    countPing(tally, 'timeout', 10_003);
    countPing(tally, 'error', 3);
    countPing(tally, 'answered', 2);
    assert.deepEqual(tally, { latenciesMs: [12.5, 2], timeoutMs: 10_000, timeouts: 1, errors: 1 });
  });

  it('adds two spans without changing either', () => {
    const a = { latenciesMs: [1], timeoutMs: 10_000, timeouts: 1, errors: 0 };
    const b = { latenciesMs: [2, 3], timeoutMs: 10_000, timeouts: 0, errors: 2 };
    assert.deepEqual(addPingTally(a, b), {
      latenciesMs: [1, 2, 3],
      timeoutMs: 10_000,
      timeouts: 1,
      errors: 2,
    });
    assert.deepEqual(a.latenciesMs, [1]);
  });

  it('gives every ping’s time sorted, a timed-out or failed one at the timeout (issue 24)', () => {
    assert.deepEqual(
      pingTimesMs({ latenciesMs: [30, 10, 20], timeoutMs: 2000, timeouts: 1, errors: 2 }),
      [10, 20, 30, 2000, 2000, 2000],
    );
    assert.deepEqual(pingTimesMs(emptyPingTally(2000)), []);
  });
});
