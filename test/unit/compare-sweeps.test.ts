import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareFlagsByKind } from '../../bench/compare/options.ts';
import { compareSweeps, sweepMismatches } from '../../bench/compare/sweeps.ts';
import {
  formatSweepCompareMarkdown,
  formatSweepCompareTable,
  movedText,
  sweepHeadline,
} from '../../bench/render/sweep-compare.ts';
import type { SweepReport } from '../../bench/sweep/types.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { FINE, sweepOf as sweep } from './sweep-compare-fixture.ts';

const near = (actual: number | null, expected: number, digits = 6) =>
  assert.ok(
    actual !== null && Math.abs(actual - expected) < 10 ** -digits,
    `${actual} is not ${expected}`,
  );

describe('compareSweeps: the knee judged as compare judges a metric', () => {
  it('a knee that fell from 48 to 39 req/s in 5 runs a side is a capacity regression', () => {
    const c = compareSweeps(
      sweep({ knees: [48, 50, 47, 49, 48] }),
      sweep({ knees: [39, 40, 38, 41, 39] }),
    );
    assert.equal(c.rows.length, 1);
    const row = c.rows[0];
    assert.ok(row);
    assert.equal(row.metric, 'kneePerSec');
    assert.equal(row.verdict, 'regression');
    assert.equal(row.reason, 'significant and beyond ±10%');
    assert.deepEqual(row.base.perRun, [48, 50, 47, 49, 48]);
    assert.equal(row.base.medianPerSec, 48);
    assert.equal(row.head.medianPerSec, 39);
    assert.equal(row.base.mean, 48.4);
    near(row.change, -9 / 48.4);
    // scipy: Welch's t on these runs plus the 1 req/s grid's rounding variance: t -11.9558, df 8.
    assert.equal(row.df, 8);
    near(row.p, 2.2049988848769623e-6, 12);
    assert.equal(row.pAdjusted, row.p);
    assert.equal(row.stars, '***');
    // Each knee may be up to one step (1 req/s) lower: head - base in -10 … -8.
    assert.ok(row.rounding);
    near(row.rounding.diff[0], -10);
    near(row.rounding.diff[1], -8);
    assert.equal(c.regressions.length, 1);
    assert.equal(c.tests, 1);
    assert.deepEqual(c.warnings, []);
    assert.equal(
      movedText(row),
      'knee 48 → 39 req/s (-18.8%), median; per run 48, 50, 47, 49, 48 → 39, 40, 38, 41, 39',
    );
    assert.equal(
      sweepHeadline(c),
      "1 capacity regression: busy-wait sync knee 48 → 39 req/s (-18.8%) (1 test; Welch's t-test, Holm-corrected at alpha 0.05)",
    );
  });

  it('the same knees on both sides are no change', () => {
    const knees = [48, 50, 47, 49, 48];
    const c = compareSweeps(sweep({ knees }), sweep({ knees }));
    assert.equal(c.rows[0]?.verdict, 'no-change');
    assert.equal(c.rows[0]?.reason, 'not significant; 95% interval within ±10%');
    assert.equal(c.rows[0]?.change, 0);
    assert.equal(c.regressions.length, 0);
  });

  it('a higher knee beyond the threshold is an improvement, not a regression', () => {
    const c = compareSweeps(
      sweep({ knees: [39, 40, 38, 41, 39] }),
      sweep({ knees: [48, 50, 47, 49, 48] }),
    );
    assert.equal(c.rows[0]?.verdict, 'improvement');
    assert.equal(c.regressions.length, 0);
  });

  it('one run a side is not judged: the values are shown and a warning says why', () => {
    const c = compareSweeps(sweep({ knees: [48] }), sweep({ knees: [39] }));
    const row = c.rows[0];
    assert.ok(row);
    assert.equal(row.verdict, 'inconclusive');
    assert.equal(row.reason, 'fewer than 3 runs on a side');
    assert.equal(row.p, null);
    near(row.change, -9 / 48);
    assert.deepEqual(c.warnings, [
      'busy-wait sync: 1 completed runs in base and 1 in head; at least 3 per side are needed for a verdict (sweep --runs 5)',
    ]);
    assert.equal(movedText(row), 'knee 48 → 39 req/s (-18.8%), median; per run 48 → 39');
    assert.equal(c.regressions.length, 0);
  });

  it('a knee on a coarse grid is held by the grid: 40 → 30 on steps of 10 may be 31 → 29', () => {
    const grid = [10, 20, 30, 40, 50, 60];
    const c = compareSweeps(
      sweep({ knees: [40, 40, 40], grid }),
      sweep({ knees: [30, 30, 30], grid }),
    );
    const row = c.rows[0];
    assert.ok(row);
    // scipy: the grid's rounding variance (10² / 12, shared by runs that read alike) is all the noise.
    near(row.p, 0.07048399691021992, 9);
    assert.equal(row.verdict, 'inconclusive');
    assert.equal(
      row.reason,
      'held by the rate grid: head - base is -10.0 req/s (-25%), but with each rate anywhere between the step it reads and its neighbour -20.0 … 0 req/s (-50% … 0%), partly within ±10% and partly beyond',
    );
    assert.match(sweepHeadline(c), /1 held by the rate grid \(a finer --rates narrows it\)/);
  });

  it('judges the SLO rate too, and Holm corrects over both tests', () => {
    const c = compareSweeps(
      sweep({ knees: [48, 50, 47], slos: [45, 46, 45] }),
      sweep({ knees: [48, 50, 47], slos: [35, 36, 35] }),
    );
    assert.deepEqual(
      c.rows.map((r) => [r.metric, r.verdict]),
      [
        ['kneePerSec', 'no-change'],
        ['sloPerSec', 'regression'],
      ],
    );
    assert.equal(c.tests, 2);
    const slo = c.rows[1];
    // scipy: t -17.8227, df 4, p 5.8237e-5; Holm doubles the smaller p of two.
    near(slo?.p ?? null, 5.823730919960982e-5, 10);
    near(slo?.pAdjusted ?? null, 2 * 5.823730919960982e-5, 10);
    // An SLO rate may be up to a step higher (met at 45, missed at 46): -11 … -9 req/s.
    assert.deepEqual(
      slo?.rounding?.diff.map((x) => Math.round(x * 1e9) / 1e9),
      [-11, -9],
    );
  });

  it('runs without a knee are left out and named; variants on one side are listed', () => {
    const c = compareSweeps(
      sweep({ knees: [48, 50, null, 47], variants: ['sync', 'async'] }),
      sweep({ knees: [39, 40, 38, 41], variants: ['sync'] }),
    );
    assert.deepEqual(c.onlyInBase, ['busy-wait async']);
    assert.deepEqual(c.onlyInHead, []);
    assert.equal(c.rows.length, 1);
    assert.equal(c.rows[0]?.base.n, 3);
    // The sweep's own median, the run without a knee counted above every rate: 48 and 50 → 49.
    assert.equal(c.rows[0]?.base.medianPerSec, 49);
    assert.deepEqual(c.warnings, [
      'busy-wait sync: 1 of 4 base runs had no knee within the rates it swept; they are left out',
    ]);
  });

  it('a partial sweep is read, said to be partial, and judged on what it has', () => {
    const c = compareSweeps(
      sweep({ knees: [48, 50, 47, 49, 48] }),
      sweep({ knees: [39, 40, 38], complete: false }),
    );
    assert.equal(c.rows[0]?.verdict, 'regression');
    assert.deepEqual(c.warnings, [
      'head is a partial sweep (partial: stopped by SIGINT); judged on the runs and steps it has',
    ]);
  });

  it('different parameters are a warning, as for bench reports', () => {
    const c = compareSweeps(
      sweep({ knees: [48, 50, 47] }),
      sweep({ knees: [39, 40, 38], target: { scenario: 'busy-wait', params: { ms: 25 } } }),
    );
    assert.deepEqual(c.warnings, ['parameters differ ({"ms":20} vs {"ms":25})']);
  });
});

describe('compareSweeps refuses knees that are not comparable', () => {
  const base = sweep({ knees: [48, 50, 47] });
  const refused = (head: SweepReport, text: string) =>
    assert.throws(
      () => compareSweeps(base, head),
      (e: unknown) =>
        e instanceof LooplabError &&
        e.code === ERROR_CODES.REPORTS_DIFFER &&
        e.message.includes(text) &&
        !e.message.includes('\n'),
    );

  it('another scenario, or a command against a scenario', () => {
    refused(
      sweep({ knees: [48], target: { scenario: 'json-parse', params: {} } }),
      'the targets differ (busy-wait vs json-parse)',
    );
    refused(
      sweep({ knees: [48], target: { cmd: 'node app.js', paths: ['/'] } }),
      'the targets differ (busy-wait vs --cmd "node app.js")',
    );
  });

  it('another SLO: the knees compared, the SLO rates not, and a warning says so', () => {
    const c = compareSweeps(
      sweep({ knees: [48, 50, 47] }),
      sweep({ knees: [39, 40, 38], slos: [45, 44, 46] }),
    );
    assert.deepEqual(
      c.rows.map((r) => r.metric),
      ['kneePerSec'],
    );
    assert.ok(
      c.warnings.includes(
        'the SLOs differ (--slo none vs p99<50ms): the knees are compared, the SLO rates not',
      ),
      c.warnings.join('\n'),
    );
  });

  it('other rates, arrivals, warm-up, hold or knee factor', () => {
    refused(sweep({ knees: [48], options: { rates: '10,20,40' } }), '--rates 30:60:1 vs 10,20,40');
    refused(
      sweep({ knees: [48], options: { arrivals: 'uniform' } }),
      '--arrivals poisson vs uniform',
    );
    refused(sweep({ knees: [48], options: { warmupSec: 1 } }), '--warmup 0.5 vs 1');
    refused(sweep({ knees: [48], options: { holdSec: 3 } }), '--hold 1 vs 3');
    refused(sweep({ knees: [48], options: { k: 3 } }), '--k 2 vs 3');
  });

  it('the same rates written another way are the same steps', () => {
    const list = sweep({ knees: [48], options: { rates: FINE.join(',') } });
    assert.deepEqual(sweepMismatches(base, list), []);
  });
});

describe('the sweep comparison as text and Markdown', () => {
  const c = compareSweeps(
    sweep({ knees: [48, 50, 47, 49, 48] }),
    sweep({ knees: [39, 40, 38, 41, 39] }),
  );
  const labels = { base: 'a.json', head: 'b.json' };

  it('the table names the variant, the knee moved and the verdict', () => {
    const text = formatSweepCompareTable(c, labels);
    assert.match(text, /^base: a\.json {3}head: b\.json {3}\(sweeps\)\n\nbusy-wait sync\n/);
    assert.match(text, /knee \(req\/s\) +48\.4 \(5\) +39\.4 \(5\) +-18\.6% .* REGRESSION/);
    assert.ok(text.includes('knee 48 → 39 req/s (-18.8%), median; per run'));
    assert.ok(text.includes('✗ 1 capacity regression: busy-wait sync knee 48 → 39 req/s'));
  });

  it('the Markdown is one table, the moves as a list, the verdict in bold', () => {
    const md = formatSweepCompareMarkdown(c, labels);
    assert.ok(md.startsWith('## looplab compare (sweeps)\n\n❌ **1 capacity regression'));
    assert.match(
      md,
      /\| busy-wait sync \| knee \(req\/s\) \| 48\.4 \(5\) \| .* \| \*\*REGRESSION\*\* \|/,
    );
    assert.ok(md.includes('- busy-wait sync: knee 48 → 39 req/s (-18.8%), median;'));
  });
});

describe('compareFlagsByKind', () => {
  it('splits sweep thresholds from bench ones, checking both', () => {
    const f = compareFlagsByKind({
      alpha: 0.01,
      threshold: ['5%', 'kneePerSec=20%', 'lagP99Ms=25%'],
    });
    assert.deepEqual(f.sweep, { alpha: 0.01, threshold: 0.05, thresholds: { kneePerSec: 0.2 } });
    assert.deepEqual(f.sweepOnly, ['--threshold kneePerSec=20%']);
    assert.deepEqual(f.benchOnly, ['--threshold lagP99Ms=25%']);
    assert.equal(f.bench.threshold, 0.05);
    assert.deepEqual(f.bench.thresholds, { lagP99Ms: 0.25 });
    assert.throws(
      () => compareFlagsByKind({ threshold: ['kneePerSec=20'] }),
      (e: unknown) => e instanceof LooplabError && e.code === ERROR_CODES.BAD_OPTION,
    );
  });

  it('a sweep threshold applies to its metric only', () => {
    const c = compareSweeps(
      sweep({ knees: [48, 50, 47, 49, 48] }),
      sweep({ knees: [39, 40, 38, 41, 39] }),
      compareFlagsByKind({ threshold: ['kneePerSec=25%'] }).sweep,
    );
    assert.equal(c.rows[0]?.threshold, 0.25);
    assert.equal(c.rows[0]?.verdict, 'no-change');
    assert.equal(c.rows[0]?.reason, 'significant but within ±25%');
  });
});
