/**
 * `looplab live`'s page server, on loopback with a fake source: only the printed page may drive
 * it (token, Host, Origin, content type), the event stream starts with the session and resumes
 * with Last-Event-ID, a page that cannot keep up is dropped, and close() frees everything.
 *
 * Behaviour only, nothing measured: the checking lane (test/lanes.ts).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { LiveEvent, LiveSource, MarkerEvent } from '../../bench/live/events.ts';
import { type PageServer, startPageServer } from '../../bench/live/page-server.ts';
import { openReplay } from '../../bench/live/replay.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { packageRoot } from '../../core/package-info.ts';
import { FakeSource } from './fake-live-source.ts';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
  "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const marker = (n: number, text = `m${n}`): MarkerEvent => ({ type: 'marker', elapsedMs: n, text });

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with exactly the headers given (Host included: fetch would not let us set it). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers, setHost: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
}

/** An open event stream, parsed message by message. */
interface Stream {
  status: number;
  messages: SseMessage[];
  events(): LiveEvent[];
  ended: Promise<void>;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): void;
  pause(): void;
}

function openStream(port: number, path: string, headers: Record<string, string>): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, setHost: false }, (res) => {
      const messages: SseMessage[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: SseMessage = {};
          for (const line of block.split('\n')) {
            const m = /^(id|event|data): (.*)$/.exec(line);
            if (m?.[1] !== undefined) message[m[1] as keyof SseMessage] = m[2];
          }
          if (message.event !== undefined) messages.push(message);
          end = buffer.indexOf('\n\n');
        }
        for (const w of [...waiters]) w();
      });
      const ended = new Promise<void>((done) => {
        res.on('end', done);
        res.on('close', done);
      });
      resolve({
        status: res.statusCode ?? 0,
        messages,
        events: () => messages.map((m) => JSON.parse(m.data ?? 'null') as LiveEvent),
        ended,
        waitFor(count, timeoutMs = 5000) {
          return new Promise((done, fail) => {
            const timer = setTimeout(
              () => fail(new Error(`only ${messages.length} of ${count} messages came`)),
              timeoutMs,
            );
            const check = () => {
              if (messages.length >= count) {
                clearTimeout(timer);
                waiters.delete(check);
                done();
              }
            };
            waiters.add(check);
            check();
          });
        },
        close: () => req.destroy(),
        pause: () => res.pause(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const until = async (what: string, check: () => boolean, timeoutMs = 5000) => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('the page server', () => {
  const servers: PageServer[] = [];
  const start = async (
    source: LiveSource,
    extra: Partial<Parameters<typeof startPageServer>[1]> = {},
  ) => {
    const server = await startPageServer(source, { port: 0, ...extra });
    servers.push(server);
    return server;
  };
  after(async () => {
    for (const s of servers) await s.close();
  });

  it('prints a loopback address with a 32-byte token, and serves the page with strict headers', async () => {
    const server = await start(new FakeSource());
    const host = `127.0.0.1:${server.port}`;
    assert.match(server.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(server.url, `http://${host}/?token=${server.token}`);
    const page = await send(server.port, 'GET', '/', { host });
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(page.body, /<script type="module" src="\/m\/bench\/live\/page\/main.js">/);
    const css = await send(server.port, 'GET', '/style.css', { host });
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    for (const answer of [page, css, await send(server.port, 'GET', '/nothing', { host })]) {
      assert.equal(answer.headers['content-security-policy'], CSP);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff');
      assert.equal(answer.headers['referrer-policy'], 'no-referrer');
      assert.equal(answer.headers['cache-control'], 'no-store');
    }
    const other = await start(new FakeSource());
    assert.notEqual(other.token, server.token);
  });

  it('refuses any Host but the printed one on every route, and no control reaches the source', async () => {
    const source = new FakeSource();
    const server = await start(source);
    const { port, token } = server;
    for (const host of [
      `evil.example:${port}`,
      `localhost:${port}`,
      '127.0.0.1',
      `[::1]:${port}`,
    ]) {
      for (const [method, path, headers, body] of [
        ['GET', '/', {}, undefined],
        ['GET', `/events?token=${token}`, {}, undefined],
        ['GET', `/save?token=${token}`, {}, undefined],
        [
          'POST',
          '/control',
          { 'content-type': 'application/json', 'x-looplab-token': token },
          '{"action":"start"}',
        ],
      ] as const) {
        const answer = await send(port, method, path, { host, ...headers }, body);
        assert.equal(answer.status, 403, `${host} ${path}`);
        assert.equal(JSON.parse(answer.body).code, 'LOOPLAB_ERR_FORBIDDEN');
      }
    }
    assert.equal(server.pages(), 0);
    assert.deepEqual(source.controls, []);
  });

  it('takes a control only with the token, from its own origin, as JSON', async () => {
    const source = new FakeSource();
    const server = await start(source);
    const { port, token } = server;
    const host = `127.0.0.1:${port}`;
    const json = { host, 'content-type': 'application/json' };
    const body = '{"action":"params","params":{"ms":50}}';
    const refused: [Record<string, string>, number, string][] = [
      [json, 403, 'LOOPLAB_ERR_FORBIDDEN'],
      [{ ...json, 'x-looplab-token': `${token}x` }, 403, 'LOOPLAB_ERR_FORBIDDEN'],
      [
        { ...json, 'x-looplab-token': token, origin: 'http://evil.example' },
        403,
        'LOOPLAB_ERR_FORBIDDEN',
      ],
      [{ ...json, 'x-looplab-token': token, origin: 'null' }, 403, 'LOOPLAB_ERR_FORBIDDEN'],
      [{ host, 'x-looplab-token': token, 'content-type': 'text/plain' }, 400, 'LOOPLAB_ERR_USAGE'],
      [
        { host, 'x-looplab-token': token, 'content-type': 'application/x-www-form-urlencoded' },
        400,
        'LOOPLAB_ERR_USAGE',
      ],
    ];
    for (const [headers, status, code] of refused) {
      const answer = await send(port, 'POST', '/control', headers, body);
      assert.equal(answer.status, status, JSON.stringify(headers));
      assert.equal(answer.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(JSON.parse(answer.body).code, code);
    }
    // The token in the query is not enough for a control: a cross-site form could send that.
    const inQuery = await send(port, 'POST', `/control?token=${token}`, json, body);
    assert.equal(inQuery.status, 403);
    const bad = await send(
      port,
      'POST',
      '/control',
      { ...json, 'x-looplab-token': token },
      '{"action":"go"}',
    );
    assert.equal(bad.status, 400);
    assert.equal((await send(port, 'GET', '/control', { host })).status, 405);
    assert.deepEqual(source.controls, [], 'no refused control reached the source');

    const good = { ...json, 'x-looplab-token': token, origin: `http://${host}` };
    const ok = await send(port, 'POST', '/control', good, body);
    assert.equal(ok.status, 204);
    assert.equal(ok.body, '');
    const noOrigin = await send(
      port,
      'POST',
      '/control',
      { ...json, 'x-looplab-token': token },
      '{"action":"pause"}',
    );
    assert.equal(noOrigin.status, 204);
    assert.deepEqual(source.controls, [
      { action: 'params', params: { ms: 50 } },
      { action: 'pause' },
    ]);

    source.refuseNext = new LooplabError(ERROR_CODES.BAD_PARAM, 'ms must be at most 10000');
    const outOfRange = await send(
      port,
      'POST',
      '/control',
      good,
      '{"action":"params","params":{"ms":1e9}}',
    );
    assert.equal(outOfRange.status, 400);
    assert.deepEqual(JSON.parse(outOfRange.body), {
      code: 'LOOPLAB_ERR_BAD_PARAM',
      message: 'ms must be at most 10000',
    });
    source.refuseNext = new LooplabError(ERROR_CODES.USAGE, 'a replay: only stop works');
    const conflict = await send(port, 'POST', '/control', good, '{"action":"start"}');
    assert.equal(conflict.status, 409);
    assert.equal(JSON.parse(conflict.body).code, 'LOOPLAB_ERR_USAGE');
    assert.equal(source.controls.length, 2);
  });

  it('streams the session first, then the history, then live events; resumes after Last-Event-ID', async () => {
    const source = new FakeSource();
    const server = await start(source);
    const { port, token } = server;
    const host = `127.0.0.1:${port}`;
    assert.equal((await openStream(port, '/events', { host })).status, 403);
    assert.equal((await openStream(port, '/events?token=nope', { host })).status, 403);
    assert.equal(server.pages(), 0);

    source.emit(marker(1));
    source.emit(marker(2));
    const first = await openStream(port, `/events?token=${token}`, { host });
    assert.equal(first.status, 200);
    await first.waitFor(3);
    assert.equal(server.pages(), 1);
    source.emit(marker(3));
    await first.waitFor(4);
    assert.deepEqual(
      first.messages.map((m) => [m.id, m.event]),
      [
        [undefined, 'session'],
        ['1', 'marker'],
        ['2', 'marker'],
        ['3', 'marker'],
      ],
    );
    assert.deepEqual(first.events()[0], source.session);
    assert.deepEqual(first.events()[3], marker(3));

    // The page drops; two events go by; it comes back with the last id it saw.
    first.close();
    await until('the dropped page to be gone', () => server.pages() === 0);
    source.emit(marker(4));
    source.emit(marker(5));
    const back = await openStream(port, `/events?token=${token}`, { host, 'last-event-id': '3' });
    await back.waitFor(3);
    assert.deepEqual(
      back.messages.map((m) => [m.id, m.event]),
      [
        [undefined, 'session'],
        ['4', 'marker'],
        ['5', 'marker'],
      ],
    );
    // A reload (a fresh page, no id) gets the whole history.
    const reload = await openStream(port, `/events?token=${token}`, { host });
    await reload.waitFor(6);
    assert.deepEqual(
      reload.messages.slice(1).map((m) => m.id),
      ['1', '2', '3', '4', '5'],
    );
    assert.equal(server.pages(), 2);
    back.close();
    reload.close();
  });

  it('says when history fell out of the ring, and sends what remains', async () => {
    const source = new FakeSource();
    const server = await start(source, { ringEvents: 3 });
    const host = `127.0.0.1:${server.port}`;
    for (let i = 1; i <= 7; i++) source.emit(marker(i));
    const page = await openStream(server.port, `/events?token=${server.token}`, {
      host,
      'last-event-id': '2',
    });
    await page.waitFor(5);
    const events = page.events();
    assert.deepEqual(
      events.map((e) => e.type),
      ['session', 'warning', 'marker', 'marker', 'marker'],
    );
    assert.equal(events[1]?.type === 'warning' && events[1].code, 'history-lost');
    assert.match(
      events[1]?.type === 'warning' ? events[1].text : '',
      /^2 earlier events .* keeps the last 3/,
    );
    assert.deepEqual(
      page.messages.slice(2).map((m) => m.id),
      ['5', '6', '7'],
    );
    page.close();
  });

  it('drops a page that cannot keep up instead of growing its memory', async () => {
    const source = new FakeSource();
    const server = await start(source, { maxBufferedBytes: 64 * 1024 });
    const host = `127.0.0.1:${server.port}`;
    const stalled = await openStream(server.port, `/events?token=${server.token}`, { host });
    await stalled.waitFor(1);
    stalled.pause();
    assert.equal(server.pages(), 1);
    const big = 'x'.repeat(100 * 1024);
    // Enough to fill the kernel's socket buffers on both sides, then this process's.
    for (let i = 0; i < 400 && server.pages() > 0; i++) {
      source.emit(marker(i, big));
      await new Promise((r) => setImmediate(r));
    }
    await until('the stalled page to be dropped', () => server.pages() === 0);
    stalled.close();
  });

  it('does not drop a fresh page for the size of the history it starts with', async () => {
    const source = new FakeSource();
    const server = await start(source, { maxBufferedBytes: 64 * 1024, ringEvents: 100 });
    const host = `127.0.0.1:${server.port}`;
    const big = 'x'.repeat(100 * 1024);
    for (let i = 1; i <= 100; i++) source.emit(marker(i, big));
    const page = await openStream(server.port, `/events?token=${server.token}`, { host });
    // 10 MB of history is more than the kernel's socket buffers take at once: most of it waits
    // in this process when the next event comes.
    source.emit(marker(101));
    await page.waitFor(102, 20_000);
    assert.equal(server.pages(), 1);
    assert.equal(page.messages.at(-1)?.id, '101');
    page.close();
  });

  it('calls onNoPage once, when no page has been connected for its time', async () => {
    const source = new FakeSource();
    const server = await start(source);
    const host = `127.0.0.1:${server.port}`;
    const calls: number[] = [];
    const page = await openStream(server.port, `/events?token=${server.token}`, { host });
    await page.waitFor(1);
    const t0 = Date.now();
    server.onNoPage(300, () => calls.push(Date.now() - t0));
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(calls, [], 'not while a page is connected');
    page.close();
    await until('onNoPage', () => calls.length === 1, 3000);
    assert.ok((calls[0] ?? 0) >= 600 + 300 - 50, `fired after ${calls[0]} ms`);
    const again = await openStream(server.port, `/events?token=${server.token}`, { host });
    await again.waitFor(1);
    again.close();
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(calls.length, 1, 'once');
  });

  it('serves modules only from the allowed folders', async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'looplab-page-')));
    after(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, 'bench/live/page'), { recursive: true });
    writeFileSync(join(root, 'bench/live/page/main.js'), 'export const x = 1;\n');
    writeFileSync(join(root, 'bench/live/secret.js'), 'harness\n');
    const server = await start(new FakeSource(), { moduleRoot: root });
    const host = `127.0.0.1:${server.port}`;
    const main = await send(server.port, 'GET', '/m/bench/live/page/main.js', { host });
    assert.equal(main.status, 200);
    assert.equal(main.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(main.body, 'export const x = 1;\n');
    for (const path of [
      '/m/bench/live/secret.js',
      '/m/bench/live/page/../secret.js',
      '/m/bench/live/page/%2e%2e/secret.js',
      '/m/bench/live/page/%2E%2E%2Fsecret.js',
      '/m/bench/live/page/missing.js',
    ]) {
      const answer = await send(server.port, 'GET', path, { host });
      assert.equal(answer.status, 404, path);
      assert.equal(JSON.parse(answer.body).code, 'LOOPLAB_ERR_NO_SUCH_FILE');
    }
  });

  it('plays a recording to a page, and takes only stop from it', async () => {
    const recording = join(packageRoot(), 'test/fixtures/live/replay-busy-wait.ndjson');
    const replay = await openReplay(recording, { speed: 20 });
    const server = await start(replay);
    const host = `127.0.0.1:${server.port}`;
    const page = await openStream(server.port, `/events?token=${server.token}`, { host });
    const json = { host, 'content-type': 'application/json', 'x-looplab-token': server.token };
    const refused = await send(
      server.port,
      'POST',
      '/control',
      json,
      '{"action":"params","params":{"ms":50}}',
    );
    assert.equal(refused.status, 409);
    assert.equal(JSON.parse(refused.body).code, 'LOOPLAB_ERR_USAGE');
    // 43 recorded events after the session, the last its own stop; 5.2 s recorded, at 20×.
    await page.waitFor(1 + 43, 10_000);
    const events = page.events();
    assert.equal(events[0]?.type, 'session');
    const stalls = events.filter((e) => e.type === 'stall');
    assert.equal(stalls.length, 12);
    assert.ok(stalls.every((e) => e.type === 'stall' && e.frames[0]?.function === 'spin'));
    // The recording's own stop, once: the replay adds no second one.
    assert.deepEqual(events.at(-1), {
      type: 'state',
      elapsedMs: 5236,
      state: 'stopped',
      reason: 'stopped from the page',
    });
    assert.equal(events.filter((e) => e.type === 'state' && e.state === 'stopped').length, 1);
    const stop = await send(server.port, 'POST', '/control', json, '{"action":"stop"}');
    assert.equal(stop.status, 204);
    page.close();
    await replay.close();
  });

  it('ends open streams on close() and frees its port', async () => {
    const source = new FakeSource();
    const server = await startPageServer(source, { port: 0 });
    const host = `127.0.0.1:${server.port}`;
    const page = await openStream(server.port, `/events?token=${server.token}`, { host });
    await page.waitFor(1);
    await server.close();
    await page.ended;
    assert.equal(server.pages(), 0);
    assert.equal(source.listeners.size, 0, 'unsubscribed');
    await server.close();
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(server.port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  it('binds 127.0.0.1 only, and names a taken port', async () => {
    await assert.rejects(startPageServer(new FakeSource(), { port: 0, host: '0.0.0.0' }), {
      code: 'LOOPLAB_ERR_BAD_OPTION',
      message: /binds 127\.0\.0\.1 only/,
    });
    await assert.rejects(startPageServer(new FakeSource(), { port: 0, host: 'localhost' }), {
      code: 'LOOPLAB_ERR_BAD_OPTION',
    });
    await assert.rejects(startPageServer(new FakeSource(), { port: 70_000 }), {
      code: 'LOOPLAB_ERR_BAD_OPTION',
    });
    const taken = await start(new FakeSource());
    const source = new FakeSource();
    await assert.rejects(startPageServer(source, { port: taken.port }), {
      code: 'LOOPLAB_ERR_PORT_IN_USE',
    });
    assert.equal(source.listeners.size, 0, 'a server that did not start keeps no subscription');
  });
});
