/**
 * `looplab live --cmd`, end to end: a fixture app looplab never saw (test/fixtures/apps/
 * http-app.cjs), started with the probe preloaded, each `--path` a lane of its own under the same
 * load, all on the one loop they share; `--no-load`, where the test loads the app itself and
 * looplab only watches; the bad inputs, each one line and exit 2; no process left behind; and the
 * page, which says the loop is shared and shows no knob that does not apply. Directional, with
 * generous margins: the machine may be shared.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { type Browser, chromium } from 'playwright-core';
import type { FrameEvent, LiveEvent, SessionEvent } from '../../bench/live/events.ts';
import { parseEventLines } from '../../bench/live/ndjson.ts';
import { startLiveSession } from '../../bench/live/session.ts';
import { appTarget } from '../../bench/live/targets.ts';
import { livePids } from '../../bench/run/process/child.ts';
import { packageRoot } from '../../core/package-info.ts';
import { findChromium } from './chromium.ts';
import { cli, processesWith, runMarked } from './helpers.ts';
import { startStaticLive } from './live-static-server.ts';
import { APPS } from './own-server-helpers.ts';

const APP = `node ${join(APPS, 'http-app.cjs')}`;
const schema = readFileSync(join(packageRoot(), 'bench', 'live', 'events.schema.json'), 'utf8');
const validate = new Ajv2020.default({ strict: true }).compile(JSON.parse(schema));

const framesOf = (events: LiveEvent[], variant: string) =>
  events.filter((e): e is FrameEvent => e.type === 'frame' && e.variant === variant);

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function checked(stdout: string): LiveEvent[] {
  const { events, torn } = parseEventLines(stdout);
  assert.equal(torn, false);
  for (const event of events) assert.ok(validate(event), JSON.stringify(validate.errors));
  return events;
}

/** Recorded by the two runs, for the page's tests. */
const recorded: { loaded: LiveEvent[]; watched: LiveEvent[] } = { loaded: [], watched: [] };

describe('looplab live --cmd', () => {
  it('loads each path as a lane of its own, on the one loop they share, with the lag measured and nothing left', async (t) => {
    const run = await runMarked([
      'live',
      '--cmd',
      APP,
      '--path',
      '/block',
      '--path',
      '/timer',
      '--ndjson',
      '--max-time',
      '4',
      '--frame-interval',
      '200',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.left, [], 'processes left behind');
    const events = checked(run.stdout);
    recorded.loaded = events;
    const session = events[0] as SessionEvent;
    assert.equal(session.type, 'session');
    assert.deepEqual(
      {
        scenario: session.scenario,
        variants: session.variants,
        sharedLoop: session.sharedLoop,
        connections: session.connections,
        paramSpecs: session.paramSpecs,
      },
      {
        scenario: null,
        variants: ['/block', '/timer'],
        sharedLoop: true,
        connections: 10,
        paramSpecs: {},
      },
    );
    assert.match(
      run.stderr,
      /^looplab live: \/block and \/timer of node .*http-app\.cjs side by side, on one server whose loop they share \(http:\/\/127\.0\.0\.1:\d+\)/m,
    );
    const block = framesOf(events, '/block');
    const timer = framesOf(events, '/timer');
    assert.ok(
      block.length >= 3 && timer.length >= 3,
      `${block.length} /block, ${timer.length} /timer`,
    );
    // One loop: each frame of it goes out once per path, the loop's figures the same in both.
    for (const [i, f] of block.entries()) {
      const twin = timer[i];
      assert.deepEqual(
        [f.elapsedMs, f.lagP99Ms, f.elu, f.rssBytes],
        [twin?.elapsedMs, twin?.lagP99Ms, twin?.elu, twin?.rssBytes],
      );
    }
    // The bystander reaches the loop through the preload's own port, for each path.
    for (const list of [block, timer])
      assert.ok(
        list.some((f) => f.pingP99Ms !== null),
        `no /ping figure in ${JSON.stringify(list.slice(-2))}`,
      );
    // Answered, not failed: a ping to the app's own port would get its 404, a failure.
    const failed = [...block, ...timer].reduce((n, f) => n + (f.pingTimeouts ?? 0), 0);
    assert.equal(failed, 0, 'pings timed out or failed');
    // Each path got its own load: /block answers, and so does /timer.
    assert.ok(
      block.some((f) => (f.requestsPerSec ?? 0) > 0),
      'no answer from /block',
    );
    assert.ok(
      timer.some((f) => (f.requestsPerSec ?? 0) > 0),
      'no answer from /timer',
    );
    // Ten connections spinning 10 ms each hold the loop: its lag is measured, and high.
    const lag = block.flatMap((f) => (f.lagP99Ms === null ? [] : [f.lagP99Ms]));
    assert.ok(lag.length >= 3, JSON.stringify(block));
    t.diagnostic(`lag p99 median ${median(lag)} ms over ${lag.length} frames`);
    assert.ok(median(lag) > 20, `lag p99 median ${median(lag)} ms`);
    // The stall is the server's (no path can be blamed for a shared loop); its stack names spin.
    const stalls = events.filter((e) => e.type === 'stall');
    assert.ok(
      stalls.some((s) => s.variant === 'server' && s.frames[0]?.function === 'spin'),
      JSON.stringify(stalls.slice(0, 3)),
    );
    const last = events.at(-1);
    assert.ok(last?.type === 'state' && last.state === 'stopped', JSON.stringify(last));
  });

  it('--no-load sends nothing: the request figures are null, while the loop the test loads is measured', async () => {
    let appProcesses = 0;
    let loaded = 0;
    const run = await runMarked(
      [
        'live',
        '--cmd',
        APP,
        '--path',
        '/block',
        '--path',
        '/timer',
        '--no-load',
        '--ndjson',
        '--max-time',
        '4',
        '--frame-interval',
        '200',
      ],
      {},
      (cli, marker) => {
        void cli.waitForStderr(/load it yourself at (http:\/\/127\.0\.0\.1:\d+)/).then(
          async ([, origin]) => {
            appProcesses = (await processesWith(marker)).length;
            // The user's own load: one request at a time, each spinning the loop for 300 ms.
            const until = Date.now() + 1500;
            while (Date.now() < until) {
              const res = await fetch(`${origin}/block?ms=300`).catch(() => null);
              await res?.arrayBuffer();
              if (res?.ok) loaded++;
            }
          },
          () => {},
        );
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.left, [], 'processes left behind');
    // The CLI, the app's supervisor and the app: the marker reached them all while it ran.
    assert.ok(appProcesses >= 3, `${appProcesses} marked processes during the run`);
    assert.ok(loaded >= 2, `${loaded} requests of the test's own load answered`);
    const events = checked(run.stdout);
    recorded.watched = events;
    const session = events[0] as SessionEvent;
    assert.equal(session.connections, null);
    assert.equal(session.sharedLoop, true);
    const frames = [...framesOf(events, '/block'), ...framesOf(events, '/timer')];
    assert.ok(frames.length >= 6, `${frames.length} frames`);
    for (const f of frames) {
      // Not measured, since looplab sent nothing: null, never 0.
      assert.deepEqual(
        [
          f.requestsPerSec,
          f.latencyP50Ms,
          f.latencyP99Ms,
          f.errors,
          f.timeouts,
          f.pingP50Ms,
          f.pingP99Ms,
          f.pingTimeouts,
        ],
        [null, null, null, null, null, null, null, null],
        JSON.stringify(f),
      );
      assert.ok(f.elu !== null && f.frameMs > 0, JSON.stringify(f));
    }
    // The test's 300 ms spins show in the loop's lag, and the stack that held it is named.
    const worst = Math.max(...frames.map((f) => f.lagMaxMs ?? 0));
    assert.ok(worst > 150, `worst lag max ${worst} ms`);
    assert.ok(
      events.some((e) => e.type === 'stall' && e.frames[0]?.function === 'spin'),
      'no stall named spin',
    );
  });

  it('ends when the server exits, saying how, and when SIGTERM comes: 143; nothing left either way', async () => {
    // fault-app's /crash exits with code 3 after 20 requests, and leaves a detached child of its own.
    const crashed = await runMarked([
      'live',
      '--cmd',
      `node ${join(APPS, 'fault-app.cjs')}`,
      '--path',
      '/crash',
      '--ndjson',
      '--max-time',
      '60',
    ]);
    // As serve: a server that exits on its own fails the job.
    assert.equal(crashed.code, 1, crashed.stderr);
    assert.deepEqual(crashed.left, [], 'processes left behind');
    const events = checked(crashed.stdout);
    const exited = events.find((e) => e.type === 'warning' && e.code === 'server-exited');
    assert.ok(exited?.type === 'warning', JSON.stringify(events.slice(-3)));
    assert.equal(exited.variant, 'server');
    assert.match(
      exited.text,
      /^the --cmd ".*fault-app\.cjs" server exited \(code 3\).*crashing after 20 requests/,
    );
    const last = events.at(-1);
    assert.ok(
      last?.type === 'state' && last.reason === 'no server left: each exited on its own',
      JSON.stringify(last),
    );

    let during = 0;
    const stopped = await runMarked(
      ['live', '--cmd', APP, '--ndjson', '--max-time', '60'],
      {},
      (cli, marker) => {
        void cli.waitForStderr(/^looplab live: /m).then(
          async () => {
            during = (await processesWith(marker)).length;
            cli.child.kill('SIGTERM');
          },
          () => {},
        );
      },
    );
    assert.equal(stopped.code, 143, stopped.stderr);
    assert.ok(during >= 3, `${during} marked processes while it ran`);
    assert.deepEqual(stopped.left, [], 'processes left behind');
  });

  it('refuses the knobs that do not apply: a parameter always, the connections with --no-load', async () => {
    const session = await startLiveSession({
      target: appTarget({
        command: APP,
        paths: [
          { label: '/timer', request: { method: 'GET', path: '/timer', headers: {}, body: null } },
        ],
        readyTimeoutMs: 30_000,
      }),
      params: {},
      load: false,
      frameIntervalMs: 200,
      maxTimeMs: 60_000,
    });
    try {
      assert.equal(session.describe().connections, null);
      await assert.rejects(session.control({ action: 'params', params: { ms: 5 } }), {
        code: 'LOOPLAB_ERR_BAD_PARAM',
      });
      await assert.rejects(session.control({ action: 'connections', connections: 20 }), {
        code: 'LOOPLAB_ERR_USAGE',
      });
      // What does apply still works: pause and start.
      await session.control({ action: 'pause' });
      assert.equal(session.describe().state, 'paused');
      await session.control({ action: 'start' });
      assert.equal(session.describe().state, 'running');
    } finally {
      await session.close();
    }
    assert.deepEqual(livePids(), []);
  });

  it('refuses what does not go with --cmd, in one line with a stable code, exit 2, before starting anything', async () => {
    const cases: [string[], RegExp][] = [
      [['busy-wait', '--cmd', APP], /leave out busy-wait \[LOOPLAB_ERR_BAD_OPTION\]$/],
      [['--cmd', APP, '--param', 'ms=5'], /--param .*\[LOOPLAB_ERR_BAD_OPTION\]$/],
      [['--no-load'], /--no-load goes with --cmd.*\[LOOPLAB_ERR_BAD_OPTION\]$/],
      [['--path', '/orders'], /--path goes with --cmd.*\[LOOPLAB_ERR_BAD_OPTION\]$/],
      [
        ['--cmd', APP, '--no-load', '--connections', '5'],
        /--no-load sends none.*\[LOOPLAB_ERR_BAD_OPTION\]$/,
      ],
      [['--cmd', APP, '--path', 'orders'], /--path takes .*\[LOOPLAB_ERR_BAD_OPTION\]$/],
      [['--cmd', 'no-such-program-looplab'], /not on PATH.*\[LOOPLAB_ERR_COMMAND_NOT_FOUND\]$/],
      [['--cmd', APP, '--replay', 'x.ndjson'], /leave out --cmd \[LOOPLAB_ERR_BAD_OPTION\]$/],
    ];
    const runs = await Promise.all(
      cases.map(([args]) => cli(['live', ...args, '--ndjson', '--max-time', '1'])),
    );
    for (const [i, [args, message]] of cases.entries()) {
      const run = runs[i] as Awaited<ReturnType<typeof cli>>;
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stdout, '', args.join(' '));
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0] ?? '', message);
    }
  });
});

const found = await findChromium();

describe(`the live page for --cmd (${found.source})`, () => {
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({ executablePath: found.executablePath, args: found.args });
  });
  after(async () => {
    await browser?.close();
  });

  /** What the page shows of a session: the shared-loop note, and which knobs. */
  async function shown(events: LiveEvent[]) {
    const live = await startStaticLive(events);
    const page = await browser.newPage();
    try {
      await page.goto(live.url);
      await page.waitForSelector('#charts svg.chart');
      return await page.evaluate(() => {
        const visible = (id: string) => {
          const el = document.getElementById(id);
          return el !== null && el.offsetParent !== null;
        };
        return {
          title: document.getElementById('scenario')?.textContent,
          sharedNote: visible('shared-loop'),
          knobs: visible('knobs'),
          connections: visible('connections-knob'),
          params: document.querySelectorAll('#params input').length,
        };
      });
    } finally {
      await page.close();
      await live.close();
    }
  }

  it('says the loop is shared, and shows the connections but no parameter; with --no-load, no knob at all', async () => {
    assert.ok(recorded.loaded.length > 0 && recorded.watched.length > 0, 'the runs above recorded');
    assert.deepEqual(await shown(recorded.loaded), {
      title: '· your server',
      sharedNote: true,
      knobs: true,
      connections: true,
      params: 0,
    });
    assert.deepEqual(await shown(recorded.watched), {
      title: '· your server',
      sharedNote: true,
      knobs: false,
      connections: false,
      params: 0,
    });
  });
});
