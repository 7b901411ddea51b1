import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indistinguishable, scenarioVerdict } from '../../bench/report/verdict.ts';
import type { Summary } from '../../bench/stats/descriptive.ts';
import { formatMs, formatRate } from '../../core/numbers.ts';
import { entry, failedRun, runsFrom } from './fixtures.ts';

const S = 'busy-wait';

describe('formatMs', () => {
  it('shows one decimal below 10 ms and whole milliseconds from 10 ms', () => {
    assert.equal(formatMs(0), '0.0 ms');
    assert.equal(formatMs(4.5), '4.5 ms');
    assert.equal(formatMs(9.94), '9.9 ms');
    assert.equal(formatMs(10), '10 ms');
    assert.equal(formatMs(10.5), '11 ms');
    assert.equal(formatMs(260.4), '260 ms');
    assert.equal(formatMs(1234.6), '1235 ms');
  });
});

describe('formatRate', () => {
  it('groups thousands from 100 req/s and shows one decimal below', () => {
    assert.equal(formatRate(12.34), '12.3');
    assert.equal(formatRate(99.94), '99.9');
    assert.equal(formatRate(100), '100');
    assert.equal(formatRate(1049.6), '1,050');
  });

  it('shows a rate one decimal would round to 0.0 with two significant figures; none stays 0.0', () => {
    assert.equal(formatRate(0.0001), '0.0001');
    assert.equal(formatRate(0.000277), '0.00028');
    assert.equal(formatRate(0.04), '0.04');
    assert.equal(formatRate(0.06), '0.1');
    assert.equal(formatRate(0), '0.0');
  });
});

describe('indistinguishable', () => {
  const s = (mean: number | null, ci95: [number, number] | null = null): Summary => ({
    n: ci95 ? 3 : mean === null ? 0 : 1,
    mean,
    sd: null,
    min: mean,
    max: mean,
    ci95,
  });

  it('is true when the 95% intervals overlap, touching included', () => {
    assert.equal(indistinguishable(s(100, [90, 110]), s(115, [105, 125])), true);
    assert.equal(indistinguishable(s(100, [90, 110]), s(120, [110, 130])), true);
    assert.equal(indistinguishable(s(120, [110, 130]), s(100, [90, 110])), true);
  });

  it('is false when the intervals are apart, however close the means', () => {
    assert.equal(indistinguishable(s(100, [99, 101]), s(103, [102, 104])), false);
    assert.equal(indistinguishable(s(120, [110.01, 130]), s(100, [90, 110])), false);
  });

  it('without intervals, is true only when the means are within 25% of the larger', () => {
    assert.equal(indistinguishable(s(100), s(133)), true); // 33 / 133 < 25%
    assert.equal(indistinguishable(s(100), s(134)), false); // 34 / 134 > 25%
    assert.equal(indistinguishable(s(0), s(0)), true);
    assert.equal(indistinguishable(s(0), s(5)), false);
  });

  it('falls back to the 25% rule when only one side has an interval', () => {
    assert.equal(indistinguishable(s(100, [0, 200]), s(150)), false);
    assert.equal(indistinguishable(s(100, [99, 101]), s(120)), true);
  });

  it('is false when either mean is missing', () => {
    assert.equal(indistinguishable(s(null), s(100)), false);
    assert.equal(indistinguishable(s(100), s(null)), false);
  });
});

describe('scenarioVerdict', () => {
  it('reports a clear async win with throughput, stalls and /ping', () => {
    const sync = entry(
      S,
      'sync',
      runsFrom({
        requestsPerSec: [98, 100, 102],
        lagMaxMs: [250, 260, 240],
        pingP99Ms: [200, 210, 220],
      }),
    );
    const async = entry(
      S,
      'async',
      runsFrom({
        requestsPerSec: [965, 970, 975],
        lagMaxMs: [3.2, 4.5, 2.1],
        pingP99Ms: [2, 3, 4],
      }),
    );
    assert.equal(
      scenarioVerdict([sync, async]),
      "async served 9.7x the requests of sync; async's event loop never stalled more than " +
        "4.5 ms, sync's stalled 260 ms; /ping p99 3.0 ms vs 210 ms.",
    );
  });

  it('rounds a ratio of 10 or more to a whole number', () => {
    const sync = entry(S, 'sync', runsFrom({ requestsPerSec: [10, 10, 10] }));
    const async = entry(S, 'async', runsFrom({ requestsPerSec: [254, 254, 254] }));
    assert.equal(scenarioVerdict([sync, async]), 'async served 25x the requests of sync.');
  });

  it('says so when sync wins, and leaves out what was not measured', () => {
    const sync = entry('fs-read', 'sync', runsFrom({ requestsPerSec: [129, 130, 131] }));
    const async = entry('fs-read', 'async', runsFrom({ requestsPerSec: [99, 100, 101] }));
    assert.equal(scenarioVerdict([sync, async]), 'sync served 1.3x the requests of async.');
  });

  it('will not rank overlapping intervals', () => {
    const sync = entry(S, 'sync', runsFrom({ requestsPerSec: [900, 1000, 1100] }));
    const async = entry(S, 'async', runsFrom({ requestsPerSec: [950, 1050, 1150] }));
    assert.equal(
      scenarioVerdict([sync, async]),
      'async and sync served too nearly the same to tell apart (1,050 vs 1,000 req/s; their 95% intervals overlap).',
    );
  });

  it('with one run each, will not rank means within 25% and says why', () => {
    const sync = entry(S, 'sync', runsFrom({ requestsPerSec: [100] }));
    const async = entry(S, 'async', runsFrom({ requestsPerSec: [105] }));
    assert.equal(
      scenarioVerdict([sync, async]),
      'async and sync served too nearly the same to tell apart (105 vs 100 req/s; within 25%, a single run).',
    );
  });

  it('ranks single runs further apart, and says there are no error bars', () => {
    const sync = entry(S, 'sync', runsFrom({ requestsPerSec: [100] }));
    const async = entry(S, 'async', runsFrom({ requestsPerSec: [150] }));
    assert.equal(
      scenarioVerdict([sync, async]),
      'async served 1.5x the requests of sync (a single run: no error bars).',
    );
  });

  it('gives one sentence per non-sync variant, in entry order', () => {
    const sync = entry('cpu-bound', 'sync', runsFrom({ requestsPerSec: [100, 100, 100] }));
    const async = entry('cpu-bound', 'async', runsFrom({ requestsPerSec: [200, 200, 200] }));
    const part = entry('cpu-bound', 'partitioned', runsFrom({ requestsPerSec: [50, 50, 50] }));
    assert.equal(
      scenarioVerdict([async, sync, part]),
      'async served 2.0x the requests of sync. sync served 2.0x the requests of partitioned.',
    );
  });

  it('says when no sync variant was measured', () => {
    const async = entry(S, 'async', runsFrom({ requestsPerSec: [100] }));
    assert.equal(scenarioVerdict([async]), 'no sync variant measured');
    assert.equal(scenarioVerdict([]), 'no sync variant measured');
  });

  it('says which variant has no completed run', () => {
    const sync = entry(S, 'sync', runsFrom({ requestsPerSec: [100, 100] }));
    const failed = entry(S, 'async', [failedRun(1), failedRun(2)]);
    assert.equal(scenarioVerdict([sync, failed]), 'async: no completed run.');
    const syncFailed = entry(S, 'sync', [failedRun(1)]);
    const async = entry(S, 'async', runsFrom({ requestsPerSec: [100] }));
    assert.equal(scenarioVerdict([syncFailed, async]), 'sync: no completed run.');
  });

  it('says there is nothing to compare when only sync was measured', () => {
    const sync = entry(S, 'sync', runsFrom({ requestsPerSec: [100] }));
    assert.equal(scenarioVerdict([sync]), 'only sync was measured: nothing to compare it with.');
  });

  it('never prints an infinite ratio when one variant served nothing', () => {
    const sync = entry(S, 'sync', runsFrom({ requestsPerSec: [0] }));
    const async = entry(S, 'async', runsFrom({ requestsPerSec: [50] }));
    assert.doesNotMatch(scenarioVerdict([sync, async]), /Infinity/);
    const async0 = entry(S, 'async', runsFrom({ requestsPerSec: [0] }));
    const sync50 = entry(S, 'sync', runsFrom({ requestsPerSec: [50] }));
    assert.doesNotMatch(scenarioVerdict([sync50, async0]), /Infinity/);
  });
});
