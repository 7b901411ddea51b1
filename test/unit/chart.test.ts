/**
 * The one chart renderer (bench/render/chart/), shared by the HTML report and the live page:
 * axis arithmetic, bars, lines with gaps, bands and markers, the HTML legend, and the rule that
 * keeps it loadable in a browser as it is.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { barChart, groupedLogBarChart } from '../../bench/render/chart/bar-chart.ts';
import { chartBox } from '../../bench/render/chart/box.ts';
import { esc } from '../../bench/render/chart/escape.ts';
import { legendHtml } from '../../bench/render/chart/legend.ts';
import { type LineChartSpec, lineChart } from '../../bench/render/chart/line-chart.ts';
import {
  linear,
  linearTicks,
  log,
  logTicks,
  niceStep,
  tickLabel,
  ticksWithin,
} from '../../bench/render/chart/scale.ts';
import { packageRoot } from '../../core/package-info.ts';

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

  it('ticks inside a sliding window without moving its edges', () => {
    assert.deepEqual(ticksWithin(12.5, 72.5, 6), [20, 30, 40, 50, 60, 70]);
    assert.deepEqual(ticksWithin(0, 60, 4), [0, 20, 40, 60]);
    assert.deepEqual(ticksWithin(5, 5), [5]);
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

describe('bar charts', () => {
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

  it('puts labels left of the bars in a column as wide as the longest, on a line of their own when narrow', () => {
    const bars = [{ label: '/satisfies?spaces=6000', value: 40, series: 0 }];
    const wide = barChart('Req/s', 'req/s', bars, String, 640);
    const narrow = barChart('Req/s', 'req/s', bars, String, 340);
    // 22 characters at about 7 units and 12 of margin: a 166-unit column.
    assert.match(wide, /viewBox="0 0 640 68"/);
    assert.match(
      wide,
      /<text class="label" x="160" y="25" text-anchor="end">\/satisfies\?spaces=6000<\/text><rect class="bar s0" x="166" y="12"/,
    );
    assert.match(narrow, /viewBox="0 0 340 84"/);
    assert.match(
      narrow,
      /<text class="label" x="14" y="20">\/satisfies\?spaces=6000<\/text><rect class="bar s0" x="14" y="28"/,
    );
    // A short name keeps the usual column; one longer than 40% of the width is stacked even wide.
    assert.match(
      barChart('R', 'r', [{ label: 'sync', value: 1, series: 0 }], String),
      /x="144" y="25" text-anchor="end">sync</,
    );
    const long = barChart('R', 'r', [{ label: 'x'.repeat(40), value: 1, series: 0 }], String);
    assert.match(long, /<text class="label" x="14" y="20">x{40}<\/text>/);
  });

  it('groups bars on a log axis and leaves the series names to the legend', () => {
    const svg = groupedLogBarChart(
      'Latency',
      'ms',
      [
        {
          label: 'p99',
          bars: [
            { label: 'sync', value: 200, series: 0 },
            { label: 'async', value: 2, series: 1 },
          ],
        },
      ],
      String,
    );
    assert.equal(svg.match(/<rect class="bar /g)?.length, 2);
    assert.match(svg, />ms, log scale</);
    assert.doesNotMatch(svg, />sync</);
  });
});

/** A lag chart in seconds and ms, with what a test sets. */
const lag = (spec: Omit<LineChartSpec, 'title' | 'xUnit' | 'yUnit'>) =>
  lineChart({ title: 'Lag', xUnit: 's', yUnit: 'ms', ...spec });

describe('line chart', () => {
  it('draws one line per series, and a dot for a lone point', () => {
    const svg = lag({
      width: 640,
      series: [
        {
          label: 'sync',
          points: [
            [0.1, 200],
            [0.2, 210],
          ],
        },
        { label: 'async', points: [[0.1, 1]] },
      ],
    });
    assert.equal(svg.match(/<path class="line /g)?.length, 2);
    assert.equal(svg.match(/<circle class="dot /g)?.length, 1);
    assert.match(svg, /<desc id="[^"]+">sync: 2 points, peak 210 ms; async: 1 points, peak 1 ms</);
  });

  it('breaks a line at a null, never drawing it as zero', () => {
    const svg = lag({
      width: 200,
      xDomain: [0, 4],
      yDomain: [0, 10],
      series: [
        {
          label: 'sync',
          points: [
            [0, 0],
            [1, 10],
            [2, null],
            [3, 5],
            [4, null],
          ],
        },
      ],
    });
    // x: 0..4 onto 56..184; y: 0..10 onto 236..36.
    assert.match(
      svg,
      /<path class="line s0 dash0" d="M56 236L88 36M152 136" clip-path="url\(#c\w+p\)"\/>/,
    );
    assert.match(svg, /<circle class="dot s0" cx="152" cy="136" r="3"\/>/);
    assert.match(svg, /sync: 3 points, peak 10 ms/);
  });

  it('lines up charts given the same domains, whatever their own data', () => {
    const chart = (peak: number) =>
      lag({
        width: 400,
        xDomain: [10, 70],
        yDomain: [0, 300],
        series: [{ label: 'a', points: [[20, peak]] }],
      });
    const ticks = (svg: string) =>
      [...svg.matchAll(/<text class="tick"[^>]*>([^<]+)</g)].map((m) => m[1]);
    assert.deepEqual(ticks(chart(5)), ticks(chart(290)));
    assert.deepEqual(ticks(chart(5)), ['0', '100', '200', '300', '20', '40', '60']);
  });

  it("keeps markers' words apart: the newest's are written, an older one's that would run into them is its line's tooltip", () => {
    const svg = lag({
      width: 640,
      xDomain: [0, 10],
      series: [{ label: 'sync', points: [[0, 1]] }],
      markers: [
        { x: 2, label: 'ms 20 → 50' },
        { x: 2.5, label: 'ms 50 → 80' },
        { x: 6, label: 'connections 10 → 20' },
      ],
    });
    const words = [...svg.matchAll(/class="marker-label"[^>]*>([^<]*)</g)].map((m) => m[1]);
    assert.deepEqual(words, ['ms 50 → 80', 'connections 10 → 20']);
    assert.match(svg, /<line class="marker" [^>]*><title>ms 20 → 50<\/title><\/line>/);
  });

  it('shades bands with their label, and draws markers inside the window only', () => {
    const svg = lag({
      width: 200,
      xDomain: [0, 4],
      series: [{ label: 'sync', points: [[0, 1]] }],
      bands: [{ x0: 1, x1: 2, label: "no word from sync's loop for 412 ms", series: 0 }],
      markers: [
        { x: 3, label: 'ms 20 → 50' },
        { x: 9, label: 'outside' },
      ],
    });
    assert.match(
      svg,
      /<rect class="band s0" x="88" y="36" width="32" height="200" clip-path="url\(#c\w+p\)"><title>no word from sync&#39;s loop for 412 ms<\/title><\/rect>/,
    );
    assert.match(
      svg,
      /<line class="marker" x1="152" x2="152" y1="32" y2="236"\/><text class="marker-label" x="149" text-anchor="end" y="30">ms 20 → 50<\/text>/,
    );
    // Too long to run right from the band in a 200-unit chart: it ends at the plot's edge.
    assert.match(
      svg,
      /<text class="band-label" x="181" text-anchor="end" y="50" clip-path="url\(#c\w+p\)">no word from sync&#39;s loop for 412 ms<\/text>/,
    );
    // Over the lines, so a line drawn across the words does not strike them through.
    assert.ok(
      svg.indexOf('class="band-label"') > svg.lastIndexOf('class="line'),
      'the band label comes after the lines',
    );
    assert.doesNotMatch(svg, /outside/);
  });

  it('puts values on a log axis, zero on its floor', () => {
    const svg = lag({
      width: 300,
      logY: true,
      series: [
        {
          label: 'a',
          points: [
            [1, 0],
            [2, 0.5],
            [3, 400],
          ],
        },
      ],
    });
    const yTicks = [...svg.matchAll(/<text class="tick" x="50"[^>]*>([^<]+)</g)].map((m) => m[1]);
    assert.deepEqual(yTicks, ['0.1', '1', '10', '100', '1,000']);
  });

  it('gives the same chart at two widths two ids', () => {
    const spec = { title: 'Lag', xUnit: 's', yUnit: 'ms', series: [] };
    const id = (svg: string) => /aria-labelledby="(\w+)t/.exec(svg)?.[1];
    assert.notEqual(id(lineChart({ ...spec, width: 640 })), id(lineChart({ ...spec, width: 340 })));
  });
});

describe('legend and box', () => {
  it('lists every series in HTML, escaped, with its mark', () => {
    const html = legendHtml(['/satisfies?spaces=6000 (run 1)', '<b>'], 'line');
    assert.equal(
      html,
      '<ul class="legend"><li><svg class="swatch" viewBox="0 0 28 12" aria-hidden="true"><line class="line s0 dash0" x1="1" x2="27" y1="6" y2="6"/></svg>/satisfies?spaces=6000 (run 1)</li>' +
        '<li><svg class="swatch" viewBox="0 0 28 12" aria-hidden="true"><line class="line s1 dash1" x1="1" x2="27" y1="6" y2="6"/></svg>&lt;b&gt;</li></ul>',
    );
    assert.match(
      legendHtml(['a'], 'box'),
      /<rect class="s0" x="8" y="0" width="12" height="12"\/>/,
    );
  });

  it('wraps both layouts and the legend in one box', () => {
    assert.equal(
      chartBox('<svg>W</svg>', '<svg>N</svg>', '<ul></ul>'),
      '<div class="chart-box"><div class="chart-wide"><svg>W</svg></div><div class="chart-narrow"><svg>N</svg></div><ul></ul></div>',
    );
    assert.equal(chartBox('<svg>W</svg>', null), '<div class="chart-box"><svg>W</svg></div>');
  });

  it('escapes text for HTML', () => {
    assert.equal(
      esc(`<a href="x">'&'</a>`),
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
});

/**
 * The live page loads these modules in the browser as they are compiled, from /m/ (the page
 * server serves only these two folders of dist/): an import from anywhere else, a node: module
 * or a package would not load there. Read from the compiled files, the browser's view: a
 * type-only import (of bench/live/events.ts) is erased by the build and loads nothing.
 */
const BROWSER_FOLDERS = ['bench/render/chart', 'bench/live/page'];

describe('browser-safe modules', () => {
  const dist = join(packageRoot(), 'dist');
  const files = BROWSER_FOLDERS.flatMap((dir) =>
    readdirSync(join(dist, dir))
      .filter((f) => f.endsWith('.js'))
      .map((f) => posix.join(dir, f)),
  );
  const specifiers = (file: string) =>
    [
      ...readFileSync(join(dist, file), 'utf8').matchAll(
        /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*'([^']+)'|(?:^|\n)\s*import\s*'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g,
      ),
    ].map((m) => (m[1] ?? m[2] ?? m[3]) as string);

  it('has files to check, the page and the charts', () => {
    assert.ok(files.includes('bench/live/page/main.js'), files.join(' '));
    assert.ok(files.includes('bench/render/chart/line-chart.js'), files.join(' '));
  });

  it('import only from inside the folders the page server serves: no package, no node: module', () => {
    const outside = files.flatMap((file) =>
      specifiers(file)
        .filter((spec) => {
          if (!spec.startsWith('.')) return true;
          const target = posix.normalize(posix.join(posix.dirname(file), spec));
          return !BROWSER_FOLDERS.some((dir) => target.startsWith(`${dir}/`));
        })
        .map((spec) => `${file} → ${spec}`),
    );
    assert.deepEqual(outside, []);
    // The check can fail: the report's renderer imports from outside.
    assert.ok(specifiers('bench/render/html/render.js').some((s) => s.startsWith('../../')));
  });
});
