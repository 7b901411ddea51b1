import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareReports } from '../../bench/compare/compare.ts';
import { esc } from '../../bench/render/html/escape.ts';
import { renderDiffHtml, renderReportHtml } from '../../bench/render/html/render.ts';
import {
  linear,
  linearTicks,
  log,
  logTicks,
  niceStep,
  tickLabel,
} from '../../bench/render/html/scale.ts';
import { barChart, lineChart } from '../../bench/render/html/svg.ts';
import { completedRun, entry, makeReport, runsFrom } from './fixtures.ts';

describe('scale', () => {
  it('steps in 1, 2 or 5 times a power of ten', () => {
    assert.equal(niceStep(100, 5), 20);
    assert.equal(niceStep(47, 5), 10);
    assert.equal(niceStep(0.3, 5), 0.1);
    assert.equal(niceStep(0, 5), 1);
  });

  it('ticks from zero to the first nice value at or above the max', () => {
    assert.deepEqual(linearTicks(441), [0, 100, 200, 300, 400, 500]);
    assert.deepEqual(linearTicks(0.25), [0, 0.05, 0.1, 0.15, 0.2, 0.25]);
    assert.deepEqual(linearTicks(200), [0, 50, 100, 150, 200]);
  });

  it('spans a log axis in powers of ten', () => {
    assert.deepEqual(logTicks(0.87, 410), [0.1, 1, 10, 100, 1000]);
    assert.deepEqual(logTicks(5, 5), [1, 10]);
  });

  it('maps linearly and logarithmically', () => {
    assert.equal(linear(0, 10, 100, 200)(5), 150);
    assert.equal(log(1, 100, 0, 200)(10), 100);
    assert.equal(log(1, 100, 0, 200)(0), 0);
  });

  it('labels ticks without float noise', () => {
    assert.equal(tickLabel(0.30000000000000004), '0.3');
    assert.equal(tickLabel(2500), '2,500');
  });
});

describe('svg charts', () => {
  it('escapes labels and describes the data in words', () => {
    const svg = barChart(
      'Req/s',
      'req/s',
      [{ label: '<sync>', value: 47.3, interval: [46, 48], series: 0 }],
      String,
    );
    assert.match(svg, /&lt;sync&gt;/);
    assert.doesNotMatch(svg, /<sync>/);
    assert.match(svg, /<desc id="[^"]+">&lt;sync&gt;: 47.3 req\/s<\/desc>/);
    assert.match(svg, /<rect class="bar s0"/);
    assert.match(svg, /<path class="whisker"/);
  });

  it('says "not measured" instead of drawing a bar for null', () => {
    const svg = barChart('Req/s', 'req/s', [{ label: 'sync', value: null, series: 0 }], String);
    assert.doesNotMatch(svg, /class="bar/);
    assert.match(svg, />not measured</);
  });

  it('draws one line per series, and a dot for a lone point', () => {
    const svg = lineChart('Lag', 's', 'ms', [
      {
        label: 'sync',
        points: [
          [0.1, 200],
          [0.2, 210],
        ],
      },
      { label: 'async', points: [[0.1, 1]] },
    ]);
    assert.equal(svg.match(/<path class="line /g)?.length, 2);
    assert.equal(svg.match(/<circle class="dot /g)?.length, 1);
  });

  it('wraps a legend of four series onto a second row, inside the chart', () => {
    const names = ['sync', 'async', 'parallel', 'no-keepalive (run 1)'];
    const svg = lineChart(
      'Lag',
      's',
      'ms',
      names.map((label) => ({ label, points: [[0.1, 1] as [number, number]] })),
    );
    const labels = [...svg.matchAll(/<text class="label" x="([\d.]+)" y="([\d.]+)">([^<]+)</g)];
    assert.deepEqual(
      labels.map((m) => m[3]),
      names,
    );
    const height = Number(/viewBox="0 0 \d+ ([\d.]+)"/.exec(svg)?.[1]);
    const rows = new Set(labels.map((m) => m[2]));
    assert.equal(rows.size, 2, 'two rows');
    for (const m of labels) {
      assert.ok(Number(m[1]) + 6 * (m[3] as string).length <= 640, `${m[3]} fits the width`);
      assert.ok(Number(m[2]) < height, `${m[3]} is inside the chart`);
    }
  });

  it('escapes text for HTML', () => {
    assert.equal(
      esc(`<a href="x">'&'</a>`),
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
});

function report() {
  const sync = entry('busy-wait', 'sync', [
    completedRun(
      1,
      { requestsPerSec: 47, lagP50Ms: 190, lagMaxMs: 210, latencyP50Ms: 200 },
      {
        timeline: [
          { tMs: 100, lagMaxMs: 200, elu: 1 },
          { tMs: 300, lagMaxMs: 210, elu: 1 },
        ],
      },
    ),
  ]);
  const async = entry(
    'busy-wait',
    'async',
    runsFrom({ requestsPerSec: [440], lagP50Ms: [0.1], lagMaxMs: [5] }),
  );
  return makeReport(
    [sync, async],
    [{ scenario: 'busy-wait', text: 'async served 9.4x the requests of sync.' }],
    ['busy-wait sync: <warned>'],
  );
}

describe('renderReportHtml', () => {
  const html = renderReportHtml(report());

  it('is one page that can load nothing: no script, no external URL, a CSP that forbids both', () => {
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/,
    );
    assert.doesNotMatch(html, /<script|<link|<img|src=|https?:\/\//i);
  });

  it('has the verdict, the warnings (escaped), the fingerprint and three charts per scenario', () => {
    assert.match(html, /<p class="verdict">async served 9.4x the requests of sync.<\/p>/);
    assert.match(html, /busy-wait sync: &lt;warned&gt;/);
    assert.match(html, /<dt>machine<\/dt><dd>Test CPU 3000 × 8, 16.0 GiB, linux\/x64<\/dd>/);
    assert.equal(html.match(/<svg class="chart"/g)?.length, 3);
    assert.equal(
      html.match(/<details><summary>The chart's data as a table<\/summary>/g)?.length,
      3,
    );
  });

  it('tabulates the timeline it draws', () => {
    assert.match(
      html,
      /<tr><th scope="row">sync<\/th><td>0.30<\/td><td>210<\/td><td>1.00<\/td><\/tr>/,
    );
    assert.match(html, /<tr><th scope="row">async<\/th><td>–<\/td><td>–<\/td><td>–<\/td><\/tr>/);
  });
});

describe('renderReportHtml, whole milliseconds', () => {
  it('prints whole-ms latencies whole and says how they round where it matters', () => {
    const html = renderReportHtml(
      makeReport([
        entry('noop', 'sync', runsFrom({ latencyP50Ms: [1, 1, 1], ttfbP50Ms: [1.77, 1.8, 1.75] })),
      ]),
    );
    assert.match(html, /<tr><th scope="row">latency p50<\/th><td>1<\/td><\/tr>/);
    assert.match(
      html,
      /<p class="muted">Latency: autocannon records latency in whole milliseconds, rounded down \(1 means 1 to 2 ms\)/,
    );
  });
});

describe('renderDiffHtml', () => {
  it("shows the plain change of the means without compare's verdicts", () => {
    const html = renderDiffHtml(report(), report());
    assert.match(html, /Change of the means, head vs base/);
    assert.match(
      html,
      /<tr><th scope="row">sync throughput<\/th><td>47.0<\/td><td>47.0<\/td><td>0%<\/td><td>higher<\/td><\/tr>/,
    );
    assert.equal(html.match(/<svg class="chart"/g)?.length, 6);
  });

  it("shows compare's verdicts when given, the gate's answer first", () => {
    const comparison = compareReports(report(), report(), { metrics: ['requestsPerSec'] });
    const html = renderDiffHtml(report(), report(), comparison);
    assert.match(
      html,
      /<p class="verdict"><strong>✓ no regression \(\d+ tests?; Welch&#39;s t-test, Holm-corrected at alpha 0\.05\)/,
    );
    const row = comparison.rows[0];
    assert.ok(row);
    assert.match(
      html,
      new RegExp(
        `<tr><th scope="row">${row.variant} throughput</th><td>[^<]*</td><td>[^<]*</td><td>${row.verdict}</td>`,
      ),
    );
    assert.doesNotMatch(html, /Change of the means/);
  });
});
