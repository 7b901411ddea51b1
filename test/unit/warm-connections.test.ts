import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_CONNECTIONS, warmCount } from '../../bench/run/load/warm-connections.ts';

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
