/**
 * `looplab lesson N --live`, end to end: the terminal lesson runs as before while its runs'
 * frames stream to the page's event stream (token and Host as `looplab live` checks them): each
 * run's marker, frames of each variant with the probe's lag and the load's requests, stalls as
 * they are caught, and a `stopped` state when the lesson ends; then the process exits, leaving
 * no process behind. And the flags it refuses before anything runs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import type { FrameEvent, LiveEvent } from '../../bench/live/events.ts';
import { packageRoot } from '../../core/package-info.ts';
import { runMarked } from './helpers.ts';
import { home, looplab, useLearnerHome } from './lesson-helpers.ts';

useLearnerHome('looplab-lesson-live-');

/** Every event of the stream at `url`'s page until the server ends it; `onEvent` hears each. */
function readEvents(
  url: string,
  onEvent: (event: LiveEvent) => void = () => {},
): Promise<{ status: number; events: LiveEvent[] }> {
  const { port, searchParams } = new URL(url);
  const token = searchParams.get('token') ?? '';
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: `/events?token=${encodeURIComponent(token)}`,
        headers: { host: `127.0.0.1:${port}` },
        setHost: false,
      },
      (res) => {
        let text = '';
        const events: LiveEvent[] = [];
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
          let end = text.indexOf('\n\n');
          while (end !== -1) {
            for (const line of text.slice(0, end).split('\n'))
              if (line.startsWith('data: ')) {
                const event = JSON.parse(line.slice('data: '.length)) as LiveEvent;
                events.push(event);
                onEvent(event);
              }
            text = text.slice(end + 2);
            end = text.indexOf('\n\n');
          }
        });
        res.on('close', () => resolve({ status: res.statusCode ?? 0, events }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : (s[Math.floor((s.length - 1) / 2)] as number);
};

test('lesson 1 --live --no-open: the terminal lesson as before, and on the stream each run marked, frames of sync and async, spin caught, the end; nothing left', {
  timeout: 120_000,
}, async (t) => {
  let stream: Promise<{ status: number; events: LiveEvent[] }> | undefined;
  let streamError: unknown;
  const run = await runMarked(
    [
      'lesson',
      '1',
      '--live',
      '--no-open',
      '--no-input',
      '--runs',
      '2',
      '--duration',
      '1.5',
      '--warmup',
      '0.3',
    ],
    { XDG_CONFIG_HOME: join(home, 'config') },
    (cli) => {
      stream = cli
        .waitForStderr(/watch it live at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/)
        .then((m) => readEvents(m[1] as string))
        .catch((err: unknown) => {
          streamError = err;
          return { status: 0, events: [] };
        });
    },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.left, [], 'processes left behind');
  // The terminal lesson, as before: its text, its table's runs, its explanation and exercise.
  assert.match(run.stdout, /Exercise 1:/);
  assert.match(run.stderr, /\[4\/4\] busy-wait async run 2/);
  const { status, events } = (await stream) ?? { status: 0, events: [] };
  assert.equal(streamError, undefined, String(streamError));
  assert.equal(status, 200);

  const schema = readFileSync(join(packageRoot(), 'bench', 'live', 'events.schema.json'), 'utf8');
  const validate = new Ajv2020.default({ strict: true }).compile(JSON.parse(schema));
  for (const event of events) assert.ok(validate(event), JSON.stringify(validate.errors));

  const first = events[0];
  assert.equal(first?.type, 'session');
  if (first?.type === 'session') {
    assert.deepEqual(first.variants, ['sync', 'async']);
    assert.deepEqual(first.lesson, {
      number: 1,
      id: 'the-waiter',
      title: 'The waiter: one event loop serves every table',
    });
  }
  // A marker at each run's start, interleaved as the lesson runs them.
  assert.deepEqual(
    events.flatMap((e) => (e.type === 'marker' ? [e.text] : [])),
    ['run 1 of 4: sync', 'run 2 of 4: async', 'run 3 of 4: sync', 'run 4 of 4: async'],
  );
  assert.deepEqual(
    events.flatMap((e) => (e.type === 'turn' ? [e.variant] : [])),
    ['sync', 'async', 'sync', 'async'],
  );
  const frames = (v: string) =>
    events.filter((e): e is FrameEvent => e.type === 'frame' && e.variant === v);
  const sync = frames('sync');
  const async = frames('async');
  assert.ok(sync.length >= 4 && async.length >= 4, `${sync.length} sync, ${async.length} async`);
  for (const f of [...sync, ...async]) {
    assert.ok(f.frameMs > 0 && (f.rssBytes ?? 0) > 0 && f.elu !== null, JSON.stringify(f));
    // Counted per answer: a figure; the bystander is the run's, not the frame's: null.
    assert.notEqual(f.requestsPerSec, null, JSON.stringify(f));
    assert.equal(f.pingP99Ms, null);
    assert.equal(f.errors, null);
  }
  const lag = (list: FrameEvent[]) =>
    median(list.flatMap((f) => (f.lagP99Ms === null ? [] : [f.lagP99Ms])));
  const rps = (list: FrameEvent[]) => median(list.map((f) => f.requestsPerSec ?? 0));
  const [syncLag, asyncLag] = [lag(sync), lag(async)];
  t.diagnostic(
    `median frame: sync lag p99 ${syncLag} ms, ${rps(sync)} req/s; async ${asyncLag} ms, ${rps(async)} req/s`,
  );
  assert.ok(
    syncLag !== null && asyncLag !== null && syncLag > 50 && syncLag > 2 * asyncLag,
    `sync lag p99 ${syncLag} ms, async ${asyncLag} ms`,
  );
  assert.ok((rps(async) ?? 0) > 2 * (rps(sync) ?? 0), `sync ${rps(sync)}, async ${rps(async)}`);
  const stalls = events.filter((e) => e.type === 'stall');
  assert.ok(
    stalls.some((s) => s.variant === 'sync' && s.frames[0]?.function === 'spin'),
    JSON.stringify(stalls.slice(0, 3)),
  );
  const last = events.at(-1);
  assert.deepEqual(last?.type === 'state' && { state: last.state, reason: last.reason }, {
    state: 'stopped',
    reason: 'the lesson ended',
  });
});

test('Ctrl-C in a run of lesson 1 --live: the page hears the lesson stopped, exit 130, nothing left', {
  timeout: 60_000,
}, async () => {
  let stream: Promise<{ status: number; events: LiveEvent[] }> | undefined;
  const run = await runMarked(
    ['lesson', '1', '--live', '--no-open', '--no-input', '--duration', '20'],
    { XDG_CONFIG_HOME: join(home, 'config') },
    (cli) => {
      void cli
        .waitForStderr(/watch it live at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/)
        .then((m) => {
          // In the first run's window, once its frames come (a busy machine is slow to start
          // one); or, if none ever comes, after 40 s, for the assertions below to say so.
          let sent = false;
          const interrupt = () => {
            if (sent) return;
            sent = true;
            clearTimeout(late);
            cli.child.kill('SIGINT');
          };
          const late = setTimeout(interrupt, 40_000);
          stream = readEvents(m[1] as string, (e) => {
            if (e.type === 'frame' && e.variant === 'sync') interrupt();
          });
        });
    },
  );
  assert.equal(run.code, 130, run.stderr);
  assert.deepEqual(run.left, [], 'processes left behind');
  const { events } = (await stream) ?? { events: [] };
  assert.ok(
    events.some((e) => e.type === 'frame' && e.variant === 'sync'),
    'frames of sync',
  );
  const last = events.at(-1);
  assert.deepEqual(last?.type === 'state' && { state: last.state, reason: last.reason }, {
    state: 'stopped',
    reason: 'the lesson was stopped (Ctrl-C)',
  });
});

test('lesson --live refuses what it cannot show, before anything runs: one line, exit 2', async () => {
  for (const [args, pattern] of [
    [['the-chat-room', '--live', '--no-open'], /WebSocket room.*without --live/],
    [['rush-hour', '--live', '--no-open'], /sweep of arrival rates.*without --live/],
    [['1', '--live', '--exercise', '--no-open'], /--exercise measures nothing/],
    [['1', '--port', '4000', '--no-input'], /--port is the live page's port: add --live/],
    [['1', '--live', '--port', '70000', '--no-open'], /--port must be a whole number/],
  ] as const) {
    const r = await looplab(['lesson', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, pattern);
    assert.match(r.stderr, /^looplab: .*\[LOOPLAB_ERR_BAD_OPTION\]\n$/);
  }
});
