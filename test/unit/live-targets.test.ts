/**
 * What a live session watches (bench/live/targets.ts) and `looplab live`'s flags for your own
 * server (scripts/options/live.ts): one unit per scenario variant, or one server for every path
 * of `--cmd`; each path's own request; no parameter to change on your server; and each flag that
 * does not go with the others refused before anything starts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APP_UNIT, appTarget, scenarioTarget } from '../../bench/live/targets.ts';
import { getScenario } from '../../scenarios/registry.ts';
import { type LiveFlags, liveOptions } from '../../scripts/options/live.ts';

const flags = (over: Partial<LiveFlags>): LiveFlags => ({
  param: [],
  path: [],
  method: 'GET',
  header: [],
  load: true,
  frameInterval: 250,
  maxTime: 600,
  stallThreshold: 50,
  ndjson: true,
  open: false,
  port: 0,
  ...over,
});

describe('live targets', () => {
  it('gives each variant of a scenario a server of its own, its loop its own', () => {
    const t = scenarioTarget(getScenario('busy-wait'));
    assert.deepEqual(t.units, [
      { name: 'sync', variants: ['sync'] },
      { name: 'async', variants: ['async'] },
    ]);
    assert.equal(t.sharedLoop, false);
    assert.equal(t.scenario, 'busy-wait');
    assert.deepEqual(t.applyParams({ ms: 20 }, { ms: 50 }), { ms: 50 });
  });

  it('serves every path of --cmd from one server, each path its own request, with no parameter', () => {
    const t = appTarget({
      command: 'node server.js',
      paths: [
        {
          label: '/orders',
          request: { method: 'GET', path: '/orders', headers: {}, body: null },
        },
        {
          label: 'POST /search',
          request: { method: 'POST', path: '/search', headers: { a: 'b' }, body: Buffer.from('q') },
        },
      ],
      readyTimeoutMs: 30_000,
    });
    assert.deepEqual(t.units, [{ name: APP_UNIT, variants: ['/orders', 'POST /search'] }]);
    assert.equal(t.sharedLoop, true);
    assert.equal(t.scenario, null);
    assert.deepEqual(t.paramSpecs, {});
    assert.equal(t.label(APP_UNIT), '--cmd "node server.js"');
    assert.deepEqual(t.requests('/orders', {}), [
      { method: 'GET', path: '/orders', headers: {}, body: Buffer.alloc(0) },
    ]);
    assert.deepEqual(t.requests('POST /search', {}), [
      { method: 'POST', path: '/search', headers: { a: 'b' }, body: Buffer.from('q') },
    ]);
    assert.deepEqual(t.applyParams({}, {}), {});
    assert.throws(() => t.applyParams({}, { ms: 50 }), { code: 'LOOPLAB_ERR_BAD_PARAM' });
  });
});

describe("looplab live's flags for your own server", () => {
  it('takes --cmd with its paths, as bench reads them, and --no-load', async () => {
    const o = await liveOptions(
      flags({ cmd: 'node server.js', path: ['/a', 'POST /b'], appPort: 3000, load: false }),
    );
    assert.equal(o.scenario, null);
    assert.equal(o.load, false);
    assert.deepEqual(
      o.app?.paths.map((p) => [p.label, p.request.method, p.request.path]),
      [
        ['/a', 'GET', '/a'],
        ['POST /b', 'POST', '/b'],
      ],
    );
    assert.equal(o.app?.port, 3000);
    assert.equal(o.app?.readyTimeoutMs, 30_000);
    // Without --path, the app's root.
    const root = await liveOptions(flags({ cmd: 'node server.js' }));
    assert.deepEqual(
      root.app?.paths.map((p) => p.label),
      ['/'],
    );
    assert.equal(root.connections, 10);
  });

  it('refuses a scenario, --param or --replay with --cmd, the app flags or --no-load without it, and what a replay would ignore', async () => {
    const refused: [Partial<LiveFlags>, RegExp][] = [
      [{ cmd: 'node s.js', scenario: 'busy-wait' }, /leave out busy-wait/],
      [{ cmd: 'node s.js', param: ['ms=5'] }, /--param apply to scenarios/],
      [{ cmd: 'node s.js', replay: 'r.ndjson' }, /leave out --cmd/],
      [{ cmd: 'node s.js', load: false, connections: 5 }, /--no-load sends none/],
      [{ load: false }, /^--no-load goes with --cmd/],
      [{ path: ['/a'], appPort: 3000 }, /^--path and --app-port go with --cmd/],
      [{ startTimeout: 5 }, /^--start-timeout goes with --cmd/],
      // A replay plays what was measured: a scenario, --param or --connections would be ignored.
      [{ replay: 'r.ndjson', scenario: 'cpu-bound' }, /^--replay plays a recording as it was/],
      [{ replay: 'r.ndjson', param: ['ms=5'] }, /leave out the scenario and --param$/],
      [{ replay: 'r.ndjson', connections: 5 }, /leave out --connections$/],
    ];
    for (const [over, message] of refused)
      await assert.rejects(liveOptions(flags(over)), { code: 'LOOPLAB_ERR_BAD_OPTION', message });
  });
});

describe("looplab live's --rate", () => {
  it('takes a rate of requests/s per variant, with --connections as its cap; none is the closed loop', async () => {
    const o = await liveOptions(flags({ rate: 40 }));
    assert.equal(o.rate, 40);
    assert.equal(o.connections, 10);
    assert.equal((await liveOptions(flags({ rate: 2.5, connections: 50 }))).connections, 50);
    assert.equal((await liveOptions(flags({}))).rate, null);
    assert.equal((await liveOptions(flags({ rate: 40, alternate: '' }))).turnMs, 3000);
  });

  it('refuses a rate out of range, with --no-load, or with --replay', async () => {
    const refused: [Partial<LiveFlags>, RegExp][] = [
      [{ rate: 0 }, /^--rate must be a number of requests\/s per variant above 0/],
      [{ rate: -5 }, /above 0/],
      [{ rate: 10_001 }, /at most 10000/],
      [{ rate: Number.NaN }, /above 0/],
      [{ cmd: 'node s.js', load: false, rate: 40 }, /^--rate is the load looplab sends/],
      [{ replay: 'r.ndjson', rate: 40 }, /a replay plays one back/],
    ];
    for (const [over, message] of refused)
      await assert.rejects(liveOptions(flags(over)), { code: 'LOOPLAB_ERR_BAD_OPTION', message });
  });
});

describe("looplab live's --alternate", () => {
  it('takes a bare flag as the default turn, a number as seconds, and none as all at once', async () => {
    assert.equal((await liveOptions(flags({}))).turnMs, null);
    assert.equal((await liveOptions(flags({ alternate: '' }))).turnMs, 3000);
    assert.equal((await liveOptions(flags({ alternate: '5' }))).turnMs, 5000);
    assert.equal(
      (await liveOptions(flags({ cmd: 'node s.js', path: ['/a', '/b'], alternate: '2' }))).turnMs,
      2000,
    );
  });

  it('refuses a turn out of 1..60 s, and --alternate with --no-load or --replay', async () => {
    const refused: [Partial<LiveFlags>, RegExp][] = [
      [{ alternate: '0' }, /from 1 to 60, got 0/],
      [{ alternate: '61' }, /from 1 to 60, got 61/],
      [{ alternate: 'soon' }, /from 1 to 60, got soon$/],
      [{ cmd: 'node s.js', load: false, alternate: '' }, /--no-load sends none/],
      [{ replay: 'r.ndjson', alternate: '' }, /a replay plays one back/],
    ];
    for (const [over, message] of refused)
      await assert.rejects(liveOptions(flags(over)), { code: 'LOOPLAB_ERR_BAD_OPTION', message });
  });
});
