/**
 * The README and docs/ are part of the interface: every error code, scenario and report metric
 * the code has is documented, and the documentation lists nothing the code does not have. The
 * README is the front door: it starts with the set-up commands and stays short.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { METRIC_NAMES } from '../../bench/report/metrics.ts';
import { DEFAULT_OPTIONS } from '../../bench/run/options.ts';
import { ERROR_CODES } from '../../core/errors.ts';
import { packageRoot } from '../../core/package-info.ts';
import { allScenarios, scenarios, variantNames } from '../../scenarios/registry.ts';

const read = (...path: string[]) => readFileSync(join(packageRoot(), ...path), 'utf8');
const readme = read('README.md');
const errorsPage = read('docs', 'errors.md');
const reportPage = read('docs', 'report-format.md');

/** The rows of the Markdown table that follows `## heading` in `doc` (named `name`). */
function tableRows(doc: string, name: string, heading: string): string[][] {
  const start = doc.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `${name} has no "## ${heading}" section`);
  const section = doc.slice(start + 1).split(/\n## /)[0] ?? '';
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

describe('README and docs', () => {
  it('documents exactly the error codes of core/errors.ts (docs/errors.md)', () => {
    const documented = tableRows(errorsPage, 'docs/errors.md', 'Error codes').flatMap((row) =>
      codeIn(row[0]),
    );
    assert.deepEqual([...documented].sort(), Object.values(ERROR_CODES).sort());
  });

  for (const [name, doc, heading] of [
    ['README', readme, 'Scenarios'],
    ['docs/scenarios.md', read('docs', 'scenarios.md'), 'Every scenario'],
  ] as const)
    it(`${name} lists every scenario with its variants and parameters`, () => {
      const rows = tableRows(doc, name, heading);
      for (const s of allScenarios.filter((x) => x.id !== 'noop')) {
        const row = rows.find((r) => codeIn(r[0])[0] === s.id);
        assert.ok(row, `${name} has no row for ${s.id}`);
        assert.deepEqual(codeIn(row[1]), variantNames(s), `${s.id} variants`);
        for (const param of Object.keys(s.params))
          assert.ok(codeIn(row[2]).includes(param), `${s.id} param ${param}`);
      }
    });

  it("counts the default bench's runs as the registry does", () => {
    const variants = scenarios.reduce((n, s) => n + variantNames(s).length, 0);
    const runs = variants * DEFAULT_OPTIONS.runs;
    const text = `${runs} runs (${scenarios.length} scenarios, ${variants} variants × ${DEFAULT_OPTIONS.runs} runs)`;
    assert.ok(readme.replace(/\s+/g, ' ').includes(text), `README should say: ${text}`);
  });

  it('names the calibration scenario', () => {
    assert.match(readme, /`noop`/);
  });

  it('documents every per-run metric of the report (docs/report-format.md)', () => {
    const documented = tableRows(reportPage, 'docs/report-format.md', 'Per-run metrics').flatMap(
      (row) => codeIn(row[0]),
    );
    for (const name of METRIC_NAMES)
      assert.ok(documented.includes(name), `${name} is not in docs/report-format.md`);
  });

  it('starts with the two commands that set everything up', () => {
    const firstBlock = readme.match(/```sh\n([\s\S]*?)```/)?.[1] ?? '';
    const commands = firstBlock
      .split('\n')
      .map((l) => l.replace(/#.*$/, '').trim())
      .filter(Boolean);
    assert.deepEqual(commands, ['npm install && npm start', 'npm test']);
  });

  it('keeps the README under 20 kB: the reference lives in docs/', () => {
    const bytes = Buffer.byteLength(readme, 'utf8');
    assert.ok(bytes < 20_000, `README.md is ${bytes} bytes; move reference text to docs/`);
  });
});
