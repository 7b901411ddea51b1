/**
 * The live page in headless Chromium, on a recorded busy-wait session replayed by a test-only
 * server (live-static-server.ts): it draws a chart per figure with a line per variant, bands
 * the silence and marks the knob's change, lists the stalls by the code that held the loop and
 * opens one from the keyboard, posts its controls with the token, shows looplab's refusal, and
 * fits a phone's width with text that stays readable. Nothing is fetched from elsewhere.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { FrameEvent, SessionEvent } from '../../bench/live/events.ts';
import { liveFixture } from '../unit/live-fixture.ts';
import { findChromium } from './chromium.ts';
import { type StaticLive, startStaticLive } from './live-static-server.ts';

const found = await findChromium();
const fixture = liveFixture('busy-wait.ndjson');
const FIXTURE_FRAMES = fixture.filter((e) => e.type === 'frame').length;
let browser: Browser;
let live: StaticLive;

before(async () => {
  browser = await chromium.launch({ executablePath: found.executablePath, args: found.args });
  live = await startStaticLive(fixture);
});
after(async () => {
  await browser?.close();
  await live?.close();
});

interface Opened {
  page: Page;
  problems: string[];
  /** Requests to anywhere but the page's own origin. */
  elsewhere: string[];
}

async function openPage(width: number): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  const elsewhere: string[] = [];
  const origin = new URL(live.url).origin;
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith(origin)) elsewhere.push(r.url());
  });
  await page.goto(live.url);
  // Every recorded frame has arrived and been drawn.
  // A function, not a string: a string polled in the page is an eval, which its CSP forbids.
  await page.waitForFunction(
    (n) => document.getElementById('live')?.dataset.frames === String(n),
    FIXTURE_FRAMES,
  );
  await page.waitForSelector('#charts svg.chart path.line');
  return { page, problems, elsewhere };
}

const cell = (page: Page, variant: string, metric: string) =>
  page.$eval(`td[data-variant="${variant}"][data-metric="${metric}"]`, (td) =>
    Number((td as unknown as { dataset: { value: string } }).dataset.value),
  );

describe(`live page in headless Chromium (${found.source})`, () => {
  it('draws every figure with a line per variant, the silence as a band, the change as a marker', {
    timeout: 60_000,
  }, async () => {
    const { page, problems, elsewhere } = await openPage(1280);
    // Queried and read in one step: the page redraws its charts four times a second.
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll('#charts figure')].map((f) => ({
        metric: f.getAttribute('data-metric'),
        lines: f.querySelectorAll('path.line').length,
        drawn: [...f.querySelectorAll('path.line')].filter(
          (p) => (p.getAttribute('d') ?? '') !== '',
        ).length,
        bands: f.querySelectorAll('rect.band').length,
        markers: [...f.querySelectorAll('text.marker-label')].map((t) => t.textContent),
      })),
    );
    assert.equal(charts.length, 10);
    for (const c of charts) {
      assert.equal(c.lines, 2, `${c.metric}: a line per variant`);
      assert.equal(c.drawn, 2, `${c.metric}: both lines drawn`);
      assert.ok(c.bands >= 1, `${c.metric}: sync's silence shaded`);
      assert.deepEqual(c.markers, ['ms 20 → 50'], `${c.metric}: the marker`);
    }
    // Paused just after the last frame: the page's clock stops, and no newer silence opens (a
    // second after the recording's end, every variant's would) to take the label.
    live.push({ type: 'state', elapsedMs: 6150, state: 'paused' });
    await page.waitForSelector('#status[data-state=paused]');
    const bandLabels = await page.evaluate(() =>
      [...document.querySelectorAll('#charts figure:first-child text.band-label')].map(
        (t) => t.textContent,
      ),
    );
    assert.deepEqual(bandLabels, ["no word from sync's loop for 1200 ms"]);
    assert.deepEqual(await page.$$eval('#legend li', (lis) => lis.map((li) => li.textContent)), [
      'sync',
      'async',
    ]);
    // The figures in words, from each variant's last frame.
    assert.ok((await cell(page, 'sync', 'lagP99Ms')) > 100);
    assert.ok((await cell(page, 'async', 'lagP99Ms')) < 20);
    // The bystander's: sync's ping waits for its loop, async's does not.
    assert.ok((await cell(page, 'sync', 'pingP99Ms')) > 100);
    assert.ok((await cell(page, 'async', 'pingP99Ms')) < 20);
    assert.equal(await cell(page, 'sync', 'pingTimeouts'), 0);
    assert.equal(
      await page.$eval(
        'td[data-variant="sync"][data-metric="pingTimeouts"]',
        (td) => td.textContent,
      ),
      '0',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(elsewhere, []);
    await page.close();
  });

  it('labels only the newest silence, and lists the newest 20 stalls and how many are older', {
    timeout: 60_000,
  }, async () => {
    const { page } = await openPage(1280);
    const frame = fixture.find((e) => e.type === 'frame' && e.variant === 'async');
    const stall = fixture.find((e) => e.type === 'stall');
    assert.ok(frame?.type === 'frame' && stall?.type === 'stall');
    // async answers on, sync falls silent a second time (6.1 s to 7.6 s), and 25 stalls come.
    for (let ms = 6300; ms <= 7500; ms += 200) live.push({ ...frame, elapsedMs: ms });
    for (let i = 0; i < 25; i++) live.push({ ...stall, elapsedMs: 6200 + 50 * i });
    live.push({ ...frame, variant: 'sync', elapsedMs: 7600, frameMs: 1500 });
    // Paused: the page's clock stops, so no silence opens while the test reads the page.
    live.push({ type: 'state', elapsedMs: 7650, state: 'paused' });
    await page.waitForFunction(
      (n) => document.getElementById('live')?.dataset.frames === String(n),
      FIXTURE_FRAMES + 8,
    );
    await page.waitForSelector('#status[data-state=paused]');
    await page.waitForFunction(
      () => document.querySelectorAll('#stalls > li > button').length === 20,
    );
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll('#charts figure')].map((f) => ({
        bands: f.querySelectorAll('rect.band').length,
        labels: [...f.querySelectorAll('text.band-label')].map((t) => t.textContent),
      })),
    );
    assert.deepEqual(charts[0], { bands: 2, labels: ["no word from sync's loop for 1500 ms"] });
    for (const c of charts.slice(1)) assert.deepEqual(c, { bands: 2, labels: [] });
    const items = await page.$$eval('#stalls > li', (lis) =>
      lis.map((li) => (li.querySelector('button') ?? li).textContent),
    );
    assert.equal(items.length, 21);
    assert.equal(items[0], 'sync 180 ms at 7.4 s: spin (busy-wait.ts:17) ← handle');
    assert.equal(items[19], 'sync 180 ms at 6.45 s: spin (busy-wait.ts:17) ← handle');
    assert.equal(items[20], 'and 8 older');
    await page.close();
  });

  it('lists the stalls by the code that held the loop, and opens one from the keyboard', {
    timeout: 60_000,
  }, async () => {
    const { page } = await openPage(1280);
    const items = await page.$$eval('#stalls > li > button', (bs) => bs.map((b) => b.textContent));
    assert.deepEqual(items, [
      'sync 780 ms at 5.5 s: spin (busy-wait.ts:17) ← handle',
      'sync 260 ms at 3.5 s: spin (busy-wait.ts:17) ← handle',
      'sync 180 ms at 1.5 s: spin (busy-wait.ts:17) ← handle',
    ]);
    const first = page.locator('#stalls > li > button').first();
    assert.equal(await page.locator('#stack-0').isVisible(), false);
    await first.focus();
    await page.keyboard.press('Enter');
    assert.equal(await first.getAttribute('aria-expanded'), 'true');
    assert.deepEqual(await page.locator('#stack-0 li').allTextContents(), [
      'spin (scenarios/catalog/busy-wait.ts:17)',
      'handle (scenarios/catalog/busy-wait.ts:37)',
      'emit (node internals)',
    ]);
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#stack-0').isVisible(), false);
    await page.close();
  });

  it('posts its knobs and buttons with the token, refuses a value out of range, shows a refusal', {
    timeout: 60_000,
  }, async () => {
    const { page } = await openPage(1280);
    live.controls.length = 0;
    // The scenario's own parameter, from its schema: labelled, with its range and unit.
    const ms = page.getByLabel('ms', { exact: true });
    assert.equal(await ms.getAttribute('min'), '1');
    assert.equal(await ms.getAttribute('max'), '10000');
    assert.equal(await ms.inputValue(), '20');
    // Out of range: the browser holds it back, nothing is sent.
    await ms.fill('0');
    await ms.press('Enter');
    await ms.fill('50');
    await ms.press('Enter');
    const deadline = Date.now() + 5000;
    while (live.controls.length < 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(live.controls, [
      {
        token: live.token,
        contentType: 'application/json',
        body: { action: 'params', params: { ms: 50 } },
      },
    ]);
    // Running: pause is offered, start is not; by keyboard.
    assert.equal(await page.locator('#start').isDisabled(), true);
    await page.locator('#pause').focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('connections').fill('999');
    await page.getByLabel('connections').press('Enter');
    await page.waitForSelector('#error:not(:empty)');
    assert.equal(
      await page.locator('#error').textContent(),
      'connections must be 1 to 500 [LOOPLAB_ERR_BAD_PARAM]',
    );
    // ms=50 was taken: turned back to 20 it is sent, and nothing else is (the refused connections
    // put back as they were, else that Apply sends them again). A control sent late would come
    // within the 300 ms waited after the fourth.
    await page.getByLabel('connections').fill('10');
    await ms.fill('20');
    await ms.press('Enter');
    const turnedBack = Date.now() + 5000;
    while (live.controls.length < 4 && Date.now() < turnedBack)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      live.controls.slice(1).map((c) => c.body),
      [
        { action: 'pause' },
        { action: 'connections', connections: 999 },
        { action: 'params', params: { ms: 20 } },
      ],
    );
    await page.close();
  });

  it('gives its text enough contrast (4.5:1), light and dark, and every control a label', {
    timeout: 60_000,
  }, async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
      await page.goto(live.url);
      await page.waitForSelector('#charts svg.chart path.line');
      const found = await page.evaluate(() => {
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
        const lum = (c: string) => {
          const [r = 0, g = 0, b = 0] = rgb(c).map((v) => {
            const x = v / 255;
            return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        // The colour behind an element: the nearest ancestor's that is not transparent.
        const behind = (e: Element | null): string => {
          for (let n = e; n; n = n.parentElement) {
            const bg = getComputedStyle(n).backgroundColor;
            if ((rgb(bg)[3] ?? 1) > 0 && bg !== 'transparent') return bg;
          }
          return getComputedStyle(document.documentElement).backgroundColor;
        };
        const low: string[] = [];
        let checked = 0;
        const texts = document.querySelectorAll(
          'h1, h2, p, label, legend, button:not(:disabled), a[href], input, th, td, caption, li, small, span, code, figcaption',
        );
        for (const e of texts) {
          const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent?.trim());
          if (!own && e.tagName !== 'INPUT') continue;
          const fg = lum(getComputedStyle(e).color);
          const bg = lum(behind(e));
          const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
          checked++;
          if (ratio < 4.5)
            low.push(`${e.tagName} "${e.textContent?.slice(0, 30)}" ${ratio.toFixed(2)}`);
        }
        const unlabelled = [...document.querySelectorAll('input, button, a')]
          .filter((e) => !(e as HTMLInputElement).labels?.length && !e.textContent?.trim())
          .map((e) => e.id);
        return { low, checked, unlabelled };
      });
      assert.ok(found.checked > 40, `${found.checked} texts checked`);
      assert.deepEqual(found.low, [], colorScheme);
      assert.deepEqual(found.unlabelled, [], colorScheme);
      await page.close();
    }
  });

  it('fits a 360 px screen, its charts drawn at their width with text of 10 px or more', {
    timeout: 60_000,
  }, async () => {
    const { page, problems } = await openPage(360);
    const scrollWidth = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(scrollWidth <= 360, `the page is ${scrollWidth} px wide`);
    // The Now table tiles: every figure on screen beside its name, nothing scrolled out of view.
    const now = (await page.evaluate(() => {
      const wrap = document.querySelector('.table-wrap') as Element;
      const cells = [...document.querySelectorAll('#now td')].map((td) => ({
        right: td.getBoundingClientRect().right,
        label: getComputedStyle(td, '::before').content,
        own: td.getAttribute('data-label'),
      }));
      return { scroll: wrap.scrollWidth, width: wrap.clientWidth, cells };
    })) as {
      scroll: number;
      width: number;
      cells: { right: number; label: string; own: string }[];
    };
    assert.ok(now.scroll <= now.width, `the Now table is ${now.scroll} px in ${now.width} px`);
    // 9 figures (the /ping timeouts among them) for each of 2 variants.
    assert.equal(now.cells.length, 18);
    for (const c of now.cells) {
      assert.ok(c.right <= 360, `a figure ends at ${c.right} px`);
      assert.equal(c.label, JSON.stringify(c.own));
    }
    // Queried and measured in one step: the page redraws its charts four times a second.
    const looks = (await page.evaluate(() =>
      [...document.querySelectorAll('#charts svg.chart')].map((svg) => {
        const style = globalThis as unknown as {
          getComputedStyle(e: unknown): { fontSize: string };
        };
        const px = [...svg.querySelectorAll('text')].map((t) => {
          const ctm = (t as unknown as { getScreenCTM(): { a: number } | null }).getScreenCTM();
          return (ctm?.a ?? 0) * Number.parseFloat(style.getComputedStyle(t).fontSize);
        });
        return { width: svg.getBoundingClientRect().width, smallest: Math.min(...px) };
      }),
    )) as { width: number; smallest: number }[];
    assert.equal(looks.length, 10);
    for (const l of looks) {
      assert.ok(l.width <= 360 && l.width > 250, `a chart ${l.width} px wide`);
      assert.ok(l.smallest >= 10, `a chart text of ${l.smallest} px`);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe(`live page variants in headless Chromium (${found.source})`, () => {
  /** The fixture with its session changed, on a static server of its own. */
  async function openWith(
    session: Partial<SessionEvent>,
    frame: Partial<FrameEvent>,
    width: number,
  ): Promise<{ page: Page; server: StaticLive }> {
    const events = fixture.map((e) =>
      e.type === 'session' ? { ...e, ...session } : e.type === 'frame' ? { ...e, ...frame } : e,
    );
    const server = await startStaticLive(events);
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(server.url);
    await page.waitForFunction(
      (n) => document.getElementById('live')?.dataset.frames === String(n),
      FIXTURE_FRAMES,
    );
    return { page, server };
  }

  it('fits the Now table of an open-model load (--rate) in 1280 px, its ELU digits alike', {
    timeout: 60_000,
  }, async () => {
    const { page, server } = await openWith(
      { rate: 30 },
      { offeredPerSec: 30, uncorrectedP50Ms: 12.5, uncorrectedP99Ms: 48.25 },
      1280,
    );
    try {
      const now = await page.evaluate(() => {
        const wrap = document.querySelector('.table-wrap') as Element;
        const elu = [...document.querySelectorAll('#now td[data-metric="elu"]')].map(
          (td) => td.textContent ?? '',
        );
        return { scroll: wrap.scrollWidth, width: wrap.clientWidth, elu };
      });
      assert.ok(now.scroll <= now.width, `the Now table is ${now.scroll} px in ${now.width} px`);
      assert.equal(now.elu.length, 2);
      for (const text of now.elu) assert.match(text, /^\d\.\d\d$/);
    } finally {
      await page.close();
      await server.close();
    }
  });

  it("a lesson's runs (lesson --live): the lesson in the header, no control to press, and /ping said not measured", {
    timeout: 60_000,
  }, async () => {
    const lesson = { number: 1, id: 'the-waiter', title: 'The waiter' };
    // A lesson's frames have no /ping figures: the bystander is read per run.
    const noPing = { pingP50Ms: null, pingP99Ms: null, pingTimeouts: null };
    const { page, server } = await openWith({ lesson }, noPing, 1280);
    try {
      assert.equal(await page.textContent('h1'), 'looplab live · lesson 1, The waiter (busy-wait)');
      assert.equal(
        await page.textContent('figure[data-metric="pingP99Ms"] .chart-slot'),
        'Not measured in these frames.',
      );
      assert.equal(
        await page.locator('figure[data-metric="lagP99Ms"] path.line').count(),
        2,
        'the figures measured are drawn',
      );
      for (const id of ['start', 'pause', 'stop', 'knobs'])
        assert.equal(await page.isVisible(`#${id}`), false, `#${id} shown`);
      assert.equal(await page.isVisible('#save'), true);
    } finally {
      await page.close();
      await server.close();
    }
  });
});
