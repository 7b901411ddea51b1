/**
 * The README is part of the interface: every error code, scenario and report metric the code
 * has is documented there, and the README documents nothing the code does not have.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { METRIC_NAMES } from '../../bench/report/metrics.ts';
import { ERROR_CODES } from '../../core/errors.ts';
import { packageRoot } from '../../core/package-info.ts';
import { allScenarios, variantNames } from '../../scenarios/registry.ts';

const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');

/** The rows of the Markdown table that follows `## heading`. */
function tableRows(heading: string): string[][] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has no "## ${heading}" section`);
  const section = readme.slice(start + 1).split(/\n## /)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-:| ]+\|$/.test(line))
    .slice(1)
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
}

const codeIn = (cell: string | undefined) =>
  [...(cell ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]);

describe('README', () => {
  it('documents exactly the error codes of bench/errors.ts', () => {
    const documented = tableRows('Errors').flatMap((row) => codeIn(row[0]));
    assert.deepEqual([...documented].sort(), Object.values(ERROR_CODES).sort());
  });

  it('lists every scenario with its variants', () => {
    const rows = tableRows('Scenarios');
    for (const s of allScenarios.filter((x) => x.id !== 'noop')) {
      const row = rows.find((r) => codeIn(r[0])[0] === s.id);
      assert.ok(row, `README has no row for ${s.id}`);
      assert.deepEqual(codeIn(row[1]), variantNames(s), `${s.id} variants`);
      for (const param of Object.keys(s.params))
        assert.ok(codeIn(row[2]).includes(param), `${s.id} param ${param}`);
    }
  });

  it('names the calibration scenario', () => {
    assert.match(readme, /`noop`/);
  });

  it('documents every per-run metric of the report', () => {
    const documented = tableRows('The report').flatMap((row) => codeIn(row[0]));
    for (const name of METRIC_NAMES)
      assert.ok(documented.includes(name), `${name} is not in the README`);
  });

  it('starts with the two commands that set everything up', () => {
    const firstBlock = readme.match(/```sh\n([\s\S]*?)```/)?.[1] ?? '';
    const commands = firstBlock
      .split('\n')
      .map((l) => l.replace(/#.*$/, '').trim())
      .filter(Boolean);
    assert.deepEqual(commands, ['npm install && npm start', 'npm test']);
  });
});
