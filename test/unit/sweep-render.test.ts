import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderSweepHtml } from '../../bench/render/html/sweep.ts';
import { formatSweepCsv, SWEEP_CSV_COLUMNS } from '../../bench/render/sweep-csv.ts';
import { sweepFormats } from '../../bench/render/sweep-formats.ts';
import { formatSweepMarkdown } from '../../bench/render/sweep-markdown.ts';
import { fitColumns, formatSweepTable, TABLE_WIDTH } from '../../bench/render/sweep-table.ts';
import { kneeRatioText } from '../../bench/render/sweep-text.ts';
import { terminalStyle } from '../../bench/render/terminal-style.ts';
import type { SweepReport } from '../../bench/sweep/types.ts';
import { packageRoot } from '../../core/package-info.ts';
import { busyWaitSweep } from './sweep-fixture.ts';

/** The fixture with one change made to a copy. */
function changed(edit: (r: SweepReport) => void): SweepReport {
  const r = busyWaitSweep();
  edit(r);
  return r;
}

describe('formatSweepTable', () => {
  const text = formatSweepTable(busyWaitSweep());
  const lines = text.split('\n');

  it('heads each variant with its runs, names each column with its unit, and fits 100 columns', () => {
    assert.equal(
      lines[0],
      'busy-wait ms=20  ·  2 runs × 5 s hold (1 s warm-up), poisson arrivals, rates auto, k 2',
    );
    assert.ok(
      lines.includes('busy-wait sync  ·  2 completed runs: each figure the median over them'),
    );
    assert.ok(lines.includes('busy-wait async  ·  run 1'), 'the failed run is not in the medians');
    const head = lines.findIndex((l) => l.startsWith('offered'));
    assert.deepEqual(lines[head]?.split(/\s+/), [
      'offered',
      'achieved',
      'p50',
      'p90',
      'p99',
      'p99.9',
      'max',
      'sent',
      'err',
      't/o',
      'ELU',
      'lag',
      '/ping',
      'limit',
    ]);
    assert.deepEqual(lines[head + 1]?.trim().split(/\s{2,}/), [
      'req/s',
      'req/s',
      'ms',
      'ms',
      'ms',
      'ms',
      'ms',
      'p99 ms',
      'p99 ms',
      'p99 ms',
    ]);
    for (const l of lines) assert.ok(l.length <= TABLE_WIDTH, `${l.length} columns: ${l}`);
  });

  it('shows a step as the median of its runs, the uncorrected p99 beside the corrected, and who limited it', () => {
    // sync at 50 req/s: run 1's p99 1040 ms, run 2's 1040 × 1.04 = 1081.6: the median 1060.8.
    assert.deepEqual(
      lines
        .find((l) => /^\s+50 /.test(l))
        ?.trim()
        .split(/\s+/),
      [
        '50',
        '47.9',
        '316',
        '796',
        '1,061',
        '1,132',
        '1,144',
        '820',
        '0',
        '0',
        '0.97',
        '24.1',
        '1,010',
        'server',
      ],
    );
    assert.deepEqual(
      lines
        .find((l) => /^\s+640 /.test(l))
        ?.trim()
        .split(/\s+/),
      [
        '640',
        '566',
        '35.2',
        '180',
        '310',
        '402',
        '415',
        '24.5',
        '0',
        '0',
        '0.80',
        '6.20',
        '7.50',
        'gen',
      ],
    );
    assert.ok(
      text.includes(
        "server at 50, 60 req/s: the server's loop was busy 97% of the hold (ELU ≥ 0.9): requests queued in\n    it",
      ),
    );
    assert.ok(text.includes("gen at 640 req/s: the generator's sends ran 38 ms late at p99"));
  });

  it('says the knee and which test it failed, the last good rate, the SLO rate, the ceiling and M/D/1 at the knee', () => {
    assert.ok(
      lines.includes(
        'knee: 40 req/s (run 1: p99 95.2 ms > 2 × low-load p99 21.8 ms); per run: 40, 40',
      ),
    );
    assert.ok(lines.includes('last good rate: 30 req/s'));
    assert.ok(lines.includes('SLO p99<50ms: 30 req/s'));
    assert.ok(
      lines.includes('ceiling: 50 req/s (1000 / 20.0 ms a request; micro: the operation alone)'),
    );
    assert.ok(
      lines.includes('M/D/1 at 40 req/s: mean 60.0 ms (ρ 0.80); measured p50 39.0 ms, p99 97.1 ms'),
    );
    // Where the arrivals drew more than was offered, the queue is worked out at what arrived.
    const drawn = busyWaitSweep();
    for (const run of drawn.variants[0]?.runs ?? [])
      for (const st of run.steps) if (st.offeredPerSec === 40) st.arrivedPerSec = 44;
    assert.ok(
      // Wrapped to the table's width: read as one line.
      formatSweepTable(drawn)
        .replace(/\s+/g, ' ')
        .includes(
          'M/D/1 at the 44 req/s that arrived (40 req/s offered): mean 93.3 ms (ρ 0.88); measured p50 39.0 ms, p99 97.1 ms',
        ),
      formatSweepTable(drawn),
    );
    assert.ok(lines.includes('knee: 320 req/s (p99 48.0 ms > 2 × low-load p99 21.5 ms)'));
    assert.ok(lines.includes('ceiling: not measured'), "async's ceiling is null: not 0");
    assert.ok(lines.includes("async's knee is 8.0x sync's."));
    // Where async reached no knee, the ratio is bounded by the highest rate it took well.
    const beyond = busyWaitSweep();
    const async = beyond.variants.find((v) => v.variant === 'async');
    assert.ok(async);
    async.knee = { medianPerSec: null, perRun: async.runs.map(() => null) };
    for (const r of async.runs) r.knee = { ...r.knee, atPerSec: null, lastGoodPerSec: 640 };
    beyond.kneeRatio = null;
    assert.equal(
      kneeRatioText(beyond),
      "async reached no knee up to 640 req/s: its knee is beyond 16x sync's",
    );
    assert.ok(
      lines.includes('run 2 failed: the server exited with code 1 at 160 req/s (after 5 steps)'),
    );
    assert.ok(
      lines.includes(
        'warning: busy-wait async: run 2 failed: the server exited with code 1 at 160 req/s',
      ),
    );
  });

  it('names every test a knee failed, with its figures', () => {
    const r = changed((x) => {
      const run = x.variants[0]?.runs[0];
      if (run)
        run.knee = { ...run.knee, atPerSec: 50, reasons: ['latency', 'utilisation', 'throughput'] };
      if (x.variants[0]) x.variants[0].knee = { medianPerSec: 50, perRun: [50] };
    });
    assert.ok(
      formatSweepTable(r).includes(
        'knee: 50 req/s (run 1: p99 1,040 ms > 2 × low-load p99 21.8 ms; ELU 0.97 ≥ 0.9; achieved 47.9 < 95%\n    of the 50 req/s that arrived)',
      ),
    );
  });

  it('shows a figure not measured as –, never 0, and a knee not reached as such', () => {
    const r = changed((x) => {
      const sync = x.variants[0];
      if (!sync) return;
      for (const run of sync.runs) {
        for (const s of run.steps) {
          s.elu = null;
          s.pingP99Ms = null;
        }
        run.knee = { atPerSec: null, reasons: [], lastGoodPerSec: 60, baselineP99Ms: 21.8 };
      }
      sync.knee = { medianPerSec: null, perRun: [null, null] };
      sync.slo = { medianPerSec: null, perRun: [null, null] };
    });
    const out = formatSweepTable(r).split('\n');
    assert.deepEqual(
      out
        .find((l) => /^\s+10 /.test(l))
        ?.trim()
        .split(/\s+/),
      ['10', '10.0', '20.8', '21.6', '22.3', '22.9', '23.4', '21.7', '0', '0', '–', '21.6', '–'],
    );
    assert.ok(out.includes('knee: not reached; per run: –, –'));
    assert.ok(out.includes('SLO p99<50ms: no rate met it'));
  });

  it('shows the steps of a variant whose runs all failed, nulls as –', () => {
    const r = changed((x) => {
      const async = x.variants[1];
      if (async) async.runs = async.runs.filter((run) => run.state === 'failed');
    });
    const out = formatSweepTable(r).split('\n');
    assert.ok(out.includes('busy-wait async  ·  run 2'));
    assert.deepEqual(
      out
        .find((l) => /^\s+160 /.test(l))
        ?.trim()
        .split(/\s+/),
      ['160', '–', '–', '–', '–', '–', '–', '–', '412', '0', '–', '–', '–'],
    );
  });

  it('prints colour only when given a colour style', () => {
    assert.ok(!text.includes('\u001b'));
    assert.ok(
      formatSweepTable(busyWaitSweep(), terminalStyle(true)).startsWith(
        '\u001b[1mbusy-wait ms=20\u001b[0m',
      ),
    );
  });

  it('wraps a table too wide into parts, each led by its first column', () => {
    const rows = [
      ['a', 'bbbb', 'cccc'],
      ['1', '22', '33'],
    ];
    assert.deepEqual(fitColumns(rows, 10), [
      ['a  bbbb', '1    22'],
      ['a  cccc', '1    33'],
    ]);
    assert.deepEqual(fitColumns(rows, 20), [['a  bbbb  cccc', '1    22    33']]);
  });
});

describe('formatSweepCsv', () => {
  const csv = formatSweepCsv(busyWaitSweep());
  const rows = csv.split('\r\n');

  it('has a header row of every step figure flattened, and one row per run × variant × step', () => {
    assert.equal(rows[0], SWEEP_CSV_COLUMNS.join(','));
    for (const name of [
      'offered_per_sec',
      'achieved_per_sec',
      'latency_p50_ms',
      'latency_p999_ms',
      'uncorrected_latency_p99_ms',
      'uncorrected_latency_max_ms',
      'elu',
      'lag_p99_ms',
      'ping_p99_ms',
      'limited_by',
      'generator_send_lag_p99_ms',
      'generator_max_connections',
    ])
      assert.ok(SWEEP_CSV_COLUMNS.includes(name), name);
    // 6 + 6 sync steps, 7 + 5 async steps, the header, and the empty string after the last CRLF.
    assert.equal(rows.length, 1 + 24 + 1);
    assert.equal(rows.at(-1), '');
  });

  it('writes a step at full precision, and an empty cell where a figure is null', () => {
    const col = (row: string, name: string) => row.split(',')[SWEEP_CSV_COLUMNS.indexOf(name)];
    const sync50 = rows.find((r) => r.startsWith('sync,2,completed,5,'));
    assert.ok(sync50);
    assert.equal(col(sync50, 'latency_p99_ms'), '1081.6');
    assert.equal(col(sync50, 'uncorrected_latency_p99_ms'), '820');
    assert.equal(col(sync50, 'limited_by'), 'server');
    const failed = rows.find((r) => r.startsWith('async,2,failed,5,'));
    assert.ok(failed);
    assert.equal(col(failed, 'offered_per_sec'), '160');
    assert.equal(col(failed, 'achieved_per_sec'), '');
    assert.equal(col(failed, 'latency_p99_ms'), '');
    assert.equal(col(failed, 'elu'), '');
    assert.equal(col(failed, 'errors'), '412');
  });

  it('has every column documented in docs/sweep-outputs.md, and no other', () => {
    const page = readFileSync(join(packageRoot(), 'docs', 'sweep-outputs.md'), 'utf8');
    const table = page.slice(page.indexOf('| column |'), page.indexOf('## Markdown'));
    // The first cell of each row names its columns.
    const documented = table
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .flatMap((l) => [...(l.split(' | ')[0] ?? '').matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]));
    assert.deepEqual([...documented].sort(), [...SWEEP_CSV_COLUMNS].sort());
  });

  it('quotes as RFC 4180 asks: a comma, a quote or a line break in a field', () => {
    const r = changed((x) => {
      const v = x.variants[0];
      if (v) v.variant = 'GET /a,"b"\nc';
    });
    const first = formatSweepCsv(r).split('\r\n')[1] ?? '';
    assert.ok(first.startsWith('"GET /a,""b""\nc",1,completed,1,10,'), first);
    // The limited step's reason has a comma-free text, but a colon: left bare.
    assert.ok(
      csv.includes(
        ",server,the server's loop was busy 97% of the hold (ELU ≥ 0.9): requests queued in it,",
      ),
    );
  });
});

describe('formatSweepMarkdown', () => {
  const md = formatSweepMarkdown(busyWaitSweep());
  const lines = md.split('\n');

  it('opens with a summary: each knee and why, the last good and SLO rates, the ceiling, the ratio', () => {
    assert.equal(lines[0], '## looplab sweep: busy-wait ms=20');
    assert.ok(
      lines.includes('| variant | knee | last good (req/s) | SLO p99\\<50ms (req/s) | ceiling |'),
    );
    assert.ok(
      lines.includes(
        '| sync | 40 req/s (run 1: p99 95.2 ms \\> 2 × low-load p99 21.8 ms); per run: 40, 40 | 30 | 30 | 50 req/s (1000 / 20.0 ms a request; micro: the operation alone) |',
      ),
    );
    assert.ok(
      lines.includes(
        '| async | 320 req/s (p99 48.0 ms \\> 2 × low-load p99 21.5 ms) | 160 | 320 | not measured |',
      ),
    );
    assert.ok(lines.includes("**async's knee is 8.0x sync's.**"));
    assert.ok(
      lines.includes(
        '- `sync`: M/D/1 at 40 req/s: mean 60.0 ms (ρ 0.80); measured p50 39.0 ms, p99 97.1 ms',
      ),
    );
    assert.ok(
      lines.includes(
        '> ⚠️ busy-wait async: run 2 failed: the server exited with code 1 at 160 req/s',
      ),
    );
    // The summary comes before the steps, which are collapsed.
    assert.ok(md.indexOf("async's knee") < md.indexOf('<details>'));
  });

  it("collapses each variant's steps in a <details>, a blank line before the table", () => {
    const at = lines.indexOf(
      '<details><summary>Steps of busy-wait sync (2 completed runs: each figure the median over them)</summary>',
    );
    assert.ok(at > 0);
    assert.equal(lines[at + 1], '');
    assert.match(
      lines[at + 2] ?? '',
      /^\| offered \(req\/s\) \| achieved \(req\/s\) \| p50 \(ms\) /,
    );
    assert.ok(
      lines.includes(
        '| 50 | 47.9 | 316 | 796 | 1,061 | 1,132 | 1,144 | 820 | 0 | 0 | 0.97 | 24.1 | 1,010 | server |',
      ),
    );
    assert.equal(lines.filter((l) => l === '</details>').length, 2);
  });

  it('escapes a | in a name, as Markdown in a cell and as HTML in a summary, and shows null as –', () => {
    const r = changed((x) => {
      const v = x.variants[0];
      if (!v) return;
      v.variant = 'GET /a|b';
      v.label = '<b>GET /a|b</b>';
      for (const run of v.runs) for (const s of run.steps) s.elu = null;
      v.ceiling = null;
    });
    const out = formatSweepMarkdown(r);
    assert.ok(out.includes('| GET /a\\|b | 40 req/s'));
    assert.ok(out.includes('<summary>Steps of &lt;b&gt;GET /a|b&lt;/b&gt; ('));
    assert.ok(
      out.includes(
        '| 10 | 10.0 | 20.8 | 21.6 | 22.3 | 22.9 | 23.4 | 21.7 | 0 | 0 | – | 21.6 | 21.9 |  |',
      ),
    );
    assert.ok(out.includes('| 30 | not measured |'));
  });
});

describe('renderSweepHtml', () => {
  const html = renderSweepHtml(busyWaitSweep());
  /** The wide layout of the latency chart: the first <svg class="chart">. */
  const latency = html.slice(
    html.indexOf('<svg class="chart"'),
    html.indexOf('</svg>', html.indexOf('<svg class="chart"')),
  );

  it('is one page that loads nothing and runs nothing, with a title', () => {
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.ok(html.includes(`content="default-src 'none'; style-src 'unsafe-inline'"`));
    assert.doesNotMatch(html, /<script|https?:\/\/|<link|<img/);
    assert.ok(html.includes('<title>looplab sweep: busy-wait ms=20</title>'));
    assert.ok(html.includes('<h1>looplab sweep: busy-wait ms=20</h1>'));
  });

  it('draws per variant its p99, p50 lighter, the p99 from the send dashed, /ping dotted, and M/D/1', () => {
    for (const cls of [
      's0 dash0',
      's0 dash0 faint',
      's0 dash1',
      's0 dash2',
      's0 dash3 faint',
      's1 dash0',
      's1 dash1',
      's1 dash2',
    ])
      assert.ok(latency.includes(`<path class="line ${cls}" d="M`), cls);
    // async has no ceiling, so no prediction: no line for one.
    assert.ok(!latency.includes('line s1 dash3'));
    assert.ok(html.includes('<path class="line neutral dash1" d="M'), 'the diagonal');
  });

  it('puts the axes on log scales, with units, and the ceiling and the knee at their rates', () => {
    // x: 10 to 1,000 req/s over 56..624 (640 wide); y: 0.1 to 10,000 ms.
    for (const t of ['0.1', '1', '10', '100', '1,000', '10,000'])
      assert.ok(latency.includes(`text-anchor="end">${t}</text>`), `y tick ${t}`);
    for (const t of ['10', '100', '1,000'])
      assert.ok(latency.includes(`text-anchor="middle">${t}</text>`), `x tick ${t}`);
    assert.ok(latency.includes('>offered rate (req/s, log)</text>'));
    assert.ok(latency.includes('>latency (ms, log)</text>'));
    // 50 req/s: 56 + (log10(50) − 1) / 2 × 568 = 254.5.
    assert.match(
      latency,
      /<line class="marker s0" x1="254.5" x2="254.5" [^>]*\/><text class="marker-label" x="257.5" [^>]*>sync ceiling 50\/s<\/text>/,
    );
    // The knee, 40 req/s: 56 + (log10(40) − 1) / 2 × 568 = 227.
    assert.match(
      latency,
      /<circle class="highlight s0" cx="227" cy="[\d.]+" r="5"><title>sync knee 40\/s<\/title>/,
    );
    assert.match(
      latency,
      /<circle class="highlight s1" cx="[\d.]+" cy="[\d.]+" r="5"><title>async knee 320\/s<\/title>/,
    );
  });

  it('gives the knees, the SLO rates, the ceilings and the ratio in words, and the data under the chart', () => {
    assert.ok(
      html.includes(
        '<dt>knee</dt><dd>40 req/s (run 1: p99 95.2 ms &gt; 2 × low-load p99 21.8 ms); per run: 40, 40</dd>',
      ),
    );
    assert.ok(html.includes('<dt>SLO p99&lt;50ms</dt><dd>30 req/s</dd>'));
    assert.ok(html.includes('<dt>ceiling</dt><dd>not measured</dd>'));
    assert.ok(html.includes('<p class="verdict">async&#39;s knee is 8.0x sync&#39;s.</p>'));
    assert.ok(
      html.includes(
        '<caption>busy-wait sync: steps (2 completed runs: each figure the median over them)</caption>',
      ),
    );
    assert.ok(
      html.includes(
        '<tr><th scope="row">50</th><td>47.9</td><td>316</td><td>796</td><td>1,061</td><td>1,132</td><td>1,144</td><td>820</td><td>0</td><td>0</td><td>0.97</td><td>24.1</td><td>1,010</td><td>–</td><td>server</td></tr>',
      ),
    );
    assert.ok(html.includes('<tr><th scope="row">40</th><td>39.8</td>'));
    assert.ok(html.includes('<td>60.0</td><td></td></tr>'), "M/D/1's mean at 40 req/s");
  });
});

describe('sweepFormats', () => {
  it('renders the one report in every format, JSON as it is', () => {
    const report = busyWaitSweep();
    assert.deepEqual(Object.keys(sweepFormats), ['table', 'csv', 'markdown', 'html', 'json']);
    assert.deepEqual(JSON.parse(sweepFormats.json(report)), report);
    assert.equal(sweepFormats.table(report), formatSweepTable(report));
    assert.equal(sweepFormats.csv(report), formatSweepCsv(report));
  });
});
