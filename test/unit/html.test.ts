import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareReports } from '../../bench/compare/compare.ts';
import { renderDiffHtml, renderReportHtml } from '../../bench/render/html/render.ts';
import { completedRun, entry, makeReport, runsFrom } from './fixtures.ts';

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

  it('has the verdict, the warnings (escaped), the fingerprint and three charts per scenario, each at two widths', () => {
    assert.match(html, /<p class="verdict">async served 9.4x the requests of sync.<\/p>/);
    assert.match(html, /busy-wait sync: &lt;warned&gt;/);
    assert.match(html, /<dt>machine<\/dt><dd>Test CPU 3000 × 8, 16.0 GiB, linux\/x64<\/dd>/);
    assert.equal(html.match(/<div class="chart-box">/g)?.length, 3);
    assert.equal(html.match(/<svg class="chart"/g)?.length, 6);
    assert.equal(html.match(/<div class="chart-narrow">/g)?.length, 3);
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
    assert.equal(html.match(/<div class="chart-box">/g)?.length, 6);
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
