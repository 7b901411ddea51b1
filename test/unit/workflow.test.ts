/**
 * The CI workflow cannot run here, so what can be checked by reading is checked: docs/ci.md
 * links the workflow and names its steps instead of copying it, and every looplab command and
 * flag it uses exists.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import yargs, { type Argv, type CommandModule } from 'yargs';
import { packageRoot } from '../../core/package-info.ts';
import { benchCommand } from '../../scripts/commands/bench.ts';
import { compareCommand } from '../../scripts/commands/compare.ts';
import { mergeCommand } from '../../scripts/commands/merge.ts';
import { withGlobalFlags } from '../../scripts/options/global.ts';
import type { GlobalArgs } from '../../scripts/shared/context.ts';

const root = packageRoot();
const workflow = readFileSync(join(root, '.github', 'workflows', 'bench.yml'), 'utf8');
const ciPage = readFileSync(join(root, 'docs', 'ci.md'), 'utf8');
const commands: Record<string, CommandModule<GlobalArgs, never>> = {
  bench: benchCommand as never,
  compare: compareCommand as never,
  merge: mergeCommand as never,
};

/** The flags a command really has, as yargs builds it: its own and the global ones. */
function flagsOf(command: string): string[] {
  const module = commands[command];
  assert.ok(module, `no command ${command}`);
  const built = (module.builder as (y: Argv<GlobalArgs>) => Argv)(withGlobalFlags(yargs([])));
  // getOptions() is yargs' own, though @types/yargs does not declare it.
  const { key } = (built as unknown as { getOptions(): { key: object } }).getOptions();
  return Object.keys(key);
}

describe('.github/workflows/bench.yml', () => {
  it('is linked from docs/ci.md, not copied into it', () => {
    assert.ok(
      ciPage.includes('](../.github/workflows/bench.yml)'),
      'docs/ci.md does not link ../.github/workflows/bench.yml',
    );
    // The action's few lines may be shown; a workflow's steps are linked, never pasted.
    for (const [block] of ciPage.matchAll(/```ya?ml[\s\S]*?```/g)) {
      assert.doesNotMatch(block, /\brun:/, 'docs/ci.md pastes a workflow; link it instead');
    }
  });

  it('has each of its named steps explained in docs/ci.md', () => {
    const steps = [...workflow.matchAll(/^\s+- name: (.+)$/gm)].map((m) => m[1]?.trim() ?? '');
    assert.ok(steps.length >= 5, `found only ${steps.length} named steps`);
    for (const step of steps)
      assert.ok(ciPage.includes(`**${step}`), `docs/ci.md does not explain the step "${step}"`);
  });

  it('knows a flag a command lacks when it sees one', () => {
    assert.ok(flagsOf('bench').includes('runs') && flagsOf('bench').includes('quiet'));
    assert.ok(!flagsOf('merge').includes('runs'));
  });

  it('uses only commands and flags looplab has', () => {
    const calls = [...workflow.matchAll(/cli\.js"? (\w+)((?:\\\n|[^\n])*)/g)];
    assert.deepEqual([...new Set(calls.map((m) => m[1]))].sort(), ['bench', 'compare', 'merge']);
    const flags = calls.flatMap(([, command, rest]) =>
      [...(rest ?? '').matchAll(/--([a-z-]+)/g)].map((m) => `${command} --${m[1]}`),
    );
    // The base's looplab runs these too: only flags every looplab with merge has (never
    // --journal, which an older base refuses; a newer one keeps its journal beside --json).
    assert.deepEqual(flags, ['bench --runs', 'bench --json', 'bench --quiet']);
    for (const flag of flags) {
      const [command, name] = flag.split(' --') as [string, string];
      assert.ok(flagsOf(command).includes(name), `${command} has no --${name}`);
    }
  });
});

describe('the journals of a job cut short', () => {
  const step = (yml: string, name: string) =>
    yml.split(/^\s+- name: /m).find((s) => s.startsWith(name)) ?? '';

  it('bench.yml uploads reports/, where each round keeps its journal, also when a step failed', () => {
    const upload = step(workflow, 'Upload both reports');
    assert.match(upload, /if: always\(\)/);
    assert.match(upload, /path: reports\//);
    assert.match(workflow, /--json "\$reports\/\$side-\$round\.json"/);
    assert.ok(ciPage.includes('.json.journal.ndjson'), 'docs/ci.md names the journals');
  });

  it('the action uploads the folder its bench writes its report (and journal) to, also on failure', () => {
    const action = readFileSync(join(root, 'action.yml'), 'utf8');
    const main = readFileSync(join(root, 'scripts', 'action', 'main.ts'), 'utf8');
    const upload = step(action, 'Upload the reports');
    assert.match(upload, /if: always\(\)/);
    assert.match(upload, /path: \$\{\{ runner\.temp \}\}\/looplab/);
    // The journal is beside --json, in the uploaded folder; --no-journal would lose it.
    assert.match(main, /'--json',\s+join\(p\.out, 'report\.json'\)/);
    assert.doesNotMatch(main, /--no-journal/);
  });
});

describe('docs/examples/bench-own-server.yml, the CI gate for a team’s own app', () => {
  const example = readFileSync(join(root, 'docs', 'examples', 'bench-own-server.yml'), 'utf8');
  const page = readFileSync(join(root, 'docs', 'own-server.md'), 'utf8');

  it('is linked from docs/own-server.md, not copied into it', () => {
    assert.ok(page.includes('](examples/bench-own-server.yml)'));
    assert.doesNotMatch(page, /```ya?ml/);
  });

  it('has each of its named steps explained in docs/own-server.md', () => {
    const steps = [...example.matchAll(/^\s+- name: (.+)$/gm)].map((m) => m[1]?.trim() ?? '');
    assert.ok(steps.length >= 5, `found only ${steps.length} named steps`);
    for (const step of steps)
      assert.ok(page.includes(`**${step}`), `docs/own-server.md does not explain "${step}"`);
  });

  it('uses only flags looplab bench has, and pairs the two checkouts', () => {
    const calls = [
      ...example.matchAll(/node looplab\/dist\/scripts\/cli\.js (\w+)((?:\\\n|[^\n])*)/g),
    ];
    assert.deepEqual(
      calls.map((m) => m[1]),
      ['bench'],
    );
    const flags = [...(calls[0]?.[2] ?? '').matchAll(/--([a-z-]+)/g)].map((m) => m[1] as string);
    assert.deepEqual(flags, [
      'cmd',
      'vs-cmd',
      'path',
      'path',
      'name',
      'vs-name',
      'runs',
      'threshold',
      'json',
      'quiet',
    ]);
    for (const flag of flags) assert.ok(flagsOf('bench').includes(flag), `bench has no --${flag}`);
    assert.match(calls[0]?.[2] ?? '', /--cmd "cd base && \$START" --vs-cmd "cd head && \$START"/);
  });
});

describe('action.yml, the GitHub Action', () => {
  const action = readFileSync(join(root, 'action.yml'), 'utf8');
  const section = (name: string) =>
    [
      ...(action.split(/^(?=\w)/m).find((s) => s.startsWith(`${name}:`)) ?? '').matchAll(
        /^ {2}([\w-]+):$/gm,
      ),
    ].map((m) => m[1] as string);

  it('has every input and output in the table of docs/ci.md, and no other', () => {
    const inputs = section('inputs');
    const outputs = section('outputs');
    assert.ok(inputs.length >= 15 && outputs.length === 4, `${inputs} / ${outputs}`);
    const tables = ciPage.slice(ciPage.indexOf('### Inputs'), ciPage.indexOf('### The verdict'));
    const documented = [...tables.matchAll(/^\| `([\w-]+)` +\|/gm)].map((m) => m[1] as string);
    assert.deepEqual(documented.sort(), [...inputs, ...outputs].sort());
  });

  it('has each of its named steps explained in docs/ci.md', () => {
    const steps = [...action.matchAll(/^\s+- name: (.+)$/gm)].map((m) => m[1]?.trim() ?? '');
    assert.ok(steps.length >= 7, `found only ${steps.length} named steps`);
    for (const step of steps.filter((s) => s !== 'Set up Node'))
      assert.ok(ciPage.includes(`**${step}`), `docs/ci.md does not explain the step "${step}"`);
  });

  it('pins the major version of each of GitHub’s own actions it uses, and no other action', () => {
    const uses = [...action.matchAll(/uses: (\S+)/g)].map((m) => m[1] as string);
    assert.deepEqual(uses.sort(), [
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'actions/upload-artifact@v4',
    ]);
  });

  it('leaves the token in no checkout: every actions/checkout sets persist-credentials: false', () => {
    // checkout's default writes the token into <path>/.git/config, which the benchmarked app,
    // run in that folder, can read.
    for (const file of [
      'action.yml',
      'docs/examples/looplab-action.yml',
      'docs/examples/bench-own-server.yml',
    ]) {
      const text = readFileSync(join(root, file), 'utf8');
      const checkouts = text
        .split(/^\s+(?:- )?uses: /m)
        .filter((s) => s.startsWith('actions/checkout@'));
      assert.ok(checkouts.length > 0, file);
      for (const c of checkouts) {
        const block = c.split(/^\s+- /m)[0] ?? '';
        assert.match(block, /^\s+persist-credentials: false\b/m, `${file}: ${block}`);
      }
    }
  });

  it('passes the token to the comment step alone', () => {
    const steps = action.split(/^ {4}- name: /m).slice(1);
    const withToken = steps.filter((s) => s.includes('inputs.github-token'));
    assert.equal(withToken.length, 1);
    assert.match(withToken[0] ?? '', /^Compare, comment and gate/);
  });
});

describe('.github/workflows/test.yml, the suite on a fork', () => {
  const tests = readFileSync(join(root, '.github', 'workflows', 'test.yml'), 'utf8');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    engines: { node: string };
  };

  it("runs the README's test command and nothing in its place", () => {
    const runs = [...tests.matchAll(/^\s+(?:- )?run: (.+)$/gm)].map((m) => m[1]?.trim());
    assert.ok(readme.includes('npm test'), 'the README no longer names npm test');
    assert.deepEqual(
      runs.filter((r) => r !== 'npm ci --no-audit --no-fund'),
      ['npm test', 'npm test'],
      'test.yml runs something besides npm ci and npm test',
    );
  });

  it("tests every Node major package.json's engines admit, on Linux and macOS", () => {
    const majors = [...pkg.engines.node.matchAll(/(?:\^|>=)(\d+)/g)].map((m) => Number(m[1]));
    const matrix = /node: \[([^\]]+)\]/
      .exec(tests)?.[1]
      ?.split(',')
      .map((v) => Number(v.trim()));
    assert.deepEqual(matrix, [...new Set(majors)]);
    assert.match(tests, /os: \[ubuntu-latest, macos-latest\]/);
  });
});
