/**
 * The CI workflow cannot run here, so what can be checked by reading is checked: the README
 * shows it as it is, and every looplab command and flag it uses exists.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../../core/package-info.ts';

const root = packageRoot();
const workflow = readFileSync(join(root, '.github', 'workflows', 'bench.yml'), 'utf8');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const read = (...path: string[]) => readFileSync(join(root, 'scripts', ...path), 'utf8');
/** Where a command's flags are declared: its module, the flags it shares, the global ones. */
const source = (command: string) =>
  read('commands', `${command}.ts`) +
  read('options', 'bench.ts') +
  read('options', 'compare.ts') +
  read('cli.ts');

describe('.github/workflows/bench.yml', () => {
  it('is shown verbatim in the README', () => {
    assert.ok(readme.includes(`\`\`\`yaml\n${workflow}\`\`\``), 'README and workflow differ');
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
