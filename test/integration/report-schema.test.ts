/**
 * A real, tiny benchmark (child servers on loopback) produces a report that the published
 * schema accepts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { loadReportSchema } from '../../bench/report/read.ts';
import { tinyBusyWaitReport } from './helpers.ts';

describe('report schema, real benchmark', () => {
  it('accepts the report of a tiny busy-wait benchmark', { timeout: 60_000 }, async () => {
    // ajv is CommonJS: under nodenext the default import is module.exports, whose `default` is the class.
    const ajv = new Ajv2020.default({ strict: true, allErrors: true });
    const validate = ajv.compile(loadReportSchema());
    const report = await tinyBusyWaitReport();

    const runs = report.results.flatMap((r) => r.runs);
    assert.deepEqual(
      report.results.map((r) => [r.variant, r.runs.length]),
      [
        ['sync', 1],
        ['async', 1],
      ],
    );
    for (const run of runs) {
      assert.equal(
        run.state,
        'completed',
        run.state === 'failed' ? `run failed: ${run.code} ${run.reason}` : '',
      );
    }

    // In memory (NaN and Infinity are rejected) and as written to disk.
    for (const doc of [report, JSON.parse(JSON.stringify(report))]) {
      const ok = validate(doc);
      assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    }
  });
});
