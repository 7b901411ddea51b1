/**
 * compare and merge as a user meets them on the command line: merging keeps every run, reports
 * of different options are refused, --help explains both, and bad reports and flags get one
 * line and exit 2. Only behaviour is checked, on tiny real reports: it runs in the checking
 * lane. Comparing real measurements is compare.test.ts's job.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Report } from '../../bench/report/types.ts';
import { cli, tinyBusyWaitReport } from './helpers.ts';

let dir: string;
const at = (name: string) => join(dir, name);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'looplab-compare-cli-'));
  // One tiny benchmark, saved twice: what these tests check does not depend on what it measured.
  // b.json's runs start an hour later, as another benchmark's would: merge skips a run it has.
  const report = await tinyBusyWaitReport(3);
  await writeFile(at('a.json'), JSON.stringify(report));
  const hourLater = (iso: string) => new Date(Date.parse(iso) + 3_600_000).toISOString();
  await writeFile(
    at('b.json'),
    JSON.stringify({
      ...report,
      results: report.results.map((e) => ({
        ...e,
        runs: e.runs.map((r) => ({ ...r, startedAt: hourLater(r.startedAt) })),
      })),
    }),
  );
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('looplab merge and --help', () => {
  test('merge keeps every run of both reports', async () => {
    const r = await cli(['merge', at('ab.json'), at('a.json'), at('b.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /wrote .*ab\.json: 2 reports, up to 6 runs a variant/);
    const merged = JSON.parse(await readFile(at('ab.json'), 'utf8')) as Report;
    assert.deepEqual(
      merged.results.map((e) => `${e.variant} ${e.runs.map((run) => run.run).join(',')}`),
      ['sync 1,2,3,4,5,6', 'async 1,2,3,4,5,6'],
    );
  });

  test('merge refuses reports of different options', async () => {
    const other = JSON.parse(await readFile(at('a.json'), 'utf8')) as Report;
    other.options.durationSec = 0.5;
    await writeFile(at('other.json'), JSON.stringify(other));
    const m = await cli(['merge', at('x.json'), at('a.json'), at('other.json')]);
    assert.equal(m.code, 2, m.stderr);
    assert.match(
      m.stderr,
      /^looplab: .*durationSec 0\.6 vs 0\.5.*\[LOOPLAB_ERR_REPORTS_DIFFER\]\n$/,
    );
  });

  test('compare and merge explain themselves', async () => {
    for (const command of ['compare', 'merge']) {
      const r = await cli([command, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`Examples:\\n {2}looplab ${command} `));
    }
  });
});

describe('compare: bad input is one line and exit 2', () => {
  const cases: [string, () => Promise<string[]>, string, RegExp][] = [
    [
      'a missing file',
      async () => [at('none.json'), at('a.json')],
      'NO_SUCH_FILE',
      /does not exist/,
    ],
    [
      'a truncated file',
      async () => {
        const text = await readFile(at('a.json'), 'utf8');
        await writeFile(at('truncated.json'), text.slice(0, text.length / 2));
        return [at('a.json'), at('truncated.json')];
      },
      'BAD_REPORT',
      /is not JSON \(truncated\?\)/,
    ],
    [
      'JSON that is not a report',
      async () => {
        await writeFile(at('package.json'), '{"name": "x"}');
        return [at('package.json'), at('a.json')];
      },
      'BAD_REPORT',
      /is not a looplab report/,
    ],
    [
      'another schemaVersion',
      async () => {
        const doc = JSON.parse(await readFile(at('a.json'), 'utf8'));
        await writeFile(at('v3.json'), JSON.stringify({ ...doc, schemaVersion: 3 }));
        return [at('a.json'), at('v3.json')];
      },
      'REPORT_VERSION',
      /has schemaVersion 3; this looplab reads versions 1 and 2/,
    ],
    [
      'a threshold without %',
      async () => [at('a.json'), at('b.json'), '--threshold', '0.1'],
      'BAD_OPTION',
      /--threshold takes a percentage like 10%/,
    ],
    [
      'a threshold for an unknown metric',
      async () => [at('a.json'), at('b.json'), '--threshold', 'lag=25%'],
      'BAD_OPTION',
      /unknown metric 'lag'/,
    ],
    [
      'an unknown metric',
      async () => [at('a.json'), at('b.json'), '--metrics', 'requestsPerSec,rps'],
      'BAD_OPTION',
      /unknown metric 'rps'/,
    ],
    [
      'alpha out of range',
      async () => [at('a.json'), at('b.json'), '--alpha', '5'],
      'BAD_OPTION',
      /--alpha must be a number between 0 and 1/,
    ],
  ];
  for (const [name, args, code, message] of cases) {
    test(name, async () => {
      const r = await cli(['compare', ...(await args())]);
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? '', new RegExp(`^looplab: .*\\[LOOPLAB_ERR_${code}\\]$`));
      assert.match(lines[0] ?? '', message);
      assert.equal(r.stdout, '');
    });
  }
});
