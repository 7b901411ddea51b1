/**
 * The pure parts of `bench --cmd` and `--url`: how a command is started with the preload, the
 * checks on every flag, the order of an app's runs, and what its report says.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { compareReports } from '../../bench/compare/compare.ts';
import { summarizeSentinel } from '../../bench/report/build.ts';
import { sentinelMeans } from '../../bench/report/comparable.ts';
import { diagnose } from '../../bench/report/diagnosis.ts';
import { generatorSaturated } from '../../bench/report/run-record.ts';
import type { AppTarget } from '../../bench/report/types.ts';
import { scenarioVerdict } from '../../bench/report/verdict.ts';
import { reportWarnings } from '../../bench/report/warnings.ts';
import {
  checkCommand,
  preloadedCommand,
  programOf,
  splitWords,
} from '../../bench/run/app/command.ts';
import { planAppJobs } from '../../bench/run/app-bench.ts';
import { originOf } from '../../bench/run/process/target.ts';
import { ERROR_CODES } from '../../core/errors.ts';
import { isWorkUrl } from '../../scenarios/probe/preload.ts';
import {
  type AppFlags,
  appSpec,
  parseHeader,
  parsePathSpec,
  parseUrl,
  START_TIMEOUT_SEC,
  startTimeoutMs,
} from '../../scripts/options/app.ts';
import { completedRun, entry, failedRun, makeReport, runsFrom, throwsCoded } from './fixtures.ts';

const PRELOAD = 'file:///pkg/dist/scenarios/probe/preload.js';

describe('splitWords', () => {
  it('splits words as a shell does, quotes and escapes included', () => {
    assert.deepEqual(splitWords('node  server.js --port 3000'), [
      'node',
      'server.js',
      '--port',
      '3000',
    ]);
    assert.deepEqual(splitWords(`node 'my app.js' "a \\"b\\"" c\\ d`), [
      'node',
      'my app.js',
      'a "b"',
      'c d',
    ]);
  });

  it('gives null when the line needs a shell', () => {
    for (const line of [
      'PORT=3000 node server.js',
      'cd app && node .',
      'node server.js | tee log',
      'node $SCRIPT',
      'node "$SCRIPT"',
      "node 'unclosed",
      'node *.js',
    ])
      assert.equal(splitWords(line), null, line);
  });
});

describe("isWorkUrl: the app's work, or its --ping route", () => {
  it('counts every request as work when the preload serves the bystander itself', () => {
    assert.equal(isWorkUrl('/health', null), true);
  });
  it('leaves out the ping route, with or without a query', () => {
    assert.equal(isWorkUrl('/health', '/health'), false);
    assert.equal(isWorkUrl('/health?probe=1', '/health'), false);
  });
  it('counts a route that only starts like the ping route', () => {
    assert.equal(isWorkUrl('/healthz', '/health'), true);
    assert.equal(isWorkUrl('/health/deep', '/health'), true);
    assert.equal(isWorkUrl('/orders', '/health'), true);
    assert.equal(isWorkUrl('/', '/health'), true);
  });
});

describe('--start-timeout', () => {
  it('defaults to 30 s for an app and 15 s for a scenario', () => {
    assert.deepEqual(START_TIMEOUT_SEC, { app: 30, scenario: 15 });
    assert.equal(startTimeoutMs(undefined, 'app'), 30_000);
    assert.equal(startTimeoutMs(undefined, 'scenario'), 15_000);
  });
  it('takes seconds from 1 to 600, for either', () => {
    assert.equal(startTimeoutMs(1, 'scenario'), 1000);
    assert.equal(startTimeoutMs(600, 'app'), 600_000);
    for (const bad of [0, 0.5, 601, Number.NaN, -3]) {
      throwsCoded(
        () => startTimeoutMs(bad, 'scenario'),
        ERROR_CODES.BAD_OPTION,
        /^--start-timeout must be a number from 1 to 600, got /,
      );
    }
  });
});

describe('preloadedCommand', () => {
  it('runs a plain node command directly, the preload imported before the script', () => {
    assert.deepEqual(preloadedCommand('node server.js --x', PRELOAD, 'ignored'), {
      file: 'node',
      args: ['--import', PRELOAD, 'server.js', '--x'],
      env: {},
    });
    assert.equal(
      preloadedCommand('/opt/node22/bin/node s.js', PRELOAD, undefined).file,
      '/opt/node22/bin/node',
    );
  });

  it('runs anything else through the shell, the preload added to NODE_OPTIONS', () => {
    assert.deepEqual(preloadedCommand('npm start', PRELOAD, undefined), {
      file: '/bin/sh',
      args: ['-c', 'npm start'],
      env: { NODE_OPTIONS: `--import=${PRELOAD}` },
    });
    assert.equal(
      preloadedCommand('tsx server.ts', PRELOAD, '--max-old-space-size=512').env.NODE_OPTIONS,
      `--max-old-space-size=512 --import=${PRELOAD}`,
    );
    assert.equal(
      preloadedCommand('PORT=1 node s.js', '/a dir/preload.js', undefined).env.NODE_OPTIONS,
      '--import="/a dir/preload.js"',
    );
  });
});

describe('checkCommand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'looplab-cmd-'));
  const script = join(dir, 'start.sh');
  writeFileSync(script, '#!/bin/sh\n');
  chmodSync(script, 0o755);
  writeFileSync(join(dir, 'plain.txt'), '');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the program on PATH, past assignments, and takes shell builtins', () => {
    assert.equal(programOf('PORT=3000 DEBUG=x node server.js'), 'node');
    checkCommand('node server.js', '--cmd', dir, process.env.PATH);
    checkCommand('PORT=3000 start.sh', '--cmd', dir, dir);
    checkCommand('cd app && npm start', '--cmd', dir, '');
    checkCommand('./start.sh', '--cmd', dir, '');
  });

  it('refuses an empty command and a program that does not exist', () => {
    throwsCoded(() => checkCommand('  ', '--cmd'), ERROR_CODES.BAD_OPTION, /^--cmd is empty/);
    throwsCoded(
      () => checkCommand('no-such-program-xyz serve', '--cmd', dir, dir),
      ERROR_CODES.COMMAND_NOT_FOUND,
      "--cmd runs 'no-such-program-xyz', which is not on PATH; check the command",
    );
    throwsCoded(
      () => checkCommand('./plain.txt', '--vs-cmd', dir, ''),
      ERROR_CODES.COMMAND_NOT_FOUND,
      /which is not an executable file/,
    );
  });
});

describe('the flags of bench --cmd and --url', () => {
  it('reads a path spec: method, path with query, body file', () => {
    assert.deepEqual(parsePathSpec('/search?q=shoes'), {
      label: '/search?q=shoes',
      method: undefined,
      path: '/search?q=shoes',
      bodyFile: undefined,
    });
    assert.deepEqual(parsePathSpec(' post /orders @order.json '), {
      label: 'post /orders @order.json',
      method: 'POST',
      path: '/orders',
      bodyFile: 'order.json',
    });
    for (const bad of ['orders', 'POST orders', '/a /b', 'FETCH /x', ''])
      throwsCoded(() => parsePathSpec(bad), ERROR_CODES.BAD_OPTION, /--path/);
  });

  it('reads headers and URLs', () => {
    assert.deepEqual(parseHeader('Content-Type: application/json; x=1'), [
      'content-type',
      'application/json; x=1',
    ]);
    throwsCoded(() => parseHeader('no colon'), ERROR_CODES.BAD_OPTION, /--header takes/);
    assert.deepEqual(parseUrl('http://127.0.0.1:3000'), {
      origin: 'http://127.0.0.1:3000',
      path: '/',
    });
    assert.deepEqual(parseUrl('https://h/orders?x=1').path, '/orders?x=1');
    for (const bad of ['ftp://h/', 'localhost:3000', 'not a url'])
      throwsCoded(() => parseUrl(bad), ERROR_CODES.BAD_OPTION, /--url takes an http/);
  });

  const flags = (more: Partial<AppFlags>): AppFlags => ({
    path: [],
    name: 'app',
    vsName: 'vs',
    method: 'GET',
    header: [],
    startTimeout: 30,
    ...more,
  });
  const rejects = async (
    more: Partial<AppFlags>,
    code: string,
    message: RegExp,
    scenarios: string[] = [],
  ) => {
    await assert.rejects(appSpec(flags(more), scenarios), (err: Error & { code?: string }) => {
      assert.equal(err.code, code);
      assert.match(err.message, message);
      return true;
    });
  };

  it('refuses combinations that make no sense', async () => {
    await rejects({ cmd: 'node s.js', url: 'http://h' }, ERROR_CODES.BAD_OPTION, /not both/);
    await rejects({ vsCmd: 'node s.js' }, ERROR_CODES.BAD_OPTION, /give --cmd too/);
    await rejects({ cmd: 'node s.js' }, ERROR_CODES.BAD_OPTION, /leave out busy-wait/, [
      'busy-wait',
    ]);
    await rejects({ cmd: 'node s.js', name: 'My App' }, ERROR_CODES.BAD_OPTION, /kebab-case/);
    await rejects(
      { cmd: 'node s.js', vsCmd: 'node t.js', vsName: 'app' },
      ERROR_CODES.BAD_OPTION,
      /must differ/,
    );
    await rejects(
      { cmd: 'node s.js', ping: 'health' },
      ERROR_CODES.BAD_OPTION,
      /--ping takes a path/,
    );
    await rejects({ cmd: 'node s.js', port: 70000 }, ERROR_CODES.BAD_OPTION, /--port/);
    await rejects({ cmd: '' }, ERROR_CODES.BAD_OPTION, /--cmd is empty/);
    await rejects({ cmd: 'node s.js', body: '@/no/such/file' }, ERROR_CODES.NO_SUCH_FILE, /--body/);
  });

  it('builds the sides and the requests', async () => {
    const spec = await appSpec(
      flags({
        cmd: 'node a.js',
        vsCmd: 'node b.js',
        path: ['/orders', 'POST /orders'],
        header: ['X-Token: secret'],
        body: '{"n":1}',
        ping: '/health',
      }),
      [],
    );
    assert.deepEqual(
      spec.sides.map((s) => [s.name, s.label]),
      [
        ['app', '--cmd "node a.js"'],
        ['vs', '--vs-cmd "node b.js"'],
      ],
    );
    assert.deepEqual(
      spec.paths.map((p) => [p.label, p.request.method, p.request.body?.toString() ?? null]),
      [
        ['/orders', 'GET', null],
        ['POST /orders', 'POST', '{"n":1}'],
      ],
    );
    assert.deepEqual(spec.paths[0]?.request.headers, { 'x-token': 'secret' });
    assert.equal(spec.pingPath, '/health');
    const url = await appSpec(flags({ url: 'http://127.0.0.1:3000/orders' }), []);
    assert.deepEqual(url.sides, [
      {
        name: 'app',
        label: '--url http://127.0.0.1:3000/orders',
        command: null,
        url: 'http://127.0.0.1:3000',
      },
    ]);
    assert.equal(url.paths[0]?.request.path, '/orders');
  });
});

describe("an app's runs and report", () => {
  it('interleaves the sides run by run, path by path', async () => {
    const spec = await appSpec(
      {
        path: ['/a', '/b'],
        name: 'app',
        vsName: 'vs',
        method: 'GET',
        header: [],
        startTimeout: 30,
        cmd: 'node a.js',
        vsCmd: 'node b.js',
      },
      [],
    );
    assert.deepEqual(
      planAppJobs(spec, 2).map((j) => `${j.scenario.id} ${j.variant} ${j.run}`),
      ['app /a 1', 'vs /a 1', 'app /b 1', 'vs /b 1', 'app /a 2', 'vs /a 2', 'app /b 2', 'vs /b 2'],
    );
  });

  it('loads the address the app listened on, loopback for an unspecified one', () => {
    assert.equal(originOf('0.0.0.0', 80), 'http://127.0.0.1:80');
    assert.equal(originOf('::', 80), 'http://127.0.0.1:80');
    assert.equal(originOf('::1', 80), 'http://[::1]:80');
    assert.equal(originOf('127.0.0.2', 80), 'http://127.0.0.2:80');
  });

  const target = (more: Partial<AppTarget> = {}): AppTarget => ({
    command: null,
    url: 'http://h:1',
    method: 'GET',
    path: '/x',
    headerNames: [],
    bodyBytes: null,
    pingPath: null,
    probe: false,
    port: null,
    ...more,
  });

  it('says "not measured (no probe: use --cmd)" for --url, in the diagnosis and the verdict', () => {
    const e = { ...entry('app', '/x', runsFrom({ requestsPerSec: [50, 52] })), target: target() };
    assert.deepEqual(diagnose(e), {
      healthy: null,
      findings: [],
      text: 'event loop not measured (no probe: use --cmd)',
    });
    assert.equal(
      scenarioVerdict([e]),
      '/x: 51.0 req/s; loop lag not measured (no probe: use --cmd).',
    );
  });

  it('names the path that held the loop longest', () => {
    const t = target({ probe: true, command: 'node s.js', url: null });
    const slow = {
      ...entry(
        'app',
        '/slow',
        runsFrom({ requestsPerSec: [48], lagP99Ms: [190], lagMaxMs: [198] }),
      ),
      target: t,
    };
    const fast = {
      ...entry(
        'app',
        '/fast',
        runsFrom({ requestsPerSec: [900], lagP99Ms: [1.2], lagMaxMs: [4.5] }),
      ),
      target: t,
    };
    assert.equal(
      scenarioVerdict([slow, fast]),
      '/slow: 48.0 req/s, loop lag p99 190 ms; /fast: 900 req/s, loop lag p99 1.2 ms. The loop stalled longest on /slow (198 ms), least on /fast (4.5 ms).',
    );
  });

  it('warns of ports besides the measured one, and what --port would do', () => {
    const runs = [
      completedRun(1, {}, { otherPorts: [3001] }),
      completedRun(2, {}, { otherPorts: [3001] }),
    ];
    const first = { ...entry('app', '/x', runs), target: target({ probe: true }) };
    assert.deepEqual(reportWarnings([first]), [
      'app /x: the app also listened on port 3001; the first port it listened on was measured; pick one with --port',
    ]);
    const chosen = { ...first, target: target({ probe: true, port: 3000 }) };
    assert.match(reportWarnings([chosen])[0] ?? '', /port 3000 was measured, as --port asked/);
  });

  it('judges a saturated generator by its CPU per worker when autocannon ran on workers', () => {
    assert.equal(generatorSaturated({ elu: 0.95, cpuPct: 50 }), true);
    assert.equal(generatorSaturated({ elu: 0.05, cpuPct: 185, workers: 2 }), true);
    assert.equal(generatorSaturated({ elu: 0.05, cpuPct: 150, workers: 2 }), false);
  });
});

describe('the machine-speed sentinel', () => {
  const withSentinel = (times: number[]) =>
    entry(
      'app',
      '/x',
      times.map((t, i) =>
        i === 0
          ? { ...failedRun(1), sentinelMs: t }
          : completedRun(i + 1, { requestsPerSec: 100 }, { sentinelMs: t }),
      ),
    );

  it('summarises every run, failed ones included: the mean and the CV', () => {
    assert.deepEqual(summarizeSentinel([withSentinel([1, 2, 3])], 'w'), {
      workload: 'w',
      n: 3,
      meanMs: 2,
      cv: 0.5,
    });
    assert.equal(
      summarizeSentinel([entry('a', 'b', runsFrom({ requestsPerSec: [1] }))], 'w'),
      undefined,
    );
  });

  it("makes compare warn when the machines' speeds differ by more than the threshold", () => {
    const base = makeReport([withSentinel([2, 2, 2, 2])]);
    const head = makeReport([withSentinel([2.5, 2.5, 2.5, 2.5])]);
    // Each side's every run alike: no noise, so no p; 25% apart is warned of all the same.
    assert.deepEqual(sentinelMeans(base, head), { baseMs: 2, headMs: 2.5, p: null });
    const warned = compareReports(base, head, { threshold: 0.1 }).warnings;
    assert.ok(
      warned.some((w) =>
        w.includes("the speed sentinel took 2.00 ms a run on base's and 2.50 ms on head's (+25%)"),
      ),
      warned.join('\n'),
    );
    const paired = compareReports(base, head, { threshold: 0.1, paired: true }).warnings;
    assert.ok(!paired.some((w) => w.includes('sentinel')), 'one machine, alternately: no warning');
    // 25% apart on average, but within the sentinel's own noise: not the machine's doing.
    const noisy = makeReport([withSentinel([1, 3, 1, 3])]);
    const other = makeReport([withSentinel([1.5, 3.5, 1.5, 3.5])]);
    assert.ok(
      !compareReports(noisy, other, { threshold: 0.1 }).warnings.some((w) =>
        w.includes('sentinel'),
      ),
    );
    const quiet = compareReports(base, head, { threshold: 0.3 }).warnings;
    assert.ok(!quiet.some((w) => w.includes('sentinel')));
  });
});
