/**
 * The live page's Save: looplab's page server hands the page one HTML file of the session so far
 * (GET /save, with the token), and that file stands alone. It names no network address, carries a
 * strict CSP whose hashes match its one script and one style, holds every event as data, and in
 * headless Chromium, opened from disk with the network cut off, draws the fixture's charts
 * (silence band, marker) and stall list with the page's own code, and no control. The Save link
 * is reached from the keyboard on the real page, labelled, and downloads the file.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import type { LiveEvent, SessionEvent } from '../../bench/live/events.ts';
import { type PageServer, startPageServer } from '../../bench/live/page-server.ts';
import { liveFixture } from '../unit/live-fixture.ts';
import { findChromium } from './chromium.ts';
import { FakeSource } from './fake-live-source.ts';

const found = await findChromium();
const fixture = liveFixture('busy-wait.ndjson');
const [first, ...rest] = fixture;
assert.ok(first?.type === 'session');
// Paused just after the last frame, as the page test does: the saved moment is then the last
// event's, and no silence opens while the test runs.
const paused: LiveEvent = { type: 'state', elapsedMs: 6150, state: 'paused' };
const emitted: LiveEvent[] = [...rest, paused];
const FRAMES = emitted.filter((e) => e.type === 'frame').length;

let browser: Browser;
let server: PageServer;
const source = new FakeSource();
const dir = mkdtempSync(join(tmpdir(), 'looplab-save-'));

before(async () => {
  browser = await chromium.launch({ executablePath: found.executablePath, args: found.args });
  source.session = { ...(first as SessionEvent), state: 'paused' };
  server = await startPageServer(source, { port: 0 });
  for (const e of emitted) source.emit(e);
});
after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(
  path: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const sha = (text: string) => `sha256-${createHash('sha256').update(text).digest('base64')}`;
const inner = (html: string, open: string, close: string) => {
  const start = html.indexOf(open);
  assert.ok(start >= 0, `${open} is in the file`);
  return html.slice(start + open.length, html.indexOf(close, start + open.length));
};

describe(`the saved copy (${found.source})`, () => {
  it('is refused without the token', async () => {
    for (const path of ['/save', '/save?token=wrong']) {
      const answer = await get(path);
      assert.equal(answer.status, 403, path);
      assert.equal(JSON.parse(answer.body).code, 'LOOPLAB_ERR_FORBIDDEN');
    }
  });

  it('is one file: no network address, a CSP that hashes its script and style, every event held', async () => {
    const answer = await get(`/save?token=${server.token}`);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(
      String(answer.headers['content-disposition']),
      /^attachment; filename="looplab-live-busy-wait-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.html"$/,
    );
    const html = answer.body;
    assert.doesNotMatch(html, /https?:\/\//i, 'no http(s) address anywhere');
    assert.doesNotMatch(html, /\s(src|href|action|srcset)=/i, 'nothing loaded or linked');
    assert.doesNotMatch(
      html,
      /<link|<iframe|<img|<object|<embed|@import|url\((?!#)/i,
      "only url(#…), a chart's own clip",
    );
    const csp = inner(html, '<meta http-equiv="Content-Security-Policy" content="', '"');
    const script = inner(html, '<script type="module">', '</script>');
    const style = inner(html, '<style>', '</style>');
    assert.equal(
      csp,
      `default-src 'none'; script-src '${sha(script)}'; style-src '${sha(style)}'; img-src data:; base-uri 'none'; form-action 'none'`,
    );
    // Exactly one script that runs, one data block, one style.
    assert.equal(html.match(/<script/g)?.length, 2);
    assert.equal(html.match(/<style/g)?.length, 1);
    const data = JSON.parse(
      inner(html, '<script type="application/json" id="saved-data">', '</script>'),
    );
    assert.deepEqual(data.events, [source.session, ...emitted]);
    assert.equal(data.nowMs, 6150, 'paused: the last event is the saved moment');
    assert.ok(Math.abs(Date.parse(data.savedAt) - Date.now()) < 60_000);
  });

  it('keeps a "</script>" in an event from ending its data block', async () => {
    const own = new FakeSource();
    const s = await startPageServer(own, { port: 0 });
    try {
      own.emit({ type: 'marker', elapsedMs: 1, text: '</script><script>alert(1)</script>' });
      const html = await new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port: s.port, path: `/save?token=${s.token}` }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            body += c;
          });
          res.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
      assert.equal(html.match(/<script/gi)?.length, 2);
      const data = JSON.parse(inner(html, 'id="saved-data">', '</script>'));
      assert.equal(data.events[1].text, '</script><script>alert(1)</script>');
    } finally {
      await s.close();
    }
  });

  it('is downloaded from the page by a labelled link the keyboard reaches, and opens offline as the page showed it', {
    timeout: 90_000,
  }, async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(
      (n) => document.getElementById('live')?.dataset.frames === String(n),
      FRAMES,
    );
    const save = page.getByRole('link', { name: 'Save a copy' });
    assert.equal(await save.getAttribute('href'), `/save?token=${server.token}`);
    assert.match(
      (await save.getAttribute('download')) ?? 'missing',
      /^$/,
      'a download, not a navigation',
    );
    // From the top of the page, by Tab alone.
    let reached = false;
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.id === 'save');
    }
    assert.ok(reached, 'Tab reaches Save');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.keyboard.press('Enter'),
    ]);
    assert.match(download.suggestedFilename(), /^looplab-live-busy-wait-.*\.html$/);
    const file = join(dir, 'saved.html');
    await download.saveAs(file);
    await context.close();
    assert.ok(readFileSync(file, 'utf8').includes('id="saved-data"'));

    // Offline, with every request but the file itself refused: what it shows, it holds.
    const offline = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      offline: true,
    });
    const requests: string[] = [];
    await offline.route(
      (url) => url.protocol !== 'file:',
      (route) => route.abort(),
    );
    const copy = await offline.newPage();
    const problems: string[] = [];
    copy.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    copy.on('pageerror', (e) => problems.push(e.message));
    copy.on('request', (r) => requests.push(r.url()));
    await copy.goto(pathToFileURL(file).href);
    await copy.waitForSelector('#charts svg.chart path.line');
    assert.equal(
      await copy.evaluate(() => document.getElementById('live')?.dataset.frames),
      String(FRAMES),
    );
    const charts = await copy.evaluate(() =>
      [...document.querySelectorAll('#charts figure')].map((f) => ({
        metric: f.getAttribute('data-metric'),
        drawn: [...f.querySelectorAll('path.line')].filter(
          (p) => (p.getAttribute('d') ?? '') !== '',
        ).length,
        bands: f.querySelectorAll('rect.band').length,
        markers: [...f.querySelectorAll('text.marker-label')].map((t) => t.textContent),
      })),
    );
    assert.equal(charts.length, 10);
    for (const c of charts) {
      assert.equal(c.drawn, 2, `${c.metric}: a line per variant`);
      assert.ok(c.bands >= 1, `${c.metric}: sync's silence shaded`);
      assert.deepEqual(c.markers, ['ms 20 → 50'], `${c.metric}: the marker`);
    }
    assert.deepEqual(
      await copy.$$eval('#charts figure:first-child text.band-label', (ts) =>
        ts.map((t) => t.textContent),
      ),
      ["no word from sync's loop for 1200 ms"],
    );
    assert.deepEqual(
      await copy.$$eval('#stalls > li > button', (bs) => bs.map((b) => b.textContent)),
      [
        'sync 780 ms at 5.5 s: spin (busy-wait.ts:17) ← handle',
        'sync 260 ms at 3.5 s: spin (busy-wait.ts:17) ← handle',
        'sync 180 ms at 1.5 s: spin (busy-wait.ts:17) ← handle',
      ],
    );
    // A stall still opens to its stack: the copy is a page to read, not a picture.
    await copy.locator('#stalls > li > button').first().click();
    assert.deepEqual(await copy.locator('#stack-0 li').allTextContents(), [
      'spin (scenarios/catalog/busy-wait.ts:17)',
      'handle (scenarios/catalog/busy-wait.ts:37)',
      'emit (node internals)',
    ]);
    assert.equal(await copy.locator('#status').textContent(), 'paused');
    assert.match(
      (await copy.locator('#saved-note').textContent()) ?? '',
      /^A saved copy, made \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: the session as its page showed it then\./,
    );
    assert.equal(await copy.locator('#start, #pause, #stop, #save, #knobs').count(), 0);
    assert.deepEqual(problems, [], 'no CSP violation or error');
    assert.deepEqual(requests, [pathToFileURL(file).href], 'nothing asked of the network');
    await offline.close();
  });
});
