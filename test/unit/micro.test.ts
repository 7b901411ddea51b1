import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { ceilingText, formatMicro } from '../../bench/render/micro.ts';
import { assertHasOperation, ceilingPerSec, measureOperation } from '../../bench/run/micro.ts';
import { allScenarios, getScenario } from '../../scenarios/registry.ts';
import { defineScenario } from '../../scenarios/types.ts';
import { throwsCoded } from './fixtures.ts';

describe('every scenario declares its per-request operation', () => {
  // A new scenario without one would silently drop out of `micro` and the bench ceiling.
  for (const s of allScenarios) {
    it(`${s.id} has an operation`, () => {
      assert.equal(typeof s.operation, 'function');
    });
  }
});

describe('ceilingPerSec', () => {
  it('is 1000 / mean ms', () => {
    assert.equal(ceilingPerSec(20), 50);
    assert.equal(ceilingPerSec(0.5), 2000);
  });
  it('is unbounded for an operation too fast to time', () => {
    assert.equal(ceilingPerSec(0), Number.POSITIVE_INFINITY);
  });
});

describe('ceilingText', () => {
  it('puts the measured throughput beside the ceiling', () => {
    assert.equal(ceilingText(46.8, 50), 'measured 46.8 req/s, 94% of the 50.0 req/s ceiling');
    assert.equal(ceilingText(1234, 2000), 'measured 1,234 req/s, 62% of the 2,000 req/s ceiling');
    assert.equal(ceilingText(52.5, 50), 'measured 52.5 req/s, 105% of the 50.0 req/s ceiling');
    assert.equal(
      ceilingText(54, 50),
      'measured 54.0 req/s, 108% of the 50.0 req/s ceiling (above it: timed alone, the operation cost more than in the server; machine speed, caches and garbage collection differ between the two, so read both as approximate)',
    );
  });
});

describe('formatMicro', () => {
  it('shows mean, margin, p99, calls and the ceiling arithmetic', () => {
    const text = formatMicro([
      {
        scenario: 'busy-wait',
        params: { ms: 20 },
        operation: 'spins',
        samples: 50,
        meanMs: 20.04,
        p99Ms: 21.5,
        rmePct: 0.5,
        ceilingPerSec: 49.9,
      },
    ]);
    assert.match(text, /^busy-wait {2}ms=20\n/);
    assert.match(text, / {2}mean {7}20\.0 ms ±0\.50% {2}\(p99 21\.5 ms, 50 calls\)/);
    assert.match(text, / {2}ceiling {4}49\.9 req\/s on one event loop \(1000 \/ 20\.0 ms\)/);
  });
});

describe('measureOperation', () => {
  it('refuses a scenario without an operation', () => {
    const bare = defineScenario({
      id: 'bare',
      title: 't',
      teaches: 't',
      params: {},
      variants: {
        sync: { summary: 's', handle: () => ({ body: '' }) },
        async: { summary: 'a', handle: () => ({ body: '' }) },
      },
    });
    throwsCoded(
      () => assertHasOperation(bare),
      'LOOPLAB_ERR_NO_OPERATION',
      /^scenario "bare" declares no per-request operation/,
    );
  });

  it('times busy-wait ms=5 at or under its 200 req/s ceiling', async () => {
    const r = await measureOperation(
      getScenario('busy-wait'),
      { ms: 5 },
      {
        timeMs: 100,
        minSamples: 10,
      },
    );
    assert.ok(r.samples >= 10, `${r.samples} samples`);
    // A spin lasts at least ms; a loaded machine only makes it longer (directional margin).
    assert.ok(r.meanMs >= 5 && r.meanMs < 25, `mean ${r.meanMs} ms`);
    assert.ok(r.ceilingPerSec <= 200 && r.ceilingPerSec > 40, `ceiling ${r.ceilingPerSec}`);
    assert.ok(r.p99Ms >= r.meanMs);
  });

  it("leaves no listener on the caller's signal, however many scenarios share it", async () => {
    // One signal runs a whole bench's ceilings: ten scenarios once made Node warn of a leak.
    const { signal } = new AbortController();
    const trivial = { timeMs: 5, minSamples: 1, signal };
    for (let i = 0; i < 12; i++)
      await measureOperation(getScenario('busy-wait'), { ms: 0 }, trivial);
    assert.equal(getEventListeners(signal, 'abort').length, 0);
  });
});
