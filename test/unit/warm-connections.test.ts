import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_CONNECTIONS,
  refreshOffsetsMs,
  warmCount,
} from '../../bench/run/load/warm-connections.ts';

describe('warmCount: the bystander connections open before the window', () => {
  it('is as many as the pings of 2 s, so each is used again within 2 s', () => {
    assert.equal(warmCount(20), 100); // 50/s, the default
    assert.equal(warmCount(100), 20);
    assert.equal(warmCount(1000 / 3), 6);
  });

  it('is at least one, and at most the most connections', () => {
    assert.equal(warmCount(5000), 1);
    assert.equal(warmCount(1), MAX_CONNECTIONS);
    assert.equal(MAX_CONNECTIONS, 128);
  });
});

describe('refreshOffsetsMs: uncounted calls that keep a slow bystander connection open', () => {
  it('is none at 1 ping a second or more: a connection is used again within 2 s', () => {
    assert.deepEqual(refreshOffsetsMs(20), []);
    assert.deepEqual(refreshOffsetsMs(1000), []);
  });

  it('below, spaces them evenly at most 1 s apart, so that no connection idles past 2 s', () => {
    assert.deepEqual(refreshOffsetsMs(1001), [500.5]);
    assert.deepEqual(refreshOffsetsMs(2000), [1000]);
    assert.deepEqual(refreshOffsetsMs(5000), [1000, 2000, 3000, 4000]); // 0.2/s
    assert.deepEqual(refreshOffsetsMs(2500), [2500 / 3, 5000 / 3]);
  });
});
