/**
 * Runs action.yml's own steps as a GitHub runner runs a composite action: in order, each `run:`
 * step in bash with the environment a runner gives it (its own GITHUB_OUTPUT, GITHUB_ACTION_PATH,
 * the step's `env:`, every `${{ }}` expression evaluated), the outputs of each step kept for the
 * next. The `uses:` steps are the only ones stood in for, by the callbacks the test passes:
 * setup-node (the test's Node is used), checkout and upload-artifact.
 *
 * An expression or a construct this runner does not know throws: the test must not pass by
 * reading action.yml wrongly.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseYaml, type Yaml } from './action-yaml.ts';

type Dict = Record<string, string>;

export interface StepResult {
  name: string;
  /** null: skipped by its `if`. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface ActionRun {
  steps: StepResult[];
  /** The first failed step's exit code; 0 when every step that ran passed. */
  exitCode: number;
  outputs: Dict;
  /** Every step's stdout and stderr, in order. */
  log: string;
}

export interface RunnerSetup {
  actionPath: string;
  workspace: string;
  runnerTemp: string;
  /** The `with:` of the workflow's step. */
  with: Dict;
  /** github context: token, job, the event (as github.event), and the runner's GITHUB_* variables. */
  github: { token: string; job: string; event: Record<string, unknown> };
  env: Dict;
  standIns: {
    checkout(with_: Dict): Promise<void>;
    uploadArtifact(with_: Dict): Promise<void>;
  };
  /**
   * A cancel of the run, once `when` resolves while the step named `step` runs; `when` is given
   * a signal that aborts when the step has ended, so that it stops waiting then.
   */
  cancel?: { step: string; when: (stepEnded: AbortSignal) => Promise<void> };
}

const asDict = (y: Yaml | undefined, what: string): Record<string, Yaml> => {
  if (y === undefined) return {};
  if (typeof y !== 'object' || Array.isArray(y)) throw new Error(`${what} is not a map`);
  return y;
};
const asString = (y: Yaml | undefined, what: string): string => {
  if (typeof y !== 'string') throw new Error(`${what} is not a string`);
  return y;
};

function lookup(root: unknown, path: string[]): string {
  let v: unknown = root;
  for (const k of path)
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v === undefined || v === null ? '' : String(v);
}

interface Contexts {
  inputs: Dict;
  steps: Record<string, { outputs: Dict; outcome: string }>;
  github: RunnerSetup['github'] & { action_path: string; workspace: string };
  runner: { temp: string };
  failed: boolean;
  /** The run was cancelled: only steps that ask for always() or cancelled() still run. */
  cancelled: boolean;
}

/**
 * One `${{ }}` expression: `a || b`, a context path, or always(), success(), failure(),
 * cancelled().
 */
function evaluate(expr: string, c: Contexts): string | boolean {
  const alternatives = expr.split('||').map((s) => s.trim());
  if (alternatives.length > 1) {
    for (const a of alternatives) {
      const v = evaluate(a, c);
      if (v) return v;
    }
    return '';
  }
  if (expr === 'always()') return true;
  if (expr === 'success()') return !c.failed && !c.cancelled;
  if (expr === 'failure()') return c.failed && !c.cancelled;
  if (expr === 'cancelled()') return c.cancelled;
  const [root, ...path] = expr.split('.');
  if (!/^[\w.-]+$/.test(expr)) throw new Error(`expression not understood: ${expr}`);
  switch (root) {
    case 'inputs':
      if (path.length !== 1 || !((path[0] as string) in c.inputs))
        throw new Error(`no such input: ${expr}`);
      return c.inputs[path[0] as string] as string;
    case 'github':
      return lookup(c.github, path);
    case 'runner':
      return lookup(c.runner, path);
    case 'steps':
      return lookup(c.steps, path);
    default:
      throw new Error(`unknown context: ${expr}`);
  }
}

const EXPR = /\$\{\{\s*(.*?)\s*\}\}/g;
const interpolate = (s: string, c: Contexts) =>
  s.replace(EXPR, (_, e: string) => String(evaluate(e, c)));
const condition = (s: string | undefined, c: Contexts) => {
  if (s === undefined) return !c.failed && !c.cancelled;
  const m = /^\$\{\{\s*(.*?)\s*\}\}$/.exec(s.trim());
  return Boolean(evaluate(m ? (m[1] as string) : s.trim(), c));
};

/**
 * A run step as GitHub runs it: its script in a file, `bash --noprofile --norc -eo pipefail
 * FILE`, bash the step's entry process. A cancel does what GitHub's does: SIGINT to the entry
 * process alone (not its children), SIGTERM 7.5 s later if it has not exited, and a kill of the
 * whole tree 2.5 s after that.
 */
function bash(
  file: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  cancel?: Promise<void>,
) {
  return new Promise<{ code: number; stdout: string; stderr: string; cancelled: boolean }>(
    (resolve, reject) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
        cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so that the kill at the end of a cancel reaches the whole tree.
        detached: true,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      let exited = false;
      let cancelled = false;
      const timers: NodeJS.Timeout[] = [];
      const killTree = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      };
      timers.push(setTimeout(killTree, timeoutMs));
      void cancel?.then(() => {
        if (exited) return;
        cancelled = true;
        child.kill('SIGINT');
        timers.push(
          setTimeout(() => {
            if (!exited) child.kill('SIGTERM');
          }, 7500),
          setTimeout(() => {
            if (!exited) killTree();
          }, 10_000),
        );
      });
      child.on('error', reject);
      child.on('exit', () => {
        exited = true;
      });
      child.on('close', (code, signal) => {
        exited = true;
        for (const t of timers) clearTimeout(t);
        // Whatever the step left behind goes with it, as a runner ends a step's tree.
        killTree();
        resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, cancelled });
      });
    },
  );
}

/** GITHUB_OUTPUT's `name<<DELIM` blocks and `name=value` lines. */
export function parseOutputFile(text: string): Dict {
  const out: Dict = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2] as string, i + 1);
      if (end < 0) throw new Error(`output ${heredoc[1]}: no closing delimiter`);
      out[heredoc[1] as string] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

export async function readAction(actionPath: string): Promise<Record<string, Yaml>> {
  return asDict(parseYaml(await readFile(join(actionPath, 'action.yml'), 'utf8')), 'action.yml');
}

export async function runAction(s: RunnerSetup, timeoutMs = 120_000): Promise<ActionRun> {
  const action = await readAction(s.actionPath);
  const declared = asDict(action.inputs, 'inputs');
  for (const k of Object.keys(s.with)) if (!(k in declared)) throw new Error(`unknown input ${k}`);
  const c: Contexts = {
    inputs: {},
    steps: {},
    github: { ...s.github, action_path: s.actionPath, workspace: s.workspace },
    runner: { temp: s.runnerTemp },
    failed: false,
    cancelled: false,
  };
  for (const [name, spec] of Object.entries(declared)) {
    const d = asDict(spec, `input ${name}`);
    c.inputs[name] = s.with[name] ?? interpolate(asString(d.default ?? '', name), c);
  }
  const runs = asDict(action.runs, 'runs');
  if (runs.using !== 'composite') throw new Error('not a composite action');
  const results: StepResult[] = [];
  let exitCode = 0;
  const scratch = await mkdtemp(join(s.runnerTemp, 'steps-'));
  for (const [n, raw] of (runs.steps as Yaml[]).entries()) {
    const step = asDict(raw, `step ${n}`);
    const name = asString(step.name ?? step.uses ?? `step ${n}`, 'name');
    const id = typeof step.id === 'string' ? step.id : `__${n}`;
    if (!condition(step.if as string | undefined, c)) {
      results.push({ name, exitCode: null, stdout: '', stderr: '' });
      continue;
    }
    const with_ = Object.fromEntries(
      Object.entries(asDict(step.with, 'with')).map(([k, v]) => [
        k,
        interpolate(asString(v, k), c),
      ]),
    );
    let result: { code: number; stdout: string; stderr: string };
    if (typeof step.uses === 'string') {
      const uses = step.uses.replace(/@.*$/, '');
      if (uses === 'actions/setup-node') result = { code: 0, stdout: '', stderr: '' };
      else if (uses === 'actions/checkout') {
        await s.standIns.checkout(with_);
        result = { code: 0, stdout: '', stderr: '' };
      } else if (uses === 'actions/upload-artifact') {
        await s.standIns.uploadArtifact(with_);
        result = { code: 0, stdout: '', stderr: '' };
      } else throw new Error(`no stand-in for ${step.uses}`);
    } else {
      if (step.shell !== 'bash') throw new Error(`${name}: a composite run step needs shell: bash`);
      const outputFile = join(scratch, `output-${n}`);
      await writeFile(outputFile, '');
      const env: NodeJS.ProcessEnv = {
        ...s.env,
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        HOME: process.env.HOME,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_ACTION_PATH: s.actionPath,
        GITHUB_WORKSPACE: s.workspace,
        GITHUB_JOB: s.github.job,
        RUNNER_TEMP: s.runnerTemp,
        GITHUB_OUTPUT: outputFile,
        ...Object.fromEntries(
          Object.entries(asDict(step.env, 'env')).map(([k, v]) => [
            k,
            interpolate(asString(v, k), c),
          ]),
        ),
      };
      const cwd =
        typeof step['working-directory'] === 'string'
          ? interpolate(step['working-directory'], c)
          : s.workspace;
      const script = join(scratch, `step-${n}.sh`);
      await writeFile(script, interpolate(asString(step.run, 'run'), c));
      const stepEnded = new AbortController();
      const cancel = s.cancel?.step === name ? s.cancel.when(stepEnded.signal) : undefined;
      const ran = await bash(script, cwd, env, timeoutMs, cancel);
      stepEnded.abort();
      // Only a cancel that was sent: one whose moment never came cancelled nothing.
      if (ran.cancelled) c.cancelled = true;
      result = ran;
      c.steps[id] = {
        outcome: result.code === 0 ? 'success' : 'failure',
        outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
      };
    }
    results.push({ name, exitCode: result.code, stdout: result.stdout, stderr: result.stderr });
    if (result.code !== 0 && !c.failed) {
      c.failed = true;
      exitCode = result.code;
    }
  }
  const outputs = Object.fromEntries(
    Object.entries(asDict(action.outputs, 'outputs')).map(([k, v]) => [
      k,
      interpolate(asString(asDict(v, k).value, k), c),
    ]),
  );
  return {
    steps: results,
    exitCode,
    outputs,
    log: results.map((r) => `## ${r.name} (${r.exitCode})\n${r.stdout}${r.stderr}`).join('\n'),
  };
}
