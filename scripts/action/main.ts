/**
 * The GitHub Action's steps (action.yml runs each as `node dist/scripts/action/main.js <step>`):
 *
 * - check:   the inputs and the event, before anything is installed;
 * - install: both checkouts (the pull request's and, beside it, its base's);
 * - bench:   base against head, run by run (`bench --cmd … --vs-cmd …`), or looplab's own
 *            scenarios in alternating rounds;
 * - report:  the paired comparison to the job summary, the outputs, the pull request's one
 *            comment, the artifact's files, and exit 1 on a regression when asked.
 *
 * Bad input: one line naming the input, exit 2. The token reaches only the report step, which
 * starts no process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Comparison, compareReports } from '../../bench/compare/compare.ts';
import { compareOptionsFromFlags } from '../../bench/compare/options.ts';
import { gabEntries } from '../../bench/render/compare.ts';
import { GAB_FILES } from '../../bench/render/gab-files.ts';
import { environmentDifferences } from '../../bench/report/comparable.ts';
import { mergeReports } from '../../bench/report/merge.ts';
import { splitPairs } from '../../bench/report/pairs.ts';
import { readReport } from '../../bench/report/read.ts';
import type { Report } from '../../bench/report/types.ts';
import { ERROR_CODES, EXIT, isLooplabError, LooplabError } from '../../core/errors.ts';
import { jsonText } from '../../core/json.ts';
import { plainLine } from '../../core/plain-text.ts';
import { appendFileSafely, writeFileAtomic } from '../../core/write-atomic.ts';
import { benchEnv } from './env.ts';
import {
  commentMarker,
  GitHubApiError,
  pullRequestOf,
  readEvent,
  upsertComment,
  writeOutputs,
} from './github.ts';
import { type ActionInputs, artifactName, readInputs } from './inputs.ts';
import { sidesInRound } from './rounds.ts';
import { commentBody, headFailures, judge, summaryBody } from './verdict.ts';

/** Where the base is checked out, inside the workspace (actions/checkout writes nowhere else). */
export const BASE_DIR = '.looplab-base';
const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function required(name: string): string {
  const v = process.env[name];
  if (!v) {
    throw new LooplabError(
      ERROR_CODES.USAGE,
      `${name} is not set: run this as a step of the looplab action`,
    );
  }
  return v;
}

interface Places {
  head: string;
  base: string;
  /** The artifact's folder: reports, summary, gab files. */
  out: string;
}

function places(inputs: ActionInputs): Places {
  const workspace = required('GITHUB_WORKSPACE');
  return {
    head: resolve(workspace, inputs.workingDirectory),
    base: resolve(workspace, BASE_DIR, inputs.workingDirectory),
    out: join(required('RUNNER_TEMP'), 'looplab'),
  };
}

/** Runs a command with its output in the log; its exit code. */
function run(cmd: string, args: readonly string[], cwd: string, env = process.env): number {
  log(`$ ${[cmd, ...args].join(' ')}   (in ${cwd})`);
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

/** The signal a cancel sent this step, once one came: no further benchmark starts after it. */
let stoppedBy: NodeJS.Signals | null = null;

/**
 * Runs a benchmark as `run` does, passing on to it the signals this step is sent. A cancel or the
 * job's timeout signals the step's own process (SIGINT, then SIGTERM 7.5 s later, then a kill of
 * the whole tree 2.5 s after that), not its children: action.yml execs this process, and it
 * passes them on, so that looplab stops the run in progress and writes the runs that completed.
 */
function runBench(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
  log(`$ ${[cmd, ...args].join(' ')}   (in ${cwd})`);
  return new Promise<number>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: 'inherit', env });
    const pass = (signal: NodeJS.Signals) => {
      stoppedBy ??= signal;
      child.kill(signal);
    };
    const signals = ['SIGINT', 'SIGTERM'] as const;
    for (const signal of signals) process.on(signal, pass);
    const done = () => {
      for (const signal of signals) process.off(signal, pass);
    };
    child.on('error', (err) => {
      done();
      reject(err);
    });
    child.on('exit', (code, signal) => {
      done();
      resolve(code ?? (signal === 'SIGTERM' ? 143 : signal === 'SIGINT' ? 130 : 1));
    });
  });
}

/** After a benchmark: its failure ends the step; a regression (1) is the report step's to judge. */
function afterBench(code: number): void {
  if (stoppedBy !== null) {
    log(
      `looplab: stopped by ${stoppedBy}; the runs that completed are in the report or its journal`,
    );
    process.exit(code === 0 ? (stoppedBy === 'SIGINT' ? 130 : 143) : code);
  }
  if (code !== 0 && code !== EXIT.CHECK_FAILED) process.exit(code);
}

async function check(inputs: ActionInputs): Promise<void> {
  const event = await readEvent(process.env.GITHUB_EVENT_PATH);
  if (!process.env.INPUT_BASE_REF && !pullRequestOf(event)) {
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      'input base-ref: this run is not for a pull request; name the commit or branch to compare against',
    );
  }
  // The action checks out the base only; the head is the workflow's own checkout. Without it,
  // the bench failed later, at the app's start, with nothing said about why.
  const workspace = required('GITHUB_WORKSPACE');
  const head = resolve(workspace, inputs.workingDirectory);
  const there = existsSync(head) ? (await readdir(head)).filter((f) => f !== BASE_DIR) : [];
  if (there.length === 0) {
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `input working-directory: ${head} is ${existsSync(head) ? 'empty' : 'not there'}; check out the pull request (actions/checkout) before the action`,
    );
  }
  log(
    inputs.start !== null
      ? `looplab: ${inputs.paths.join(' ')} of \`${inputs.start}\`, base against head, ${inputs.runs} runs a side`
      : `looplab: scenarios ${inputs.scenarios.join(' ')}, base against head, ${inputs.runs} rounds`,
  );
}

async function install(inputs: ActionInputs, p: Places): Promise<void> {
  for (const [side, dir] of [
    ['base', p.base],
    ['head', p.head],
  ] as const) {
    if (!existsSync(dir)) {
      throw new LooplabError(
        ERROR_CODES.NO_SUCH_FILE,
        `the ${side}'s folder ${dir} does not exist; check working-directory`,
      );
    }
    const steps: string[][] = existsSync(join(dir, 'package-lock.json'))
      ? [['ci', '--no-audit', '--no-fund']]
      : existsSync(join(dir, 'package.json'))
        ? [['install', '--no-audit', '--no-fund']]
        : [];
    // looplab's own scenarios run compiled, from each checkout.
    if (inputs.scenarios.length > 0) steps.push(['run', 'build']);
    if (steps.length === 0) log(`${side}: no package.json, nothing to install`);
    for (const args of steps) {
      // npm's install scripts are the pull request's code too.
      const code = run('npm', args, dir, benchEnv(process.env));
      if (code !== 0) {
        // npm said why, above; the step fails with its code.
        process.stderr.write(`looplab: npm ${args[0]} failed in the ${side} (exit ${code})\n`);
        process.exit(code);
      }
    }
  }
}

/** The options both sides' benchmarks share. */
function benchFlags(inputs: ActionInputs): string[] {
  return [
    ...(inputs.durationSec !== null ? ['--duration', String(inputs.durationSec)] : []),
    ...(inputs.connections !== null ? ['--connections', String(inputs.connections)] : []),
  ];
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

async function bench(inputs: ActionInputs, p: Places): Promise<void> {
  await mkdir(p.out, { recursive: true });
  if (inputs.start !== null) {
    const code = await runBench(
      process.execPath,
      [
        CLI,
        'bench',
        '--cmd',
        `cd ${shellQuote(p.base)} && ${inputs.start}`,
        '--vs-cmd',
        `cd ${shellQuote(p.head)} && ${inputs.start}`,
        '--name',
        'base',
        '--vs-name',
        'head',
        ...inputs.paths.flatMap((path) => ['--path', path]),
        '--runs',
        String(inputs.runs),
        ...benchFlags(inputs),
        ...inputs.threshold.flatMap((t) => ['--threshold', t]),
        ...inputs.metrics.flatMap((m) => ['--metrics', m]),
        '--json',
        join(p.out, 'report.json'),
        '--html',
        join(p.out, 'report.html'),
      ],
      p.head,
      benchEnv(process.env),
    );
    // 1 is a regression or a failed run: the report step judges and says which.
    afterBench(code);
    return;
  }
  // looplab's own scenarios: a round is one run of each, from each checkout, base first in odd
  // rounds and head first in even ones, so that run r of a side ran beside run r of the other,
  // and compare can pair them.
  const rounds = join(p.out, 'rounds');
  await mkdir(rounds, { recursive: true });
  for (let r = 1; r <= inputs.runs; r++) {
    for (const side of sidesInRound(r)) {
      const dir = p[side];
      const code = await runBench(
        process.execPath,
        [
          join(dir, 'dist/scripts/cli.js'),
          'bench',
          ...inputs.scenarios,
          '--runs',
          '1',
          ...benchFlags(inputs),
          '--json',
          join(rounds, `${side}-${String(r).padStart(4, '0')}.json`),
          '--quiet',
        ],
        dir,
        benchEnv(process.env),
      );
      afterBench(code);
    }
  }
}

/** The two sides of what bench wrote, and whether their runs are paired. */
async function sides(
  inputs: ActionInputs,
  p: Places,
): Promise<{ base: Report; head: Report; noiseFrom: Report[] }> {
  if (inputs.start !== null) {
    const report = await readReport(join(p.out, 'report.json'));
    const split = splitPairs(report);
    if (!split) throw new Error(`${join(p.out, 'report.json')} holds no pair of commands`);
    // Both sides are the app: its rows read `app /orders`, not the base's name.
    const asApp = (r: Report): Report => ({
      ...r,
      results: r.results.map((e) => ({ ...e, scenario: 'app' })),
    });
    return { base: asApp(split.base), head: asApp(split.head), noiseFrom: [report] };
  }
  const rounds = join(p.out, 'rounds');
  const files = (await readdir(rounds)).sort();
  const side = async (name: string) => {
    // A round cut short leaves its journal (`….json.journal.ndjson`) beside: not a report.
    const mine = files.filter((f) => f.startsWith(`${name}-`) && f.endsWith('.json'));
    const report = mergeReports(
      await Promise.all(mine.map((f) => readReport(join(rounds, f)))),
      mine,
    );
    await writeFileAtomic(join(p.out, `${name}.json`), jsonText(report));
    return report;
  };
  const base = await side('base');
  const head = await side('head');
  return { base, head, noiseFrom: [base, head] };
}

/** `base 0123456` and `head 89abcde`: the commits (or the base-ref as given), where known. */
function sideLabels(): { base: string; head: string } {
  const short = (ref: string | undefined) =>
    !ref ? '' : ` ${/^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 7) : ref}`;
  return {
    base: `base${short(process.env.LOOPLAB_BASE_REF)}`,
    head: `head${short(process.env.GITHUB_SHA)}`,
  };
}

async function report(inputs: ActionInputs, p: Places): Promise<void> {
  const { base, head, noiseFrom } = await sides(inputs, p);
  const differ = environmentDifferences(base.environment, head.environment);
  if (differ.length > 0) {
    throw new LooplabError(
      ERROR_CODES.REPORTS_DIFFER,
      `base and head ran on different machines (${differ.join('; ')}); their runs cannot be compared`,
    );
  }
  const comparison: Comparison = compareReports(base, head, {
    ...compareOptionsFromFlags({ threshold: inputs.threshold, metrics: inputs.metrics }),
    paired: true,
  });
  const judgement = judge(comparison, headFailures(base, head));
  const marker = commentMarker(
    process.env.GITHUB_WORKFLOW ?? '',
    process.env.GITHUB_JOB ?? 'looplab',
    inputs.workingDirectory,
  );
  const server = process.env.GITHUB_SERVER_URL;
  const repo = process.env.GITHUB_REPOSITORY;
  const runId = process.env.GITHUB_RUN_ID;
  const parts = {
    marker,
    judgement,
    comparison,
    labels: sideLabels(),
    head,
    noiseFrom,
    runUrl: server && repo && runId ? `${server}/${repo}/actions/runs/${runId}` : null,
  };
  // The summary keeps the whole table; a comment too long for GitHub points to it.
  const summary = summaryBody(parts);
  const body = commentBody(parts);
  const summaryPath = join(p.out, 'summary.md');
  await writeFileAtomic(summaryPath, summary);
  if (process.env.GITHUB_STEP_SUMMARY)
    await appendFileSafely(process.env.GITHUB_STEP_SUMMARY, `${summary}\n`);
  if (inputs.exportFormat === 'gab') {
    const entries = gabEntries(comparison);
    for (const key of ['biggerIsBetter', 'smallerIsBetter'] as const) {
      await writeFileAtomic(join(p.out, GAB_FILES[key]), jsonText(entries[key]));
    }
  }
  await writeOutputs(process.env.GITHUB_OUTPUT, {
    verdict: judgement.verdict,
    regressions: String(judgement.regressions.length + judgement.headFailures.length),
    report: inputs.start !== null ? join(p.out, 'report.json') : join(p.out, 'head.json'),
    summary: body,
  });
  log(
    `looplab: ${judgement.verdict} (${judgement.regressions.length} regressed${judgement.headFailures.length > 0 ? `, ${judgement.headFailures.length} failed in the head` : ''}; the comparison is in the job summary)`,
  );
  await comment(inputs, marker, body);
  if (judgement.verdict === 'regressed' && inputs.failOnRegression)
    process.exitCode = EXIT.CHECK_FAILED;
}

async function comment(inputs: ActionInputs, marker: string, body: string): Promise<void> {
  if (inputs.comment === 'off') return;
  const pr = pullRequestOf(await readEvent(process.env.GITHUB_EVENT_PATH));
  const token = process.env.INPUT_GITHUB_TOKEN ?? '';
  if (!pr) return log('looplab: not a pull request: no comment (the job summary has it)');
  if (pr.fromFork) {
    return log(
      'looplab: a pull request from a fork gets no write token: no comment; the comparison is in the job summary',
    );
  }
  if (token === '')
    return log('looplab: no github-token: no comment; the comparison is in the job summary');
  try {
    const done = await upsertComment({
      api: process.env.GITHUB_API_URL ?? 'https://api.github.com',
      token,
      pr,
      marker,
      body,
    });
    log(`looplab: comment ${done.action}${done.url ? `: ${done.url}` : ''}`);
  } catch (e) {
    // A read-only token (a fork, or permissions without pull-requests: write) must not fail the gate.
    const why = e instanceof GitHubApiError ? e.message : (e as Error).message;
    log(
      `::warning::looplab could not write the pull request's comment (${why}); the comparison is in the job summary`,
    );
  }
}

const STEPS = { check, install, bench, report } as const;

/** The checked inputs, as the check step left them for the steps after it (no token among them). */
const inputsFile = () => join(required('RUNNER_TEMP'), 'looplab', 'inputs.json');

async function main(): Promise<void> {
  const step = process.argv[2] ?? '';
  if (!(step in STEPS)) {
    throw new LooplabError(
      ERROR_CODES.USAGE,
      `unknown step '${step}'; steps: ${Object.keys(STEPS).join(', ')}`,
    );
  }
  if (step === 'check') {
    const inputs = readInputs(process.env);
    await check(inputs);
    // A second use of the action in the job starts afresh: an earlier one's report.json or rounds
    // would be read as this one's (its rounds merged in, its report judged if this bench fails).
    await rm(dirname(inputsFile()), { recursive: true, force: true });
    await mkdir(dirname(inputsFile()), { recursive: true });
    await writeFileAtomic(inputsFile(), jsonText(inputs));
    await writeOutputs(process.env.GITHUB_OUTPUT, {
      artifact: artifactName(inputs.workingDirectory),
    });
    return;
  }
  let inputs: ActionInputs;
  try {
    inputs = JSON.parse(await readFile(inputsFile(), 'utf8')) as ActionInputs;
  } catch {
    throw new LooplabError(
      ERROR_CODES.USAGE,
      `no checked inputs at ${inputsFile()}: the check step runs first`,
    );
  }
  await STEPS[step as Exclude<keyof typeof STEPS, 'check'>](inputs, places(inputs));
}

main().catch((e: unknown) => {
  if (isLooplabError(e) && !process.env.LOOPLAB_DEBUG) {
    process.stderr.write(`looplab: ${plainLine(e.message)} [${e.code}]\n`);
    process.exit(EXIT.USAGE);
  }
  process.stderr.write(`looplab: internal error: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(EXIT.INTERNAL);
});
