/**
 * compare on real reports: two benchmarks of the same code pass the gate; the same comparison
 * against a copy whose sync throughput was cut by 30% fails it and names the metric; bench
 * --baseline compares as it benchmarks, and reads a bad baseline before it starts. What only
 * checks behaviour (merge, --help, bad reports and flags) is in compare-cli.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Comparison } from '../../bench/compare/compare.ts';
import type { Report } from '../../bench/report/types.ts';
import { cli } from './helpers.ts';

// busy-wait is cheap to serve and its sync throughput is pinned near 1000 / ms: a steady figure
// (0.5% run to run on a quiet machine, 3-7% on a shared one). The default 3 runs, in 1 s
// windows of 5 ms waits (about 190 sync requests each) to keep the suite short.
const BENCH = [
  'bench',
  'busy-wait',
  '--param',
  'ms=5',
  '--duration',
  '1',
  '--warmup',
  '0.3',
  '--quiet',
];
/** For the tests that need a report but no statistics from it: quicker. */
const QUICK_BENCH = [
  'bench',
  'busy-wait',
  '--param',
  'ms=5',
  '--duration',
  '0.5',
  '--warmup',
  '0.2',
  '--quiet',
];

let dir: string;
const at = (name: string) => join(dir, name);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'looplab-compare-'));
  for (const name of ['a.json', 'b.json']) {
    const r = await cli([...BENCH, '--json', at(name)]);
    assert.equal(r.code, 0, r.stderr);
  }
  const b = JSON.parse(await readFile(at('b.json'), 'utf8')) as Report;
  for (const entry of b.results) {
    if (entry.variant !== 'sync') continue;
    for (const run of entry.runs) {
      if (run.state === 'completed') run.requestsPerSec = (run.requestsPerSec ?? 0) * 0.7;
    }
  }
  await writeFile(at('cut.json'), JSON.stringify(b));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('looplab compare on real reports', () => {
  test('A/A: two benchmarks of the same code, default runs, exit 0', async () => {
    const r = await cli(['compare', at('a.json'), at('b.json')]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    // 12 metrics, fewer tests when a metric reads alike in every run of both sides (a saturated
    // sync's utilisation, 1.00 throughout): with no spread there is no test, and no verdict made up.
    assert.match(r.stdout, /✓ no regression \((1[0-2]) tests; Welch's t-test, Holm-corrected/);
    assert.match(r.stdout, /busy-wait sync\n/);
    assert.match(r.stdout, /busy-wait async\n/);
  });

  test('sync requestsPerSec cut by 30%: exit 1, naming the metric', async (t) => {
    const json = await cli(['compare', at('a.json'), at('cut.json'), '--format', 'json']);
    const doc = JSON.parse(json.stdout) as Comparison;
    assert.equal(doc.rows.length, 12);
    const row = doc.rows.find((x) => x.variant === 'sync' && x.metric === 'requestsPerSec');
    assert.ok(row?.minDetectableChange, json.stdout);
    const r = await cli(['compare', at('a.json'), at('cut.json')]);
    // Three runs a side can only find a 30% cut when the runs agree. Here they do when the
    // smallest change they detect 80% of the time is at most 20% (a 30% cut is then found
    // about 99% of the time), as on a quiet machine (0.5% noise). When other work on the
    // machine made them disagree, a regression must not be called from too little data.
    if (row.minDetectableChange <= 0.2) {
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /✗ 1 regression: busy-wait sync requestsPerSec -\d+(\.\d+)?%/);
      assert.deepEqual(
        doc.regressions.map((x) => `${x.variant} ${x.metric}`),
        ['sync requestsPerSec'],
      );
    } else {
      t.diagnostic(
        `runs too noisy to find a 30% cut (detectable ${(row.minDetectableChange * 100).toFixed(0)}%): checked that no verdict was made up`,
      );
      assert.ok(['regression', 'inconclusive'].includes(row.verdict), row.verdict);
      assert.equal(r.code, row.verdict === 'regression' ? 1 : 0, r.stdout);
    }
  });

  test('appends the Markdown to GITHUB_STEP_SUMMARY, keeping what was there', async () => {
    const summary = at('summary.md');
    await writeFile(summary, '# earlier step\n');
    const r = await cli(['compare', at('a.json'), at('b.json'), '--quiet'], {
      GITHUB_STEP_SUMMARY: summary,
    });
    assert.equal(r.code, 0, r.stderr);
    const text = await readFile(summary, 'utf8');
    assert.ok(text.startsWith('# earlier step\n## looplab compare\n\n✅ **no regression'), text);
    assert.match(text, /\n\| busy-wait sync \| throughput \(req\/s\) \| [\d.]+ \(3\) \|/);
  });

  test('--format gab writes one file per direction', async () => {
    const gab = at('gab');
    const r = await cli([
      'compare',
      at('a.json'),
      at('b.json'),
      '--format',
      'gab',
      '--gab-dir',
      gab,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const bigger = JSON.parse(await readFile(join(gab, 'looplab-bigger-is-better.json'), 'utf8'));
    const smaller = JSON.parse(await readFile(join(gab, 'looplab-smaller-is-better.json'), 'utf8'));
    assert.deepEqual(
      bigger.map((e: { name: string }) => e.name),
      ['busy-wait sync requestsPerSec', 'busy-wait async requestsPerSec'],
    );
    assert.equal(smaller.length, 10);
    for (const e of [...bigger, ...smaller]) {
      assert.equal(typeof e.value, 'number');
      assert.match(e.range, /^±/);
    }
  });

  test('bench --baseline: runs, compares, and the exit code follows the verdict', async () => {
    const r = await cli([...QUICK_BENCH, '--variant', 'sync', '--baseline', at('a.json')]);
    assert.match(r.stdout, /base: .*a\.json {3}head: this run/);
    assert.match(
      r.stdout,
      /busy-wait sync\nmetric .*\nthroughput \(req\/s\) +[\d.]+ \(3\) +[\d.]+ \(3\)/,
    );
    assert.match(r.stdout, /only in base, not compared: busy-wait async/);
    // The windows differ (0.5 s here, 1 s there), and compare says so.
    assert.match(
      r.stdout,
      /warning: the reports were run with different options \(durationSec 1 vs 0\.5/,
    );
    const regression = /✗ \d+ regressions?:/.test(r.stdout);
    assert.ok(regression || /✓ no regression/.test(r.stdout), r.stdout);
    assert.equal(r.code, regression ? 1 : 0, `${r.stdout}\n${r.stderr}`);
  });
});

describe('bench --baseline with a bad baseline', () => {
  test('reads the baseline before it benchmarks', async () => {
    await writeFile(at('truncated.json'), (await readFile(at('a.json'), 'utf8')).slice(0, 100));
    const started = Date.now();
    const r = await cli([...QUICK_BENCH, '--baseline', at('truncated.json')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^looplab: .*is not JSON \(truncated\?\).*\[LOOPLAB_ERR_BAD_REPORT\]\n$/,
    );
    // A benchmark of both variants, 3 runs of 0.7 s each, takes over 5 s; failing first takes
    // about one.
    assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
  });
});
