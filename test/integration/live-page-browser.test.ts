/**
 * The page server as a real browser meets it: headless Chromium opens the printed address, its
 * module loads under the CSP, its EventSource gets the session and the events, and its control
 * reaches the source. Then the two ways in that must fail: another site's page (a JSON fetch, a
 * no-cors fetch, a form), and DNS rebinding (Chromium told that `evil.example` is 127.0.0.1, as a
 * rebinding DNS server would say). The source must see no control from either.
 *
 * The page here is a stand-in module served from a temporary /m/ root: this file tests the server
 * and its contract with a browser, not the chart branch's page.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { type PageServer, startPageServer } from '../../bench/live/page-server.ts';
import { findChromium } from './chromium.ts';
import { FakeSource } from './fake-live-source.ts';

const found = await findChromium();
const root = realpathSync(mkdtempSync(join(tmpdir(), 'looplab-live-browser-')));
mkdirSync(join(root, 'bench/live/page'), { recursive: true });
// The stand-in page: reads the token from its own address, as the real page does.
writeFileSync(
  join(root, 'bench/live/page/main.js'),
  `const token = new URLSearchParams(location.search).get('token');
window.heard = [];
const stream = new EventSource('/events?token=' + encodeURIComponent(token));
for (const type of ['session', 'marker', 'state']) {
  stream.addEventListener(type, (e) => window.heard.push({ id: e.lastEventId, type, data: JSON.parse(e.data) }));
}
window.control = async (body) => {
  const res = await fetch('/control', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Looplab-Token': token },
    body: JSON.stringify(body),
  });
  return res.status;
};
`,
);

let browser: Browser;
let server: PageServer;
let attacker: Server;
let attackerPort = 0;
const source = new FakeSource();

before(async () => {
  browser = await chromium.launch({
    executablePath: found.executablePath,
    // The npm Chromium's flags turn the same-origin policy off (they are for scraping): this test
    // is about that policy, so it runs with it on.
    args: [
      ...found.args.filter((a) => a !== '--disable-web-security'),
      '--host-resolver-rules=MAP evil.example 127.0.0.1',
    ],
  });
  server = await startPageServer(source, { port: 0, moduleRoot: root });
  // Another site, on another port: an origin the page server must not take controls from.
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>elsewhere</title><p>another site</p>');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  const address = attacker.address();
  attackerPort = typeof address === 'object' && address !== null ? address.port : 0;
});

after(async () => {
  await browser?.close();
  await server?.close();
  await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
  rmSync(root, { recursive: true, force: true });
});

describe(`the live page server in a browser (${found.source}: ${found.executablePath})`, () => {
  it('loads the page under its CSP, streams the session then the events, and takes a control', async () => {
    source.emit({ type: 'marker', elapsedMs: 10, text: 'before the page' });
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    const answer = await page.goto(server.url);
    assert.equal(answer?.status(), 200);
    await page.waitForFunction(
      () => (globalThis as unknown as { heard: unknown[] }).heard?.length >= 2,
    );
    source.emit({ type: 'marker', elapsedMs: 20, text: 'ms 20 → 50' });
    await page.waitForFunction(
      () => (globalThis as unknown as { heard: unknown[] }).heard.length >= 3,
    );
    const heard = await page.evaluate(
      () => (globalThis as unknown as { heard: { id: string; type: string }[] }).heard,
    );
    assert.deepEqual(
      heard.map((h) => [h.id, h.type]),
      [
        ['', 'session'],
        ['1', 'marker'],
        ['2', 'marker'],
      ],
    );
    assert.equal(server.pages(), 1);
    const status = await page.evaluate(() =>
      (globalThis as unknown as { control: (b: unknown) => Promise<number> }).control({
        action: 'params',
        params: { ms: 50 },
      }),
    );
    assert.equal(status, 204);
    assert.deepEqual(source.controls, [{ action: 'params', params: { ms: 50 } }]);
    assert.deepEqual(problems, [], 'no CSP violation or error');
    const origin = `http://127.0.0.1:${server.port}/`;
    assert.deepEqual(
      requests.filter((r) => !r.startsWith(origin)),
      [],
      'nothing asked of the network',
    );
    await page.close();
    source.controls.length = 0;
  });

  it("takes no control from another site's page: not a JSON fetch, a no-cors fetch or a form", async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${attackerPort}/`);
    const target = `http://127.0.0.1:${server.port}/control`;
    // Even knowing the token, a JSON control needs a preflight that the page server never grants.
    const json = await page.evaluate(
      async ([url, token]) => {
        try {
          const res = await fetch(url as string, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-Looplab-Token': token as string },
            body: '{"action":"start"}',
          });
          return `answered ${res.status}`;
        } catch (err) {
          return `failed: ${(err as Error).name}`;
        }
      },
      [target, server.token],
    );
    assert.equal(json, 'failed: TypeError');
    // A simple request goes out without a preflight, and the server refuses it.
    await page.evaluate(async (url) => {
      await fetch(url, { method: 'POST', mode: 'no-cors', body: '{"action":"start"}' });
    }, target);
    const form = await Promise.all([
      page.waitForNavigation(),
      // A string, run in the page: this file is compiled without the DOM's types.
      page.evaluate(`(() => {
        const f = document.createElement('form');
        f.method = 'POST';
        f.action = ${JSON.stringify(target)};
        f.enctype = 'text/plain';
        const input = document.createElement('input');
        input.name = '{"action":"start","x":"';
        input.value = '"}';
        f.append(input);
        document.body.append(f);
        f.submit();
      })()`),
    ]);
    assert.equal(form[0]?.status(), 403);
    assert.deepEqual(source.controls, [], 'the source saw no control');
    await page.close();
  });

  it('refuses a DNS-rebinding page: evil.example resolving to 127.0.0.1', async () => {
    const page = await browser.newPage();
    const answer = await page.goto(`http://evil.example:${server.port}/?token=${server.token}`);
    assert.equal(answer?.status(), 403);
    assert.equal(JSON.parse((await answer?.text()) ?? '{}').code, 'LOOPLAB_ERR_FORBIDDEN');
    // Same-origin as far as the browser knows, with the token: still refused, by its Host.
    const status = await page.evaluate(async (token) => {
      const res = await fetch('/control', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Looplab-Token': token },
        body: '{"action":"start"}',
      });
      return res.status;
    }, server.token);
    assert.equal(status, 403);
    const stream = await page.evaluate(async (token) => {
      const res = await fetch(`/events?token=${token}`);
      return res.status;
    }, server.token);
    assert.equal(stream, 403);
    assert.deepEqual(source.controls, [], 'the source saw no control');
    await page.close();
  });
});
