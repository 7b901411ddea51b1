/**
 * The GitHub Action, run from its own action.yml (action-runner.ts) against a fake GitHub API: a
 * real HTTP server on loopback that records what it is sent. The app is a tiny server whose
 * per-request work the base and the head set in their own work.json, as a code change would.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ActionRun, runAction } from './action-runner.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TOKEN = 'ghs_looplabTestToken0123456789';
const BASE_SHA = '0123456789abcdef0123456789abcdef01234567';

// Each request waits on a timer rather than the CPU, so that the 30% cut (ten connections, each
// waiting 30% longer) shows through a CI machine's contention: the test is of the action, and
// the measurements have tests of their own.
const APP = `const http = require('node:http');
const { waitMs } = require('./work.json');
http
  .createServer((_req, res) => setTimeout(() => res.end('ok'), waitMs))
  .listen(Number(process.env.PORT ?? 0), '127.0.0.1');
`;

interface Received {
  method: string;
  url: string;
  authorization: string | undefined;
  body: { body?: string } | null;
}

/** GitHub's issue-comment endpoints, for one repository, with one comment of someone else's. */
function fakeGitHub() {
  const received: Received[] = [];
  const comments = [
    { id: 1, body: 'Looks good to me', html_url: 'https://github.test/c/1' },
    // Someone quoting the marker is not the action's comment.
    {
      id: 2,
      body: 'Why does the bot write `<!-- looplab-action: looplab/bench . -->`?',
      html_url: 'https://github.test/c/2',
    },
  ];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      const body = text === '' ? null : JSON.parse(text);
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.headers.authorization !== `Bearer ${TOKEN}`)
        return send(401, { message: 'Bad credentials' });
      const list = /^\/repos\/octo\/app\/issues\/7\/comments\?per_page=100&page=(\d+)$/.exec(
        req.url ?? '',
      );
      if (req.method === 'GET' && list) return send(200, list[1] === '1' ? comments : []);
      if (req.method === 'POST' && req.url === '/repos/octo/app/issues/7/comments') {
        const c = {
          id: 100 + comments.length,
          body: body.body,
          html_url: `https://github.test/c/${100 + comments.length}`,
        };
        comments.push(c);
        return send(201, c);
      }
      const edit = /^\/repos\/octo\/app\/issues\/comments\/(\d+)$/.exec(req.url ?? '');
      const found = edit && comments.find((c) => c.id === Number(edit[1]));
      if (req.method === 'PATCH' && found) {
        found.body = body.body;
        return send(200, found);
      }
      send(404, { message: 'Not Found' });
    });
  });
  return { server, received, comments };
}

interface Case {
  with: Record<string, string>;
  baseWaitMs: number;
  headWaitMs: number;
  fork?: boolean;
  /** Files an earlier use of the action in the job left in its output folder. */
  leftOver?: Record<string, string>;
  /** Cancel the run, as GitHub does, once this holds of the output folder (polled). */
  cancelWhen?: (out: string) => Promise<boolean>;
}

let api: ReturnType<typeof fakeGitHub>;
let apiUrl: string;
const dirs: string[] = [];

async function act(
  c: Case,
): Promise<ActionRun & { summary: string; files: Record<string, string>; artifact: string }> {
  const root = await mkdtemp(join(tmpdir(), 'looplab-action-'));
  dirs.push(root);
  const workspace = join(root, 'workspace');
  const runnerTemp = join(root, 'runner-temp');
  await mkdir(workspace, { recursive: true });
  await mkdir(runnerTemp, { recursive: true });
  for (const [name, text] of Object.entries(c.leftOver ?? {})) {
    await mkdir(join(runnerTemp, 'looplab'), { recursive: true });
    await writeFile(join(runnerTemp, 'looplab', name), text);
  }
  await writeFile(join(workspace, 'server.cjs'), APP);
  await writeFile(join(workspace, 'work.json'), JSON.stringify({ waitMs: c.headWaitMs }));
  const event = {
    pull_request: {
      number: 7,
      base: { sha: BASE_SHA, repo: { full_name: 'octo/app' } },
      head: { repo: { full_name: c.fork ? 'someone/app' : 'octo/app' } },
    },
  };
  const eventPath = join(root, 'event.json');
  await writeFile(eventPath, JSON.stringify(event));
  const summaryPath = join(root, 'summary.md');
  await writeFile(summaryPath, '');
  const uploaded: string[] = [];
  let artifact = '';
  const out = join(runnerTemp, 'looplab');
  const cancelWhen = c.cancelWhen;
  const run = await runAction({
    actionPath: ROOT,
    workspace,
    runnerTemp,
    with: c.with,
    github: { token: TOKEN, job: 'bench', event },
    env: {
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_API_URL: apiUrl,
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_WORKFLOW: 'looplab',
      GITHUB_SERVER_URL: 'https://github.test',
      GITHUB_RUN_ID: '42',
    },
    standIns: {
      // actions/checkout: the base's tree, at the path the step names, from the ref it asks for.
      checkout: async (w) => {
        assert.equal(w.ref, BASE_SHA, 'the base is checked out at the pull request base');
        // checkout's default writes the token into the base's .git/config, where its app runs.
        assert.equal(w['persist-credentials'], 'false', 'the token is not left in the base');
        const dir = join(workspace, w.path ?? '');
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'server.cjs'), APP);
        await writeFile(join(dir, 'work.json'), JSON.stringify({ waitMs: c.baseWaitMs }));
      },
      uploadArtifact: async (w) => {
        uploaded.push(w.path ?? '');
        artifact = w.name ?? '';
      },
    },
    ...(cancelWhen && {
      cancel: {
        step: 'Benchmark the base against the head, run by run',
        when: async (stepEnded) => {
          while (!stepEnded.aborted && !(await cancelWhen(out)))
            await new Promise((r) => setTimeout(r, 100));
        },
      },
    }),
  });
  const files: Record<string, string> = {};
  for (const f of await readdir(out).catch(() => [])) {
    if (f.includes('.')) files[f] = await readFile(join(out, f), 'utf8');
  }
  assert.deepEqual(uploaded, [out], 'the artifact is uploaded from the action’s output folder');
  return { ...run, summary: await readFile(summaryPath, 'utf8'), files, artifact };
}

// One metric, and a threshold between the A/A's noise and the cut; 4 runs a side keep it short.
const BENCH = {
  start: 'node server.cjs',
  paths: '/',
  runs: '4',
  duration: '1',
  metrics: 'requestsPerSec',
  threshold: '20%',
};

/** Nothing of the token anywhere but the Authorization header. */
function assertNoToken(r: Awaited<ReturnType<typeof act>>) {
  assert.ok(!r.log.includes(TOKEN), 'the token is never printed');
  assert.ok(!r.summary.includes(TOKEN), 'nor in the summary');
  for (const [name, text] of Object.entries(r.files))
    assert.ok(!text.includes(TOKEN), `nor in ${name}`);
  for (const v of Object.values(r.outputs)) assert.ok(!v.includes(TOKEN), 'nor in an output');
}

describe('the GitHub Action (action.yml, run step by step)', { timeout: 300_000 }, () => {
  before(async () => {
    api = fakeGitHub();
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => (api.server as Server).close(resolve));
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('an A/A creates the one comment and passes; a 30% cut edits that comment and fails', async () => {
    const aa = await act({ with: BENCH, baseWaitMs: 50, headWaitMs: 50 });
    assert.equal(aa.exitCode, 0, aa.log);
    assert.notEqual(aa.outputs.verdict, 'regressed', aa.log);
    assert.match(aa.outputs.verdict ?? '', /^(pass|inconclusive)$/);
    assert.equal(aa.outputs.regressions, '0');
    assert.ok(aa.outputs.report?.endsWith('report.json'));
    assert.match(aa.outputs.summary ?? '', /looplab/);
    assert.ok(aa.summary.startsWith('<!-- looplab-action: looplab/bench . -->\n'), aa.summary);
    assert.match(aa.summary, /Machine speed \(the sentinel/);
    assert.match(aa.summary, /Base `base 0123456` · head `head`/);
    assert.ok(aa.files['report.json'] && aa.files['report.html'] && aa.files['summary.md']);
    assert.equal(aa.artifact, 'looplab-report', 'the artifact’s name, from the check step');
    const created = api.received.filter((r) => r.method === 'POST');
    assert.equal(created.length, 1, 'one comment created');
    assert.equal(created[0]?.authorization, `Bearer ${TOKEN}`);
    assert.equal(created[0]?.body?.body, aa.outputs.summary, 'the comment is the summary');
    assertNoToken(aa);

    const cut = await act({ with: BENCH, baseWaitMs: 50, headWaitMs: 50 / 0.7 });
    assert.equal(cut.exitCode, 1, cut.log);
    assert.equal(cut.outputs.verdict, 'regressed', cut.log);
    assert.ok(Number(cut.outputs.regressions) >= 1);
    assert.match(cut.summary, /❌ looplab: regressed/);
    assert.match(cut.summary, /What held the loop in the head/);
    assert.equal(api.received.filter((r) => r.method === 'POST').length, 1, 'no second comment');
    const edits = api.received.filter((r) => r.method === 'PATCH');
    assert.equal(edits.length, 1);
    assert.equal(
      edits[0]?.url,
      `/repos/octo/app/issues/comments/${api.comments[2]?.id}`,
      'the same comment edited',
    );
    assert.equal(api.comments.length, 3, 'the others’ comments and looplab’s, no more');
    assert.match(api.comments[2]?.body ?? '', /regressed/);
    assert.doesNotMatch(api.comments[1]?.body ?? '', /regressed/, 'a quoted marker left alone');
    assertNoToken(cut);
  });

  it('a pull request from a fork gets the summary and no comment, and says so', async () => {
    const before = api.received.length;
    const fork = await act({
      with: { ...BENCH, 'fail-on-regression': 'false' },
      baseWaitMs: 50,
      headWaitMs: 50,
      fork: true,
      leftOver: { 'stale.json': '{}' },
    });
    assert.equal(fork.files['stale.json'], undefined, 'an earlier use’s files are not uploaded');
    assert.equal(fork.exitCode, 0, fork.log);
    assert.equal(api.received.length, before, 'not a call to the API');
    assert.match(fork.log, /from a fork gets no write token: no comment/);
    assert.match(fork.summary, /looplab/);
  });

  it('a cancel keeps the runs that completed: the bench writes its partial report, and it is uploaded', async () => {
    const journal = 'report.json.journal.ndjson';
    const cancelled = await act({
      with: { ...BENCH, runs: '6', 'fail-on-regression': 'false' },
      baseWaitMs: 50,
      headWaitMs: 50,
      // Once the first pair of runs is in the journal: its header, then a whole line per run.
      cancelWhen: async (out) => {
        const text = await readFile(join(out, journal), 'utf8').catch(() => '');
        return text.split('\n').length - 1 >= 3;
      },
    });
    const bench = cancelled.steps.find((st) => st.name.startsWith('Benchmark'));
    // SIGINT reached looplab through main.js (exec'd by the step): 130, not bash's kill.
    assert.equal(bench?.exitCode, 130, cancelled.log);
    const report = JSON.parse(cancelled.files['report.json'] ?? '{}');
    assert.equal(report.complete, false, cancelled.log);
    assert.equal(report.stoppedBy, 'SIGINT');
    assert.ok(report.plannedRuns > 0);
    // Compare and gate do not run after a cancel; the upload (if: always()) does.
    assert.equal(
      cancelled.steps.find((st) => st.name === 'Compare, comment and gate')?.exitCode,
      null,
    );
    // A partial report keeps its journal beside it, uploaded too: it holds the same runs.
    const runs = (report.results as { runs: unknown[] }[]).reduce((n, e) => n + e.runs.length, 0);
    assert.equal((cancelled.files[journal] ?? '').trim().split('\n').length, 1 + runs);
  });

  for (const [what, with_, input] of [
    ['neither start nor scenarios', { paths: '/' }, 'start'],
    ['both start and scenarios', { start: 'node server.cjs', scenarios: 'busy-wait' }, 'scenarios'],
    ['a bad threshold', { start: 'node server.cjs', threshold: 'ten' }, 'threshold'],
    ['a path without /', { start: 'node server.cjs', paths: '/ok orders' }, 'paths'],
    ['too few runs', { start: 'node server.cjs', runs: '2' }, 'runs'],
    [
      'a working-directory not checked out',
      { start: 'node server.cjs', 'working-directory': 'api' },
      'working-directory',
    ],
  ] as const) {
    it(`refuses ${what}: one line naming the input, exit 2, before anything runs`, async () => {
      const r = await act({ with: with_, baseWaitMs: 50, headWaitMs: 50 });
      assert.equal(r.exitCode, 2, r.log);
      const failed = r.steps.find((s) => s.exitCode === 2);
      assert.equal(failed?.name, 'Check the inputs');
      const lines = failed?.stderr.trim().split('\n') ?? [];
      assert.equal(lines.length, 1, failed?.stderr);
      assert.match(
        lines[0] ?? '',
        new RegExp(`^looplab: input ${input}: .* \\[LOOPLAB_ERR_BAD_OPTION\\]$`),
      );
      assert.ok(
        r.steps.filter((s) => s.exitCode !== null).every((s) => s.name !== 'Install both'),
        'nothing installed or run after a bad input',
      );
    });
  }
});
