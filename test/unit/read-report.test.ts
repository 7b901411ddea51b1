/**
 * Reading reports back: every kind of bad input is one coded error that says what is wrong.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LATER_METRICS, METRIC_NAMES } from '../../bench/report/metrics.ts';
import { parseReport, readReport } from '../../bench/report/read.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { asVersion1, entry, makeReport, runsFrom, throwsCoded } from './fixtures.ts';

// Every metric measured (the schema allows null only where a run can fail to measure one).
const columns = Object.fromEntries(METRIC_NAMES.map((name) => [name, [1, 1, 1]]));
const good = makeReport([
  entry('busy-wait', 'sync', runsFrom({ ...columns, requestsPerSec: [47, 48, 46] }), { ms: 20 }),
]);
const text = JSON.stringify(good);

describe('parseReport', () => {
  it('returns a valid report as it was written', () => {
    assert.deepEqual(parseReport(text, 'a.json'), good);
  });

  it('calls truncated text not JSON', () => {
    throwsCoded(
      () => parseReport(text.slice(0, 200), 'a.json'),
      ERROR_CODES.BAD_REPORT,
      /^a\.json is not JSON \(truncated\?\)/,
    );
  });

  it('calls a journal a journal, and says what reads one (compare given one said "not JSON")', () => {
    throwsCoded(
      () => parseReport('{"kind":"looplab-journal","schemaVersion":2}\n{"index":0}\n', 'j.ndjson'),
      ERROR_CODES.BAD_REPORT,
      /^j\.ndjson is a journal of runs, not a report: looplab report j\.ndjson shows the runs it holds, and looplab bench --resume j\.ndjson --json FILE finishes it$/,
    );
  });

  it('calls an empty file empty', () => {
    throwsCoded(() => parseReport('  \n', 'a.json'), ERROR_CODES.BAD_REPORT, /^a\.json is empty/);
  });

  it('rejects JSON that is not a looplab report', () => {
    for (const other of ['[]', '42', 'null', '{"name":"x"}']) {
      throwsCoded(
        () => parseReport(other, 'b.json'),
        ERROR_CODES.BAD_REPORT,
        /^b\.json is not a looplab report/,
      );
    }
  });

  it('names the schemaVersion it cannot read', () => {
    throwsCoded(
      () => parseReport(JSON.stringify({ ...good, schemaVersion: 3 }), 'c.json'),
      ERROR_CODES.REPORT_VERSION,
      'c.json has schemaVersion 3; this looplab reads versions 1 and 2: re-run the benchmark with this version',
    );
  });

  it("reads a version-1 report's lag percentiles as raw, and its corrected ones as not measured", () => {
    const v1 = asVersion1(structuredClone(good));
    for (const e of v1.results) {
      e.runs.forEach((run, i) => {
        run.lagP50Ms = 2 + i;
        run.lagP99Ms = 10 + i;
      });
      e.summary.lagP99Ms = { n: 3, mean: 11, sd: 1, min: 10, max: 12, ci95: [8.52, 13.48] };
    }
    const read = parseReport(JSON.stringify(v1), 'v1.json');
    assert.equal(read.schemaVersion, 2);
    const [result] = read.results;
    assert.ok(result);
    assert.deepEqual(
      result.runs.map((r) =>
        r.state === 'completed' ? [r.lagP50Ms, r.lagP99Ms, r.lagRawP50Ms, r.lagRawP99Ms] : [],
      ),
      [
        [null, null, 2, 10],
        [null, null, 3, 11],
        [null, null, 4, 12],
      ],
    );
    assert.deepEqual(result.summary.lagRawP99Ms, {
      n: 3,
      mean: 11,
      sd: 1,
      min: 10,
      max: 12,
      ci95: [8.52, 13.48],
    });
    assert.equal(result.summary.lagP99Ms.n, 0);
    assert.equal(result.summary.lagP50Ms.mean, null);
    // lagMaxMs needs no correction: it reads as it was written.
    assert.deepEqual(result.summary.lagMaxMs, good.results[0]?.summary.lagMaxMs);
  });

  it('reads a report written before time to first byte existed, as not measured', () => {
    const old = structuredClone(good) as unknown as {
      results: { runs: Record<string, unknown>[]; summary: Record<string, unknown> }[];
    };
    for (const e of old.results) {
      for (const name of LATER_METRICS) {
        delete e.summary[name];
        for (const run of e.runs) delete run[name];
      }
    }
    assert.doesNotMatch(JSON.stringify(old), /ttfb/);
    const read = parseReport(JSON.stringify(old), 'old.json');
    const [result] = read.results;
    assert.ok(result);
    for (const run of result.runs) {
      assert.ok(run.state === 'completed');
      assert.deepEqual([run.ttfbP50Ms, run.ttfbP99Ms], [null, null]);
    }
    assert.deepEqual(result.summary.ttfbP99Ms, {
      n: 0,
      mean: null,
      sd: null,
      min: null,
      max: null,
      ci95: null,
    });
    // Everything else reads as it was written.
    assert.deepEqual(result.summary.requestsPerSec, good.results[0]?.summary.requestsPerSec);
  });

  it('derives CPU per request for a report written before it existed', () => {
    const runs = runsFrom({
      ...columns,
      cpuUserMs: [900, 1900, 2900],
      cpuSystemMs: [100, 100, 100],
    }).map((r, i) => ({ ...r, requestsTotal: [1000, 2000, 0][i] as number, serverWindowMs: 1500 }));
    const old = structuredClone(makeReport([entry('busy-wait', 'sync', runs)])) as unknown as {
      results: { runs: Record<string, unknown>[]; summary: Record<string, unknown> }[];
    };
    for (const e of old.results) {
      delete e.summary.cpuPerRequestMs;
      for (const run of e.runs) delete run.cpuPerRequestMs;
    }
    const [result] = parseReport(JSON.stringify(old), 'old.json').results;
    // (1,000 ms CPU / 1,500 ms) · 3,000 ms / 1,000 requests; then 2,000 over 2,000; none answered.
    assert.deepEqual(
      result?.runs.map((r) => (r.state === 'completed' ? r.cpuPerRequestMs : undefined)),
      [2, 2, null],
    );
    assert.deepEqual(
      [result?.summary.cpuPerRequestMs.n, result?.summary.cpuPerRequestMs.mean],
      [2, 2],
    );
  });

  it('says where a report breaks the schema', () => {
    const broken = structuredClone(good) as unknown as {
      results: { runs: Record<string, unknown>[] }[];
    };
    (broken.results[0]?.runs[1] as Record<string, unknown>).requestsPerSec = 'fast';
    throwsCoded(
      () => parseReport(JSON.stringify(broken), 'd.json'),
      ERROR_CODES.BAD_REPORT,
      /^d\.json is not a valid looplab report: results\/0\/runs\/1\/requestsPerSec must be/,
    );
  });

  it('bounds the names in a report in length as well as in form', () => {
    const named = (scenario: string, variant: string) => {
      const r = structuredClone(good) as unknown as { results: Record<string, unknown>[] };
      Object.assign(r.results[0] as object, { scenario, variant });
      return JSON.stringify(r);
    };
    assert.equal(
      parseReport(named(`a${'b'.repeat(63)}`, `v${'x'.repeat(63)}`), 'ok.json').results.length,
      1,
    );
    for (const [scenario, variant] of [
      [`a${'b'.repeat(64)}`, 'sync'],
      ['busy-wait', `v${'x'.repeat(64)}`],
      ['busy-wait', 'two words'],
      ['busy-wait', '-dash'],
    ] as const) {
      throwsCoded(
        () => parseReport(named(scenario, variant), 'n.json'),
        ERROR_CODES.BAD_REPORT,
        /^n\.json is not a valid looplab report: results\/0\/(scenario|variant) must /,
      );
    }
  });
});

describe('readReport', () => {
  const dir = mkdtemp(join(tmpdir(), 'looplab-read-report-'));
  after(async () => rm(await dir, { recursive: true, force: true }));

  it('reads a report file', async () => {
    const path = join(await dir, 'good.json');
    await writeFile(path, text);
    assert.deepEqual(await readReport(path), good);
  });

  it('says when the file does not exist', async () => {
    const path = join(await dir, 'missing.json');
    await assert.rejects(readReport(path), (err: unknown) => {
      assert.ok(err instanceof LooplabError);
      assert.equal(err.code, ERROR_CODES.NO_SUCH_FILE);
      assert.equal(err.message, `report ${path} does not exist`);
      return true;
    });
  });
});
