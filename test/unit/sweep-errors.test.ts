/**
 * A sweep step's errors and failures, exactly: the errors test of the knee (over 1% of the
 * step's requests failed), a failed run's knee at its rate, when a step fails its run (only when
 * the server answered none of the hold's requests, never when the generator could not send), and
 * the warning for holds of a handful of requests.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  errorShare,
  kneeCounts,
  pastErrorKnee,
  withErrorKnee,
} from '../../bench/sweep/errors-knee.ts';
import { findKnee } from '../../bench/sweep/knee.ts';
import { stepProblem } from '../../bench/sweep/step-problem.ts';
import { fewRequestsWarning } from '../../bench/sweep/summary.ts';
import { step } from './sweep-fixtures.ts';

const gen = { limitedBy: 'generator' as const };

describe('the errors test of the knee', () => {
  it('is over 1% of the requests due failing, and takes no step the generator could not hold', () => {
    // step(20, …) has 100 requests due.
    assert.equal(errorShare(step(20, 10, { errors: 1 })), 0.01);
    assert.equal(pastErrorKnee(step(20, 10, { errors: 1 })), false);
    assert.equal(pastErrorKnee(step(20, 10, { errors: 2 })), true);
    assert.equal(pastErrorKnee(step(20, 10, { errors: 50, ...gen })), false);
    assert.equal(errorShare(step(20, 10, { due: 0 })), null);
  });

  it('moves the knee down to the first erring step, and joins the reasons at the same rate', () => {
    const steps = [step(10, 20), step(20, 21, { errors: 5 }), step(40, 60), step(80, 300)];
    assert.deepEqual(withErrorKnee(findKnee(steps, 2), steps), {
      atPerSec: 20,
      reasons: ['errors'],
      lastGoodPerSec: 10,
      baselineP99Ms: 20,
    });
    const same = [step(10, 20), step(20, 60, { errors: 5 }), step(40, 90)];
    assert.deepEqual(withErrorKnee(findKnee(same, 2), same).reasons, ['latency', 'errors']);
    // An erring step above the latency knee changes nothing.
    const later = [step(10, 20), step(20, 60), step(40, 90, { errors: 9 })];
    assert.deepEqual(withErrorKnee(findKnee(later, 2), later), findKnee(later, 2));
  });

  it("puts a failed run's knee at the rate it failed at, unless a knee came before", () => {
    const steps = [step(10, 20), step(20, 22)];
    assert.deepEqual(withErrorKnee(findKnee(steps, 2), steps, 40), {
      atPerSec: 40,
      reasons: ['failed'],
      lastGoodPerSec: 20,
      baselineP99Ms: 20,
    });
    const kneed = [step(10, 20), step(20, 90)];
    assert.equal(withErrorKnee(findKnee(kneed, 2), kneed, 40).atPerSec, 20);
    assert.equal(kneeCounts({ state: 'failed', failedAtPerSec: 40 }), true);
    assert.equal(kneeCounts({ state: 'failed' }), false);
    assert.equal(kneeCounts({ state: 'completed' }), true);
  });
});

describe('stepProblem', () => {
  const o = { path: '/orders', holdSec: 1, timeoutSec: 10 };

  it('fails a step only when the server answered none of its requests', () => {
    assert.equal(stepProblem(step(20, 10, { answered: 1, errors: 99 }), o), null);
    assert.equal(
      stepProblem(step(20, null, { answered: 0, timeouts: 100 }), o),
      'the server answered none of the 100 requests to /orders due in the 1 s hold (100 timed out after --timeout 10 s): the handler never finished, or one request takes longer than --timeout; raise --timeout (or --hold) if it is only slow',
    );
  });

  it('never blames the server for a step the generator could not send, or for no request due', () => {
    assert.equal(
      stepProblem(step(100_000, null, { answered: 0, timeouts: 8235, ...gen }), o),
      null,
    );
    assert.equal(stepProblem(step(20, null, { answered: 0, due: 0 }), o), null);
  });
});

describe('fewRequestsWarning', () => {
  it('names the rates whose hold has under 20 requests, and the hold that would have 20', () => {
    assert.equal(
      fewRequestsWarning([10, 20, 40, 10], 0.5),
      "at 10 and 20 req/s the 0.5 s hold is under 20 requests: a step's p99 there is its slowest request or two, not a percentile; hold longer (--hold 2 or more) for percentiles to read",
    );
    assert.equal(fewRequestsWarning([20, 40], 1), null);
    // 20 requests at 0.001/s would need a 20,000 s hold, past the longest: higher rates instead.
    assert.match(
      fewRequestsWarning([0.001], 1) ?? '',
      /; sweep from 0\.0056 req\/s or more \(at --hold 3600, the longest\) for percentiles to read$/,
    );
  });
});
