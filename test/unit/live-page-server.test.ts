/**
 * The page server's pure parts: the ring that keeps the history, the SSE text, who may talk to
 * it, and which files it serves. The server itself: test/integration/live-page-server.test.ts.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, sep } from 'node:path';
import { after, describe, it } from 'node:test';
import type { FrameEvent } from '../../bench/live/events.ts';
import { MODULE_FOLDERS, moduleFile, modulePath } from '../../bench/live/page-modules.ts';
import {
  checkHostHeader,
  checkJsonType,
  checkOrigin,
  checkToken,
  parseControl,
  sameToken,
} from '../../bench/live/request-checks.ts';
import { Ring } from '../../bench/live/ring.ts';
import { parseLastEventId, sseMessage } from '../../bench/live/sse.ts';
import { packageRoot } from '../../core/package-info.ts';

describe('the ring of events', () => {
  it('numbers events from 1 and gives all of them, or those after an id', () => {
    const ring = new Ring<string>(5);
    assert.deepEqual(ring.since(0), { entries: [], lost: 0 });
    assert.equal(ring.push('a'), 1);
    assert.equal(ring.push('b'), 2);
    assert.equal(ring.push('c'), 3);
    assert.deepEqual(ring.since(0), {
      entries: [
        { id: 1, value: 'a' },
        { id: 2, value: 'b' },
        { id: 3, value: 'c' },
      ],
      lost: 0,
    });
    assert.deepEqual(ring.since(2), { entries: [{ id: 3, value: 'c' }], lost: 0 });
    assert.deepEqual(ring.since(3), { entries: [], lost: 0 });
    assert.equal(ring.size, 3);
  });

  it('keeps the last `capacity` events, and counts what fell out after the asked id', () => {
    const ring = new Ring<number>(3);
    for (let i = 1; i <= 7; i++) ring.push(i * 10);
    assert.equal(ring.firstId, 5);
    assert.equal(ring.lastId, 7);
    assert.equal(ring.size, 3);
    const all = ring.since(0);
    assert.deepEqual(
      all.entries.map((e) => e.id),
      [5, 6, 7],
    );
    assert.equal(all.lost, 4);
    assert.deepEqual(ring.since(2), {
      entries: [
        { id: 5, value: 50 },
        { id: 6, value: 60 },
        { id: 7, value: 70 },
      ],
      lost: 2,
    });
    assert.equal(ring.since(4).lost, 0);
    assert.deepEqual(
      ring.since(4).entries.map((e) => e.id),
      [5, 6, 7],
    );
    assert.deepEqual(
      ring.since(6).entries.map((e) => e.value),
      [70],
    );
  });

  it('reads an id from ahead of the ring (an earlier looplab on the port) as a fresh page', () => {
    const ring = new Ring<string>(4);
    ring.push('a');
    ring.push('b');
    assert.deepEqual(
      ring.since(900).entries.map((e) => e.id),
      [1, 2],
    );
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new Ring(0), RangeError);
    assert.throws(() => new Ring(2.5), RangeError);
  });
});

describe('server-sent events', () => {
  const frame: FrameEvent = {
    type: 'frame',
    variant: 'sync',
    elapsedMs: 250,
    frameMs: 251,
    requestsPerSec: 48,
    latencyP50Ms: null,
    latencyP99Ms: null,
    errors: 0,
    timeouts: 0,
    lagP50Ms: 96,
    lagP99Ms: 195,
    lagMaxMs: 203,
    elu: 0.99,
    pingP50Ms: null,
    pingP99Ms: null,
    pingTimeouts: null,
    cpuCores: 1,
    rssBytes: 61_300_000,
  };

  it('writes id, event and one data line', () => {
    assert.equal(
      sseMessage({ type: 'state', elapsedMs: 5, state: 'running' }, 12),
      'id: 12\nevent: state\ndata: {"type":"state","elapsedMs":5,"state":"running"}\n\n',
    );
    assert.equal(
      sseMessage({ type: 'marker', elapsedMs: 9, text: 'ms 20 →\n50' }),
      'event: marker\ndata: {"type":"marker","elapsedMs":9,"text":"ms 20 →\\n50"}\n\n',
    );
    const text = sseMessage(frame, 3);
    assert.equal(text.split('\n').length, 5);
    assert.deepEqual(JSON.parse(text.split('\n')[2]?.slice('data: '.length) ?? ''), frame);
  });

  it('reads Last-Event-ID as a whole number, anything else as 0', () => {
    assert.equal(parseLastEventId('41'), 41);
    assert.equal(parseLastEventId(' 7 '), 7);
    assert.equal(parseLastEventId(['3', '9']), 3);
    for (const bad of [undefined, '', '-1', '1.5', '1e3', 'abc', '9'.repeat(16)])
      assert.equal(parseLastEventId(bad), 0, String(bad));
  });
});

describe('who may talk to the page server', () => {
  const token = 'k3Y-example_token-0123456789abcdefghijklmnopq';

  it('compares tokens exactly', () => {
    assert.equal(sameToken(token, token), true);
    assert.equal(sameToken(`${token}x`, token), false);
    assert.equal(sameToken(token.slice(0, -1), token), false);
    assert.equal(sameToken('', token), false);
  });

  it('wants the token, and says whether it was missing or wrong', () => {
    assert.equal(checkToken(token, token), null);
    assert.deepEqual(checkToken(null, token), {
      status: 403,
      code: 'LOOPLAB_ERR_FORBIDDEN',
      message: 'no token: open the address looplab printed, with its ?token=',
    });
    assert.equal(checkToken(undefined, token)?.status, 403);
    assert.match(checkToken('guess', token)?.message ?? '', /^wrong token/);
  });

  it('wants the Host header to name 127.0.0.1:PORT exactly (DNS rebinding)', () => {
    assert.equal(checkHostHeader('127.0.0.1:8123', '127.0.0.1:8123'), null);
    for (const host of [
      'evil.example:8123',
      'localhost:8123',
      '127.0.0.1',
      '127.0.0.1:8124',
      '127.0.0.2:8123',
      '[::1]:8123',
      undefined,
    ]) {
      const refusal = checkHostHeader(host, '127.0.0.1:8123');
      assert.equal(refusal?.status, 403, String(host));
      assert.equal(refusal?.code, 'LOOPLAB_ERR_FORBIDDEN');
    }
    assert.equal(
      checkHostHeader('evil.example:8123', '127.0.0.1:8123')?.message,
      'the Host header must be 127.0.0.1:8123, the address looplab printed (got "evil.example:8123")',
    );
  });

  it('takes a control from no Origin or its own, and none from another', () => {
    const own = 'http://127.0.0.1:8123';
    assert.equal(checkOrigin(undefined, own), null);
    assert.equal(checkOrigin(own, own), null);
    for (const origin of ['null', 'http://evil.example', 'http://localhost:8123', `${own}/`])
      assert.equal(checkOrigin(origin, own)?.status, 403, origin);
  });

  it('takes a control as application/json only (no form can send that)', () => {
    assert.equal(checkJsonType('application/json'), null);
    assert.equal(checkJsonType('Application/JSON; charset=utf-8'), null);
    for (const type of [
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
    ]) {
      assert.deepEqual(checkJsonType(type)?.status, 400, String(type));
      assert.equal(checkJsonType(type)?.code, 'LOOPLAB_ERR_USAGE');
    }
  });
});

describe('a control, read strictly', () => {
  it('reads each action', () => {
    assert.deepEqual(parseControl('{"action":"start"}'), { action: 'start' });
    assert.deepEqual(parseControl('{"action":"pause"}'), { action: 'pause' });
    assert.deepEqual(parseControl('{"action":"stop"}'), { action: 'stop' });
    assert.deepEqual(parseControl('{"action":"connections","connections":50}'), {
      action: 'connections',
      connections: 50,
    });
    assert.deepEqual(parseControl('{"action":"rate","rate":80}'), { action: 'rate', rate: 80 });
    assert.deepEqual(parseControl('{"action":"params","params":{"ms":50}}'), {
      action: 'params',
      params: { ms: 50 },
    });
  });

  it('refuses anything else with LOOPLAB_ERR_USAGE and the reason', () => {
    const cases: [string, RegExp][] = [
      ['', /not JSON/],
      ['ms=50', /not JSON/],
      ['[]', /JSON object/],
      ['null', /JSON object/],
      ['{"action":"explode"}', /unknown action "explode"/],
      ['{}', /unknown action none/],
      ['{"action":"start","extra":1}', /takes no other field/],
      ['{"action":"connections","connections":"50"}', /whole number/],
      ['{"action":"connections","connections":2.5}', /whole number/],
      ['{"action":"connections"}', /whole number/],
      ['{"action":"rate","rate":"80"}', /a number of requests\/s/],
      ['{"action":"rate"}', /a number of requests\/s/],
      ['{"action":"rate","rate":80,"x":1}', /a number of requests\/s/],
      ['{"action":"params","params":{}}', /object of numbers/],
      ['{"action":"params","params":[1]}', /object of numbers/],
      ['{"action":"params","params":{"ms":"50"}}', /"ms" must be a finite number/],
      ['{"action":"params","params":{"ms":50},"x":1}', /object of numbers/],
    ];
    for (const [body, message] of cases) {
      const refusal = parseControl(body);
      assert.ok('status' in refusal, body);
      assert.equal(refusal.status, 400, body);
      assert.equal(refusal.code, 'LOOPLAB_ERR_USAGE', body);
      assert.match(refusal.message, message, body);
    }
  });
});

describe('which files /m/ serves', () => {
  // Real path: a temporary folder may sit behind a link (macOS's /var), and moduleFile answers real paths.
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'looplab-modules-')));
  after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'bench/live/page'), { recursive: true });
  mkdirSync(join(root, 'bench/render/chart'), { recursive: true });
  writeFileSync(join(root, 'bench/live/page/main.js'), 'export {};\n');
  writeFileSync(join(root, 'bench/render/chart/line-chart.js'), 'export {};\n');
  writeFileSync(join(root, 'bench/live/page-server.js'), '// the harness\n');
  // A link inside an allowed folder that leads out of it.
  symlinkSync(join(root, 'bench/live/page-server.js'), join(root, 'bench/live/page/escape.js'));

  it('takes .js paths in the two folders by their shape, nothing else', () => {
    assert.equal(modulePath('/m/bench/live/page/main.js'), 'bench/live/page/main.js');
    assert.equal(
      modulePath('/m/bench/render/chart/line-chart.js'),
      'bench/render/chart/line-chart.js',
    );
    for (const path of [
      '/m/bench/live/page-server.js',
      '/m/bench/live/page/../page-server.js',
      '/m/bench/live/page/./main.js',
      '/m/bench/live/page//main.js',
      '/m/bench/live/page/main.js.map',
      '/m/bench/live/page/main.ts',
      '/m/bench/live/page/%2e%2e/page-server.js',
      '/m/bench/live/page/a\\..\\b.js',
      '/m/core/errors.js',
      '/bench/live/page/main.js',
      '/m/',
    ])
      assert.equal(modulePath(path), null, path);
  });

  it('serves a real file inside the folders, not a link out of them or a missing file', async () => {
    assert.equal(
      await moduleFile(root, '/m/bench/live/page/main.js'),
      join(root, 'bench/live/page/main.js'),
    );
    assert.equal(
      await moduleFile(root, '/m/bench/render/chart/line-chart.js'),
      join(root, 'bench/render/chart/line-chart.js'),
    );
    assert.equal(await moduleFile(root, '/m/bench/live/page/escape.js'), null);
    assert.equal(await moduleFile(root, '/m/bench/live/page/missing.js'), null);
    assert.equal(await moduleFile(root, '/m/bench/live/page-server.js'), null);
  });
});

/**
 * What a compiled page module imports, as the browser will fetch it: every specifier must be
 * relative and land inside MODULE_FOLDERS, or /m/ answers 404 and the page does not start.
 * Read from the compiled files, since `import { type X }` still compiles to an import.
 */
function importProblems(file: string, text: string): string[] {
  const specifiers = [
    ...text.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/(?:^|[;\s])import\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? '');
  return specifiers.flatMap((spec) => {
    if (!spec.startsWith('./') && !spec.startsWith('../')) return [`${file} imports ${spec}`];
    const target = posix.join(posix.dirname(file), spec);
    return MODULE_FOLDERS.some((f) => target.startsWith(f))
      ? []
      : [`${file} imports ${spec} (${target}), outside /m/`];
  });
}

describe("the page's modules load in a browser", () => {
  it('flags a package, a node: module and a path out of the folders', () => {
    const text = [
      "import { line } from '../../render/chart/line-chart.js';",
      "import './dom.js';",
      "import {} from '../events.js';",
      "import { readFile } from 'node:fs';",
      "export { x } from '../../../core/errors.js';",
      "const m = await import('yargs');",
    ].join('\n');
    assert.deepEqual(importProblems('bench/live/page/main.js', text), [
      'bench/live/page/main.js imports ../events.js (bench/live/events.js), outside /m/',
      'bench/live/page/main.js imports node:fs',
      'bench/live/page/main.js imports ../../../core/errors.js (core/errors.js), outside /m/',
      'bench/live/page/main.js imports yargs',
    ]);
  });

  it('finds every compiled page and chart module importing only inside /m/', () => {
    const dist = join(packageRoot(), 'dist');
    const problems = MODULE_FOLDERS.flatMap((folder) => {
      const dir = join(dist, folder);
      if (!existsSync(dir)) return [];
      return readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.js'))
        .flatMap((f) => {
          const file = posix.join(folder, f.split(sep).join('/'));
          return importProblems(file, readFileSync(join(dist, file), 'utf8'));
        });
    });
    assert.deepEqual(problems, []);
  });
});
