/**
 * The HTML report in a real browser: headless Chromium opens the page and checks that every
 * scenario's charts rendered, that nothing was logged as an error, and that the page asked the
 * network for nothing (it must work offline).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { renderDiffHtml, renderReportHtml } from '../../bench/render/html/render.ts';
import { renderSweepHtml } from '../../bench/render/html/sweep.ts';
import type { Report } from '../../bench/report/types.ts';
import { writeFileAtomic } from '../../core/write-atomic.ts';
import { completedRun, entry, makeReport } from '../unit/fixtures.ts';
import { busyWaitSweep } from '../unit/sweep-fixture.ts';
import { findChromium } from './chromium.ts';
import { cli, tinyBusyWaitReport } from './helpers.ts';

// A system Chromium when there is one, else the one npm installed (chromium.ts): never skipped.
const found = await findChromium();
const dir = mkdtempSync(join(tmpdir(), 'looplab-html-'));
let browser: Browser;
/** Which Chromium ran, in the test's name: `(system: /usr/bin/chromium)` or `(npm: …)`. */
const browserLabel = () => `(${found.source}: ${found.executablePath})`;

before(async () => {
  browser = await chromium.launch({ executablePath: found.executablePath, args: found.args });
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Rendered {
  sections: { id: string; charts: { width: number; height: number; marks: number }[] }[];
  consoleErrors: string[];
  requests: string[];
  /** The page's width: more than the viewport means sideways scrolling. */
  scrollWidth: number;
}

/** Opens the file, records console errors and every request, and measures each chart. */
async function open(file: string, viewport = { width: 1000, height: 800 }): Promise<Rendered> {
  const page = await browser.newPage({ viewport });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load' });
  const sections = await page.$$eval('section', (nodes) =>
    nodes.map((s) => ({
      id: s.id || s.getAttribute('aria-labelledby') || '',
      // Each chart is drawn wide and narrow; the CSS shows one, the other has no box.
      charts: [...s.querySelectorAll('svg.chart')]
        .filter((svg) => svg.getBoundingClientRect().width > 0)
        .map((svg) => {
          const box = svg.getBoundingClientRect();
          // Marks: bars, lines and dots actually drawn with a size, not just axes and labels.
          const marks = [...svg.querySelectorAll('rect.bar, path.line, circle.dot')].filter((m) => {
            // No DOM types in this Node project: getBBox is SVGGraphicsElement's.
            const b = (m as unknown as { getBBox(): { width: number; height: number } }).getBBox();
            return b.width > 0 || b.height > 0;
          }).length;
          return { width: box.width, height: box.height, marks };
        }),
    })),
  );
  const scrollWidth = await page.evaluate('document.documentElement.scrollWidth');
  await page.close();
  // The document itself is the one request allowed.
  return {
    sections,
    consoleErrors,
    requests: requests.filter((r) => r !== url),
    scrollWidth: Number(scrollWidth),
  };
}

function assertRendered(r: Rendered, scenarios: number, chartsPerSection: number): void {
  assert.deepEqual(r.consoleErrors, [], 'console errors');
  assert.deepEqual(r.requests, [], 'network requests');
  assert.equal(r.sections.length, scenarios);
  for (const s of r.sections) {
    assert.equal(s.charts.length, chartsPerSection, `${s.id}: charts`);
    for (const c of s.charts) {
      assert.ok(c.width > 100 && c.height > 30, `${s.id}: a chart of ${c.width}×${c.height}`);
      assert.ok(c.marks > 0, `${s.id}: a chart with nothing drawn`);
    }
  }
}

/** A report shaped like a long real one: 4 scenarios, 9 variants, 3 runs of 10 s at 100 ms. */
function bigReport(): Report {
  const shape: Record<string, string[]> = {
    'busy-wait': ['sync', 'async'],
    'fs-read': ['sync', 'async'],
    'crypto-pbkdf2': ['sync', 'async'],
    'cpu-bound': ['sync', 'async', 'partitioned'],
  };
  const results = Object.entries(shape).flatMap(([scenario, variants]) =>
    variants.map((variant, v) => {
      const runs = [1, 2, 3].map((run) =>
        completedRun(
          run,
          {
            requestsPerSec: 40 + v * 300 + run,
            bytesPerSec: 4000,
            errors: 0,
            timeouts: 0,
            non2xx: 0,
            latencyP50Ms: 200 / (v + 1),
            latencyP90Ms: 220 / (v + 1),
            latencyP99Ms: 250 / (v + 1),
            latencyMaxMs: 300 / (v + 1),
            pingMaxMs: 500 / (v * 50 + 1),
            cpuUserMs: 2000,
            cpuSystemMs: 100,
            rssMaxBytes: 60_000_000,
            pingP50Ms: 150 / (v * 50 + 1),
            pingP99Ms: 400 / (v * 50 + 1),
            lagP50Ms: 190 / (v * 50 + 1),
            lagP99Ms: 200 / (v * 50 + 1),
            lagMaxMs: 210 / (v * 50 + 1),
            elu: v === 0 ? 0.99 : 0.2,
          },
          {
            // What held sync's loop: two stacks with long paths, to wrap at a phone's width.
            ...(v === 0 && {
              stalls: {
                state: 'recorded' as const,
                thresholdMs: 50,
                count: 14,
                totalMs: 2700,
                attributedMs: 2650,
                samples: 130,
                samplingMs: 3.2,
                cpuWaitMs: 150,
                machineMs: 0,
                stacks: [
                  {
                    frames: [
                      {
                        function: 'spin',
                        file: 'scenarios/catalog/a-rather-long-directory-name/busy-wait.ts',
                        line: 17,
                      },
                      {
                        function: 'handle',
                        file: 'scenarios/catalog/a-rather-long-directory-name/busy-wait.ts',
                        line: 37,
                      },
                      { function: 'emit', file: null, line: null, internal: true as const },
                    ],
                    ms: 2400,
                    share: 0.8889,
                    samples: 120,
                  },
                  {
                    frames: [
                      { function: 'body', file: 'scenarios/catalog/busy-wait.ts', line: 13 },
                    ],
                    ms: 250,
                    share: 0.0926,
                    samples: 10,
                  },
                ],
              },
            }),
            timelineIntervalMs: 100,
            timeline: Array.from({ length: 100 }, (_, i) => ({
              tMs: (i + 1) * 100 + (v === 0 ? 37.123 : 1.234),
              lagMaxMs: (v === 0 ? 195.456 : 1.234) + (i % 7),
              elu: v === 0 ? 0.9987 : 0.1234,
            })),
          },
        ),
      );
      return entry(scenario, variant, runs, { n: 1 });
    }),
  );
  return makeReport(
    results,
    Object.keys(shape).map((scenario) => ({ scenario, text: `${scenario}: async served more.` })),
  );
}

describe(`HTML report in headless Chromium ${browserLabel()}`, () => {
  it('renders every chart of a real benchmark, offline and without errors', {
    timeout: 90_000,
  }, async () => {
    const report = await tinyBusyWaitReport();
    const file = join(dir, 'real.html');
    await writeFileAtomic(file, renderReportHtml(report));
    const r = await open(file);
    assertRendered(r, 1, 3);
    // The lag timeline draws one line per variant, at each of its two widths.
    const html = readFileSync(file, 'utf8');
    assert.equal((html.match(/<path class="line /g) ?? []).length, 4);
  });

  it('keeps a 4-scenario report under 1 MB, each scenario charted, at phone width too', {
    timeout: 60_000,
  }, async () => {
    const file = join(dir, 'big.html');
    await writeFileAtomic(file, renderReportHtml(bigReport()));
    const bytes = statSync(file).size;
    assert.ok(bytes < 1024 * 1024, `${bytes} bytes`);
    assertRendered(await open(file), 4, 3);
    const phone = await open(file, { width: 360, height: 740 });
    assertRendered(phone, 4, 3);
    assert.ok(
      phone.scrollWidth <= 360,
      `the page is ${phone.scrollWidth} px wide on a 360 px screen`,
    );
    for (const s of phone.sections)
      for (const c of s.charts) assert.ok(c.width <= 360, `${c.width} px wide on a 360 px screen`);
  });

  it('lists what held each stalled loop, bars to scale, wrapping at a phone width', {
    timeout: 60_000,
  }, async () => {
    const file = join(dir, 'stalls.html');
    await writeFileAtomic(file, renderReportHtml(bigReport()));
    for (const width of [1000, 360]) {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      // Open every list, as a reader would, then measure.
      await page.$$eval('details.stalls', (ds) => {
        for (const d of ds) d.setAttribute('open', '');
      });
      const got = (await page.$$eval('details.stalls', (ds) =>
        ds.map((d) => ({
          frames: d.querySelectorAll('ol.frames li').length,
          bars: [...d.querySelectorAll('svg.share')].map((svg) => {
            const full = svg.getBoundingClientRect().width;
            const bar = svg.querySelector('rect.s0')?.getBoundingClientRect().width ?? 0;
            return full > 0 ? bar / full : -1;
          }),
        })),
      )) as { frames: number; bars: number[] }[];
      const scrollWidth = Number(await page.evaluate('document.documentElement.scrollWidth'));
      await page.close();
      // One list per scenario's sync variant, each with both stacks and every frame.
      assert.equal(got.length, 4);
      for (const g of got) {
        assert.equal(g.frames, 4);
        assert.ok(Math.abs((g.bars[0] ?? 0) - 0.8889) < 0.02, `bar ${g.bars[0]}`);
        assert.ok(Math.abs((g.bars[1] ?? 0) - 0.0926) < 0.02, `bar ${g.bars[1]}`);
      }
      assert.ok(scrollWidth <= width, `the page is ${scrollWidth} px wide on a ${width} px screen`);
    }
  });

  it('shows two reports side by side', { timeout: 60_000 }, async () => {
    const file = join(dir, 'diff.html');
    await writeFileAtomic(file, renderDiffHtml(bigReport(), bigReport()));
    // Base and head each draw three charts per scenario.
    assertRendered(await open(file), 4, 6);
  });
});

/** What a reader sees of one chart: its box, its legend's entries, its tick labels' sizes. */
interface ChartLook {
  box: Box;
  legend: { text: string; box: Box }[];
  /** Each visible text's font size in the drawing (ticks, units, values), as rendered: CSS px after the SVG's scaling. */
  textPx: number[];
}
interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * Every chart's look at `width`. A legend entry is whatever element shows a series' name, in the
 * SVG or out of it, so the check holds whichever way a legend is drawn.
 */
async function chartLooks(file: string, width: number, names: string[]): Promise<ChartLook[]> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const looks = (await page.$$eval(
    'figure',
    (figures, names) =>
      figures.map((fig) => {
        // No DOM types in this Node project: the elements' few methods used, structurally.
        type El = { getBoundingClientRect(): Box };
        const box = (e: El) => {
          const r = e.getBoundingClientRect();
          return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
        };
        const visible = (e: El) => e.getBoundingClientRect().right > e.getBoundingClientRect().left;
        const style = globalThis as unknown as {
          getComputedStyle(e: unknown): { fontSize: string };
        };
        const chart = fig.querySelector('.chart-box') ?? fig.querySelector('svg.chart');
        const named = [...fig.querySelectorAll('li, text')].filter(
          (e) =>
            visible(e) &&
            !e.closest('details') &&
            names.some((n) => (e.textContent ?? '').trim().startsWith(n)),
        );
        const textPx = [...fig.querySelectorAll('svg.chart text')].filter(visible).map((t) => {
          // The CSS size times the SVG's scale onto the screen (getScreenCTM is SVGGraphicsElement's).
          const ctm = (t as unknown as { getScreenCTM(): { a: number } | null }).getScreenCTM();
          return (ctm?.a ?? 0) * Number.parseFloat(style.getComputedStyle(t).fontSize);
        });
        return {
          box: chart ? box(chart) : { left: 0, right: 0, top: 0, bottom: 0 },
          legend: named.map((e) => ({ text: e.textContent ?? '', box: box(e) })),
          textPx,
        };
      }),
    names,
  )) as ChartLook[];
  await page.close();
  return looks;
}

const overlap = (a: Box, b: Box) =>
  a.left < b.right - 0.5 &&
  b.left < a.right - 0.5 &&
  a.top < b.bottom - 0.5 &&
  b.top < a.bottom - 0.5;

/** Routes as `bench --cmd … --path` names them: long, and the third one on the first row. */
const ROUTES = ['/satisfies?spaces=6000', '/search?q=a-rather-long-query', '/satisfies?spaces=60'];

function routesReport(): Report {
  const results = ROUTES.map((variant, v) =>
    entry(
      'own-server',
      variant,
      [
        completedRun(
          1,
          {
            requestsPerSec: 40 + v * 300,
            latencyP50Ms: 200 / (v + 1),
            latencyP99Ms: 250 / (v + 1),
            pingP99Ms: 400 / (v * 50 + 1),
            lagP50Ms: 190 / (v * 50 + 1),
            lagP99Ms: 200 / (v * 50 + 1),
          },
          {
            timelineIntervalMs: 100,
            timeline: Array.from({ length: 60 }, (_, i) => ({
              tMs: (i + 1) * 100,
              lagMaxMs: (v === 0 ? 195 : 2) + (i % 7),
              elu: 0.5,
            })),
          },
        ),
      ],
      { n: 1 },
    ),
  );
  return makeReport(results, [{ scenario: 'own-server', text: 'compare the paths.' }]);
}

describe(`HTML report's charts with long names ${browserLabel()}`, () => {
  it('keeps each legend inside its chart at 1280 px, and at 360 px no entry on another and no text under 10 px', {
    timeout: 60_000,
  }, async () => {
    const file = join(dir, 'routes.html');
    await writeFileAtomic(file, renderReportHtml(routesReport()));
    const wide = await chartLooks(file, 1280, ROUTES);
    // The latency chart and the lag timeline name the routes in a legend; the throughput chart
    // names them beside their bars.
    const legends = wide.filter((c) => c.legend.length === ROUTES.length);
    assert.ok(legends.length >= 2, `${legends.length} charts with a legend of every route`);
    for (const c of legends)
      for (const e of c.legend)
        assert.ok(
          e.box.left >= c.box.left - 0.5 && e.box.right <= c.box.right + 0.5,
          `at 1280 px, "${e.text}" spans ${e.box.left}–${e.box.right}, the chart ${c.box.left}–${c.box.right}`,
        );
    const phone = await chartLooks(file, 360, ROUTES);
    let texts = 0;
    for (const c of phone) {
      for (const [i, a] of c.legend.entries())
        for (const b of c.legend.slice(i + 1))
          assert.ok(!overlap(a.box, b.box), `at 360 px, "${a.text}" overlaps "${b.text}"`);
      for (const px of c.textPx) assert.ok(px >= 10, `at 360 px, a text of ${px.toFixed(1)} px`);
      texts += c.textPx.length;
    }
    assert.ok(texts >= 30, `${texts} texts measured`);
  });
});

describe('looplab report --html', () => {
  it('writes the page from a saved report, and from two', { timeout: 60_000 }, async () => {
    const json = join(dir, 'in.json');
    await writeFileAtomic(json, JSON.stringify(bigReport()));
    const one = await cli(['report', json, '--html', join(dir, 'one.html')]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stderr, /^wrote .*one\.html \(\d+ KiB\)\n$/);
    assertRendered(await open(join(dir, 'one.html')), 4, 3);
    const two = await cli(['report', json, json, '--html', join(dir, 'two.html')]);
    assert.equal(two.code, 0, two.stderr);
    assertRendered(await open(join(dir, 'two.html')), 4, 6);
  });

  it('rejects a bad report with its code, and two reports without --html', async () => {
    const bad = join(dir, 'bad.json');
    await writeFileAtomic(bad, '{"schemaVersion": 1}');
    const r = await cli(['report', bad, '--html', join(dir, 'x.html')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\[LOOPLAB_ERR_BAD_REPORT\]\n$/);
    const json = join(dir, 'in2.json');
    await writeFileAtomic(json, JSON.stringify(bigReport()));
    const both = await cli(['report', json, json]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /add --html FILE .*\[LOOPLAB_ERR_USAGE\]\n$/);
  });
});

describe('the sweep page', () => {
  it('draws the curve and the achieved chart, offline, without errors, at a desktop and a phone width', async () => {
    const file = join(dir, 'sweep.html');
    await writeFileAtomic(file, renderSweepHtml(busyWaitSweep()));
    for (const viewport of [
      { width: 1000, height: 800 },
      { width: 360, height: 740 },
    ]) {
      const r = await open(file, viewport);
      // The curve's section holds both charts; the steps' section, tables only.
      assert.deepEqual(
        r.sections.map((s) => [s.id, s.charts.length]),
        [
          ['curve', 2],
          ['steps', 0],
        ],
      );
      assertRendered({ ...r, sections: r.sections.slice(0, 1) }, 1, 2);
      assert.ok(r.scrollWidth <= viewport.width, `${r.scrollWidth} px wide on ${viewport.width}`);
    }
  });
});
