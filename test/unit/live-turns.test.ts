import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TURN_S, nextTurn, turnMs, turnOver } from '../../bench/live/turns.ts';

test('turns go round robin, the first after the last', () => {
  const v = ['sync', 'async', 'workers'];
  assert.equal(nextTurn(v, 'sync'), 'async');
  assert.equal(nextTurn(v, 'async'), 'workers');
  assert.equal(nextTurn(v, 'workers'), 'sync');
  assert.equal(nextTurn(['only'], 'only'), 'only');
});

test('a turn is over at the frame nearest its length of load', () => {
  // 2 s turns, 250 ms frames: over from 1875 ms of load, so at the 8th frame, not the 9th.
  assert.equal(turnOver(1750, 2000, 250), false);
  assert.equal(turnOver(1875, 2000, 250), true);
  assert.equal(turnOver(2000, 2000, 250), true);
  // A frame longer than the turn: over at the first frame that has seen load.
  assert.equal(turnOver(0, 1000, 10_000), true);
});

test('--alternate takes 1 to 60 s; anything else is LOOPLAB_ERR_BAD_OPTION', () => {
  assert.equal(turnMs(DEFAULT_TURN_S), 3000);
  assert.equal(turnMs(1), 1000);
  assert.equal(turnMs(2.5), 2500);
  assert.equal(turnMs(60), 60_000);
  for (const bad of [0, 0.5, 61, Number.NaN, Number.POSITIVE_INFINITY])
    assert.throws(() => turnMs(bad), { code: 'LOOPLAB_ERR_BAD_OPTION' });
});
