import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Comparison, MetricComparison } from '../../bench/compare/compare.ts';
import type { Report } from '../../bench/report/types.ts';
import { benchEnv } from '../../scripts/action/env.ts';
import { commentMarker, pullRequestOf, writeOutputs } from '../../scripts/action/github.ts';
import { artifactName, readInputs } from '../../scripts/action/inputs.ts';
import { sidesInRound } from '../../scripts/action/rounds.ts';
import {
  COMMENT_LIMIT,
  commentBody,
  headFailures,
  judge,
  summaryBody,
  verdictSentence,
} from '../../scripts/action/verdict.ts';
import { parseOutputFile } from '../integration/action-runner.ts';

describe('the action’s inputs', () => {
  it('fills what is left out', () => {
    assert.deepEqual(readInputs({ INPUT_START: ' npm start ' }), {
      start: 'npm start',
      paths: ['/'],
      scenarios: [],
      runs: 10,
      durationSec: null,
      connections: null,
      metrics: [],
      threshold: [],
      failOnRegression: true,
      comment: 'sticky',
      exportFormat: null,
      workingDirectory: '.',
    });
  });

  it('splits paths, scenarios and thresholds on spaces and new lines', () => {
    const i = readInputs({
      INPUT_START: 'npm start',
      INPUT_PATHS: '/orders\n/search?q=shoes  /',
      INPUT_THRESHOLD: '5% lagP99Ms=25%',
      INPUT_METRICS: 'requestsPerSec,lagP99Ms',
      INPUT_RUNS: '20',
      INPUT_FAIL_ON_REGRESSION: 'false',
      INPUT_EXPORT: 'gab',
      INPUT_WORKING_DIRECTORY: 'services/api',
    });
    assert.deepEqual(i.paths, ['/orders', '/search?q=shoes', '/']);
    assert.deepEqual(i.threshold, ['5%', 'lagP99Ms=25%']);
    assert.deepEqual(i.metrics, ['requestsPerSec,lagP99Ms']);
    assert.equal(i.runs, 20);
    assert.equal(i.failOnRegression, false);
    assert.equal(i.exportFormat, 'gab');
    assert.equal(i.workingDirectory, 'services/api');
    assert.deepEqual(readInputs({ INPUT_SCENARIOS: 'busy-wait\nfs-read' }).scenarios, [
      'busy-wait',
      'fs-read',
    ]);
  });

  for (const [env, message] of [
    [{}, 'input start: give start (the command that starts your app) or scenarios (looplab’s own)'],
    [
      { INPUT_START: 'x', INPUT_SCENARIOS: 'busy-wait' },
      'input scenarios: give start or scenarios, not both',
    ],
    [
      { INPUT_SCENARIOS: 'busy-wait', INPUT_PATHS: '/a' },
      'input paths: paths are routes of your app, for start; scenarios have their own',
    ],
    [{ INPUT_START: 'x', INPUT_PATHS: '/a orders' }, 'input paths: "orders" does not start with /'],
    [
      { INPUT_START: 'x', INPUT_THRESHOLD: 'ten' },
      "input threshold: threshold takes a percentage like 10% or lagP99Ms=25%, got 'ten'",
    ],
    [{ INPUT_START: 'x', INPUT_RUNS: '2' }, 'input runs: "2" is not a whole number from 3 to 1000'],
    [
      { INPUT_START: 'x', INPUT_DURATION: '1.5' },
      'input duration: "1.5" is not a whole number from 1 to 3600',
    ],
    [
      { INPUT_START: 'x', INPUT_COMMENT: 'new' },
      'input comment: "new" is not one of sticky or off',
    ],
    [
      { INPUT_START: 'x', INPUT_FAIL_ON_REGRESSION: 'yes' },
      'input fail-on-regression: "yes" is not one of true or false',
    ],
    [
      { INPUT_START: 'x', INPUT_WORKING_DIRECTORY: '../elsewhere' },
      'input working-directory: "../elsewhere" must be a folder inside the repository',
    ],
  ] as const) {
    it(`refuses: ${message}`, () => {
      assert.throws(() => readInputs(env), { code: 'LOOPLAB_ERR_BAD_OPTION', message });
    });
  }

  it('names an unknown metric as the metrics input', () => {
    assert.throws(() => readInputs({ INPUT_START: 'x', INPUT_METRICS: 'speed' }), {
      message: /^input metrics: metrics names an unknown metric 'speed'/,
    });
  });
});

const row = (o: Partial<MetricComparison>): MetricComparison =>
  ({
    scenario: 'app',
    variant: '/orders',
    metric: 'requestsPerSec',
    unit: 'req/s',
    better: 'higher',
    base: { n: 5, mean: 1000, sd: 20, resolution: 0 },
    head: { n: 5, mean: 700, sd: 20, resolution: 0 },
    change: -0.3,
    changeCi95: [-0.33, -0.27],
    test: 'paired-log-ratio',
    df: 4,
    p: 0.001,
    pAdjusted: 0.001,
    stars: '**',
    threshold: 0.1,
    minDetectableChange: 0.05,
    rounding: null,
    verdict: 'no-change',
    reason: '',
    ...o,
  }) as MetricComparison;

const comparison = (rows: MetricComparison[]): Comparison => ({
  alpha: 0.05,
  test: 'paired',
  correction: 'holm',
  tests: rows.length,
  rows,
  onlyInBase: [],
  onlyInHead: [],
  warnings: [],
  regressions: rows.filter((r) => r.verdict === 'regression'),
});

describe('the action’s verdict', () => {
  it('is regressed when a metric got worse beyond its threshold, whatever else', () => {
    const c = comparison([row({ verdict: 'regression' }), row({ verdict: 'inconclusive' })]);
    const j = judge(c);
    assert.equal(j.verdict, 'regressed');
    assert.equal(
      verdictSentence(j, c),
      '1 metric got worse beyond its threshold: /orders throughput (req/s) -30%.',
    );
  });

  it('is inconclusive, with the smallest change the runs could have seen, when too noisy', () => {
    const c = comparison([
      row({ verdict: 'no-change' }),
      row({ verdict: 'inconclusive', minDetectableChange: 0.12 }),
      row({ verdict: 'inconclusive', minDetectableChange: 0.4 }),
      row({ verdict: 'inconclusive', minDetectableChange: null }),
    ]);
    const j = judge(c);
    assert.equal(j.verdict, 'inconclusive');
    assert.deepEqual(j.detectable, [0.12, 0.4]);
    assert.equal(
      verdictSentence(j, c),
      '3 metrics too noisy (or too coarse) to rule out a change beyond their threshold, so this neither passes nor fails. These runs could have seen no change smaller than 12% to 40%, by metric (the detectable column). More runs narrow it.',
    );
    const one = comparison([row({ verdict: 'inconclusive', minDetectableChange: 0.25 })]);
    assert.equal(
      verdictSentence(judge(one), one),
      '1 metric too noisy (or too coarse) to rule out a change beyond its threshold, so this neither passes nor fails. These runs could have seen no change smaller than 25%. More runs narrow it.',
    );
  });

  it('is regressed when the head failed runs the base did not, though nothing could be compared', () => {
    const run = (state: 'completed' | 'failed', reason = '') => ({ state, reason });
    const rep = (runs: unknown[]) =>
      ({ results: [{ scenario: 'app', variant: '/', runs }] }) as unknown as Report;
    const base = rep([run('completed'), run('completed'), run('completed')]);
    const crashed = rep([
      run('failed', 'the server exited (code 3) before it listened'),
      run('failed', 'again'),
      run('failed', 'again'),
    ]);
    const failures = headFailures(base, crashed);
    assert.deepEqual(failures, [
      {
        scenario: 'app',
        variant: '/',
        headFailed: 3,
        headRuns: 3,
        baseFailed: 0,
        reason: 'the server exited (code 3) before it listened',
      },
    ]);
    // compare leaves failed runs out: no rows, which alone reads inconclusive and passes.
    const j = judge(comparison([]), failures);
    assert.equal(j.verdict, 'regressed');
    assert.equal(
      verdictSentence(j, comparison([])),
      'The head failed runs the base did not: /: 3 of 3 runs failed in the head, 0 in the base (the server exited (code 3) before it listened).',
    );
    // As many failures on both sides is the runner's or the route's, not the head's.
    assert.deepEqual(headFailures(crashed, crashed), []);
    assert.deepEqual(headFailures(crashed, base), []);
  });

  it('is pass only when every metric was judged; nothing compared is inconclusive', () => {
    assert.equal(judge(comparison([row({}), row({ verdict: 'improvement' })])).verdict, 'pass');
    assert.equal(judge(comparison([])).verdict, 'inconclusive');
    const failedBase = {
      ...comparison([]),
      warnings: ['app /: 3 of 3 base runs failed and are left out'],
    };
    assert.equal(
      verdictSentence(judge(failedBase), failedBase),
      'Nothing could be compared: app /: 3 of 3 base runs failed and are left out.',
    );
  });

  it('the comment starts with its marker, and a too-long one points to the summary', async () => {
    const head = {
      results: [],
      sentinel: { workload: 'xorshift32', n: 10, meanMs: 1.4, cv: 0.06 },
    } as unknown as Report;
    const parts = {
      marker: '<!-- looplab-action: bench . -->',
      judgement: judge(comparison([row({})])),
      comparison: comparison([row({})]),
      labels: { base: 'base', head: 'head' },
      head,
      noiseFrom: [head],
      runUrl: 'https://github.test/run',
    };
    const body = commentBody(parts);
    assert.ok(body.startsWith('<!-- looplab-action: bench . -->\n### ✅ looplab: no regression'));
    assert.match(
      body,
      /Machine speed \(the sentinel, the runner’s own noise\): 1\.40 ms a run, CV 6% over 10 runs\./,
    );
    assert.doesNotMatch(body, /## looplab compare/);
    const long = comparison(Array.from({ length: 600 }, () => row({})));
    const short = commentBody({ ...parts, comparison: long, judgement: judge(long) });
    assert.ok(short.length < COMMENT_LIMIT);
    assert.match(short, /too long for a comment: it is in the job summary of \[the run\]/);
    // The summary the comment points to has the whole table.
    const whole = summaryBody({ ...parts, comparison: long, judgement: judge(long) });
    assert.ok(whole.length > COMMENT_LIMIT, `${whole.length}`);
    assert.doesNotMatch(whole, /too long for a comment/);
    assert.equal(commentBody(parts), summaryBody(parts), 'a short one is the summary itself');
  });
});

describe('the action and GitHub', () => {
  it('tells a fork’s pull request from one of the repository, and a push from both', () => {
    const pr = (head: string) => ({
      pull_request: {
        number: 7,
        base: { repo: { full_name: 'octo/app' } },
        head: { repo: { full_name: head } },
      },
    });
    assert.deepEqual(pullRequestOf(pr('octo/app')), {
      repository: 'octo/app',
      number: 7,
      fromFork: false,
    });
    assert.equal(pullRequestOf(pr('someone/app'))?.fromFork, true);
    assert.equal(pullRequestOf({}), null);
    assert.equal(pullRequestOf(null), null);
  });

  it('marks the comment by workflow, job and folder, with nothing that ends the HTML comment', () => {
    assert.equal(commentMarker('perf', 'bench', '.'), '<!-- looplab-action: perf/bench . -->');
    assert.notEqual(commentMarker('ci', 'bench', '.'), commentMarker('perf', 'bench', '.'));
    assert.equal(commentMarker('', 'bench', 'api'), '<!-- looplab-action: bench api -->');
    assert.equal(
      commentMarker('a-->b', 'x\ny', 'dir--x'),
      '<!-- looplab-action: a-b/x y dir-x -->',
    );
  });

  it('writes outputs a runner reads back whole, new lines and all', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'looplab-out-')), 'output');
    await writeOutputs(file, { verdict: 'pass', summary: 'line 1\nline=2\n\nEOF' });
    assert.deepEqual(parseOutputFile(await readFile(file, 'utf8')), {
      verdict: 'pass',
      summary: 'line 1\nline=2\n\nEOF',
    });
  });
});

describe('what the benchmarked code sees', () => {
  it('no token, and none of the runner files that would reach the steps after it', () => {
    const env = benchEnv({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      GITHUB_WORKSPACE: '/w',
      GITHUB_ENV: '/t/set_env',
      GITHUB_PATH: '/t/add_path',
      GITHUB_OUTPUT: '/t/set_output',
      GITHUB_STATE: '/t/save_state',
      GITHUB_STEP_SUMMARY: '/t/step_summary',
      ACTIONS_RUNTIME_TOKEN: 'x',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'y',
      GITHUB_TOKEN: 'z',
    });
    assert.deepEqual(env, { PATH: '/usr/bin', HOME: '/home/runner', GITHUB_WORKSPACE: '/w' });
  });
});

describe('the artifact', () => {
  it('is named after the app’s folder, so that two uses in one run do not collide', () => {
    assert.equal(artifactName('.'), 'looplab-report');
    assert.equal(artifactName('./'), 'looplab-report');
    assert.equal(artifactName('services/api'), 'looplab-report-services-api');
    assert.equal(artifactName('./web/'), 'looplab-report-web');
    assert.equal(artifactName('a:b*c'), 'looplab-report-a-b-c');
  });
});

describe('the rounds of looplab’s own scenarios', () => {
  it('alternate which side runs first, so that neither always has the first run’s lot', () => {
    assert.deepEqual([1, 2, 3, 4].map(sidesInRound), [
      ['base', 'head'],
      ['head', 'base'],
      ['base', 'head'],
      ['head', 'base'],
    ]);
  });
});
