import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countPrimes, countPrimesPartitioned } from '../../scenarios/catalog/lib/primes.ts';

describe('countPrimes', () => {
  it('counts the primes in [from, to)', () => {
    assert.equal(countPrimes(2, 10), 4); // 2 3 5 7
    assert.equal(countPrimes(0, 2), 0);
    assert.equal(countPrimes(2, 100_000), 9592);
    assert.equal(countPrimes(10, 20), 4); // 11 13 17 19
  });
});

describe('countPrimesPartitioned', () => {
  it('gives the same count whatever the chunk size, including chunks that do not divide the range', async () => {
    for (const chunk of [1, 7, 1000, 1_000_000]) {
      assert.equal(await countPrimesPartitioned(2, 10_000, chunk), 1229, `chunk ${chunk}`);
    }
  });

  it('yields to the event loop between chunks', async () => {
    // Without a yield the whole count would finish, and this await resume, in microtasks,
    // before the loop ever reached its check phase to run the immediate.
    let loopTurned = false;
    setImmediate(() => {
      loopTurned = true;
    });
    await countPrimesPartitioned(2, 50_000, 100);
    assert.equal(loopTurned, true);
  });
});
