import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareReports } from '../../bench/compare/compare.ts';
import {
  formatCompareJson,
  formatCompareMarkdown,
  formatCompareTable,
  formatP,
  gabEntries,
  headline,
} from '../../bench/render/compare.ts';
import { entry, latencyReport, makeReport, runsFrom } from './fixtures.ts';

const base = makeReport([
  entry(
    'busy-wait',
    'sync',
    runsFrom({ requestsPerSec: [100, 104, 98], lagP99Ms: [10, 10.2, 10.1] }),
  ),
  entry('busy-wait', 'async', runsFrom({ requestsPerSec: [400, 410, 405] })),
]);
const head = makeReport([
  entry(
    'busy-wait',
    'sync',
    runsFrom({ requestsPerSec: [80, 83, 79], lagP99Ms: [10.1, 10, 10.2] }),
  ),
  entry('fs-read', 'sync', runsFrom({ requestsPerSec: [1, 2, 3] })),
]);
const c = compareReports(base, head, { metrics: ['requestsPerSec', 'lagP99Ms'] });
const labels = { base: 'base.json', head: 'head.json' };

describe('compare formats', () => {
  it('table: one block per variant, what was not compared, and the headline naming the regression', () => {
    const text = formatCompareTable(c, labels);
    assert.match(text, /^base: base\.json {3}head: head\.json\n\nbusy-wait sync\nmetric /);
    assert.match(
      text,
      /\nthroughput \(req\/s\) +101 \(3\) +80\.7 \(3\) +-19\.9% +-25\.1% … -14\.2% +0\.0013 +0\.0026 \*\* +\S+ +REGRESSION\n/,
    );
    assert.match(text, /\nonly in base, not compared: busy-wait async\n/);
    assert.match(text, /\nonly in head, not compared: fs-read sync\n/);
    assert.match(
      text,
      /\n✗ 1 regression: busy-wait sync requestsPerSec -19\.9% \(2 tests; Welch's t-test, Holm-corrected at alpha 0\.05\)\n/,
    );
  });

  it('headline: says how many metrics were too noisy to judge', () => {
    const noisy = (values: number[]) =>
      makeReport([entry('busy-wait', 'sync', runsFrom({ requestsPerSec: values }))]);
    const judged = compareReports(noisy([100, 50, 150]), noisy([90, 40, 160]), {
      metrics: ['requestsPerSec'],
    });
    assert.equal(
      headline(judged),
      'no regression (1 test; Welch\'s t-test, Holm-corrected at alpha 0.05); 1 of 1 inconclusive: too noisy to rule out a change beyond the threshold (more --runs narrow it; see "detectable")',
    );
  });

  it('headline: says when the rounding, not the noise, held a verdict back', () => {
    const latency = latencyReport;
    const rounded = compareReports(latency(Array(30).fill(1), 1), latency(Array(30).fill(2), 1), {
      metrics: ['latencyP99Ms'],
    });
    assert.equal(
      headline(rounded),
      "no regression (1 test; Welch's t-test, Holm-corrected at alpha 0.05); 1 of 1 inconclusive: held by rounding (more --runs do not narrow it; a finer clock does: run both sides again with the current looplab, which times latency to the µs)",
    );
    // Noise and rounding each hold a row: more runs are offered for the noisy one only.
    const both = compareReports(
      makeReport([
        entry(
          'busy-wait',
          'sync',
          runsFrom({ requestsPerSec: [100, 50, 150], latencyP99Ms: [10, 10, 10] }),
        ),
      ]),
      makeReport([
        entry(
          'busy-wait',
          'sync',
          runsFrom({ requestsPerSec: [90, 40, 160], latencyP99Ms: [11, 11, 11] }),
        ),
      ]),
      { metrics: ['requestsPerSec', 'latencyP99Ms'] },
    );
    assert.equal(
      headline(both),
      'no regression (2 tests; Welch\'s t-test, Holm-corrected at alpha 0.05); 2 of 2 inconclusive: 1 too noisy to rule out a change beyond the threshold (more --runs narrow it; see "detectable"); 1 held by rounding (more --runs do not narrow it; a finer clock does: run both sides again with the current looplab, which times latency to the µs)',
    );
    // Whole ms against µs: the note names the shift, in the table and in Markdown.
    const mixed = compareReports(latency([1, 1, 1], 1), latency([1.6, 1.4, 1.5], 0.001), {
      metrics: ['latencyP99Ms'],
    });
    const shift =
      /latency p99 of base is autocannon's whole milliseconds, rounded down, set against latencies timed to the µs: each whole-ms value is read at the middle of its step \(\+0\.5 ms\)/;
    assert.match(
      formatCompareTable(mixed, labels),
      new RegExp(`\nwarning: busy-wait sync: ${shift.source}`),
    );
    assert.match(formatCompareMarkdown(mixed, labels), shift);
    assert.match(
      formatCompareTable(mixed, labels),
      /\nlatency p99 \(ms\) +1\.5 \(3\) +1\.50 \(3\) +0% /,
    );
  });

  it('markdown: one GitHub table, the verdict in bold', () => {
    const md = formatCompareMarkdown(c, labels);
    assert.ok(
      md.startsWith('## looplab compare\n\n❌ **1 regression: busy-wait sync requestsPerSec'),
    );
    assert.match(
      md,
      /\n\| busy-wait sync \| throughput \(req\/s\) \| 101 \(3\) \| 80\.7 \(3\) \| -19\.9% \| .* \| \*\*REGRESSION\*\* \|\n/,
    );
    assert.match(md, /\n- only in head, not compared: fs-read sync\n/);
  });

  it('json: the comparison, with where the reports came from', () => {
    const doc = JSON.parse(formatCompareJson(c, labels));
    assert.equal(doc.base, 'base.json');
    assert.equal(doc.rows.length, 2);
    assert.equal(doc.regressions[0].metric, 'requestsPerSec');
  });

  it('gab: head means split by direction, with the interval and the verdict', () => {
    const { biggerIsBetter, smallerIsBetter } = gabEntries(c);
    assert.deepEqual(
      biggerIsBetter.map((e) => [e.name, e.unit, Number(e.value.toFixed(3)), e.range]),
      // t(0.975, 2) · sd / sqrt(3) for 80, 83, 79: 4.30265 · 2.0817 / 1.7321 = 5.17.
      [['busy-wait sync requestsPerSec', 'req/s', 80.667, '±5.17']],
    );
    assert.match(
      biggerIsBetter[0]?.extra ?? '',
      /^base 100\.667 \(3 runs\), head 3 runs; change -19\.9%.*; regression$/,
    );
    assert.deepEqual(
      smallerIsBetter.map((e) => e.name),
      ['busy-wait sync lagP99Ms'],
    );
  });

  it('table: whole-ms means read whole, and the legend says how they round; totals not judged', () => {
    const side = (v: number[], cpu: number[]) =>
      makeReport([
        entry('busy-wait', 'sync', runsFrom({ latencyP99Ms: v, cpuUserMs: cpu, cpuSystemMs: cpu })),
      ]);
    const whole = compareReports(side([1, 1, 1], [10, 11, 12]), side([2, 2, 2], [20, 21, 22]), {
      metrics: ['latencyP99Ms', 'cpuUserMs'],
    });
    const text = formatCompareTable(whole, labels);
    assert.match(
      text,
      /\nlatency p99 \(ms\) +1 \(3\) +2 \(3\) +\+100% +-8\.59% … \+927% +0\.07 +0\.07 +152% +inconclusive\n/,
    );
    assert.match(
      text,
      /\nCPU user \(ms\) +11\.0 \(3\) +21\.0 \(3\) +\+90\.9% +– +– +– +– +not-judged\n/,
    );
    assert.match(
      text,
      /whole milliseconds rounded down \(1 means 1 to 2 ms\); the tests add that rounding \(step² \/ 12, one shared error for runs that read alike\), and a verdict stands only if it holds with every value anywhere in its step\./,
    );
    assert.match(text, /not-judged: a total over the window/);
    assert.match(text, /\(1 test;/);
    assert.doesNotMatch(formatCompareTable(c, labels), /rounded down|not-judged/);
  });

  it('formats p-values to two significant digits', () => {
    assert.deepEqual([0.0004, 0.0013, 0.05, 1, null].map(formatP), [
      '<0.001',
      '0.0013',
      '0.05',
      '1',
      '–',
    ]);
  });
});
