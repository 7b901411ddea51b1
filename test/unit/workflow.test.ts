/**
 * The CI workflow cannot run here, so what can be checked by reading is checked: docs/ci.md
 * links the workflow and names its steps instead of copying it, and every looplab command and
 * flag it uses exists.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../../core/package-info.ts';

const root = packageRoot();
const workflow = readFileSync(join(root, '.github', 'workflows', 'bench.yml'), 'utf8');
const ciPage = readFileSync(join(root, 'docs', 'ci.md'), 'utf8');
const read = (...path: string[]) => readFileSync(join(root, 'scripts', ...path), 'utf8');
/** Where a command's flags are declared: its module, the flags it shares, the global ones. */
const source = (command: string) =>
  read('commands', `${command}.ts`) +
  read('options', 'bench.ts') +
  read('options', 'compare.ts') +
  read('cli.ts');

describe('.github/workflows/bench.yml', () => {
  it('is linked from docs/ci.md, not copied into it', () => {
    assert.ok(
      ciPage.includes('](../.github/workflows/bench.yml)'),
      'docs/ci.md does not link ../.github/workflows/bench.yml',
    );
    assert.doesNotMatch(ciPage, /```ya?ml/, 'docs/ci.md pastes YAML; link the workflow instead');
  });

  it('has each of its named steps explained in docs/ci.md', () => {
    const steps = [...workflow.matchAll(/^\s+- name: (.+)$/gm)].map((m) => m[1]?.trim() ?? '');
    assert.ok(steps.length >= 5, `found only ${steps.length} named steps`);
    for (const step of steps)
      assert.ok(ciPage.includes(`**${step}`), `docs/ci.md does not explain the step "${step}"`);
  });

  it('uses only commands and flags looplab has', () => {
    const calls = [...workflow.matchAll(/cli\.js"? (\w+)((?:\\\n|[^\n])*)/g)];
    assert.deepEqual([...new Set(calls.map((m) => m[1]))].sort(), ['bench', 'compare', 'merge']);
    const flags = calls.flatMap(([, command, rest]) =>
      [...(rest ?? '').matchAll(/--([a-z-]+)/g)].map((m) => `${command} --${m[1]}`),
    );
    assert.deepEqual(flags, ['bench --runs', 'bench --json', 'bench --quiet']);
    for (const flag of flags) {
      const [command, name] = flag.split(' --') as [string, string];
      assert.ok(source(command).includes(`'${name}'`), `${command} has no --${name}`);
    }
  });
});
