/**
 * The sweep's JSON Schema accepts a hand-built sweep and refuses broken ones, and readSweep
 * refuses what is not a sweep, or a version it does not know, in one line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { loadReportSchema } from '../../bench/report/read.ts';
import { findKnee, sloRate } from '../../bench/sweep/knee.ts';
import { loadSweepSchema, parseSweep, readSweep } from '../../bench/sweep/read.ts';
import { parseSlo } from '../../bench/sweep/slo.ts';
import { kneeRatio, summarizeVariant, sweepWarnings } from '../../bench/sweep/summary.ts';
import { ceilingFromMicro } from '../../bench/sweep/theory.ts';
import type { SweepReport, SweepRun } from '../../bench/sweep/types.ts';
import { ENVIRONMENT, makeReport } from './fixtures.ts';
import { step } from './sweep-fixtures.ts';

const slo = parseSlo('p99<50ms');

function sweepRun(n: number, steps = [step(10, 20), step(20, 21), step(40, 90)]): SweepRun {
  return {
    run: n,
    startedAt: '2026-12-06T07:00:00.000Z',
    state: 'completed',
    steps,
    knee: findKnee(steps, 2),
    sloPerSec: sloRate(steps, slo),
  };
}

/** A sweep of busy-wait, both variants, as the core builds one. */
function sweep(): SweepReport {
  const gen = step(400, 30, {
    achievedPerSec: 310,
    limitedBy: 'generator',
    limitedWhy: 'its CPU was busy',
  });
  const variants = [
    summarizeVariant('sync', 'busy-wait sync', [sweepRun(1)], ceilingFromMicro(20), { slo }),
    summarizeVariant(
      'async',
      'busy-wait async',
      [
        sweepRun(1, [step(10, 20), step(40, 20, { elu: null }), gen]),
        {
          run: 2,
          startedAt: '2026-12-06T07:01:00.000Z',
          state: 'failed',
          reason: 'the server exited with code 1',
          steps: [],
          knee: findKnee([], 2),
          sloPerSec: null,
        },
      ],
      null,
      { slo },
    ),
  ];
  const options = {
    rates: '10,20,40',
    stepsPerSec: [10, 20, 40],
    arrivals: 'poisson' as const,
    warmupSec: 1,
    holdSec: 5,
    settleSec: 1,
    runs: 1,
    k: 2,
    slo,
    timeoutSec: 10,
    maxConnections: 1000,
    pingRateHz: 20,
  };
  return {
    kind: 'looplab-sweep',
    schemaVersion: 1,
    createdAt: '2026-12-06T07:02:00.000Z',
    complete: true,
    environment: ENVIRONMENT,
    target: { scenario: 'busy-wait', params: { ms: 20 } },
    options,
    variants,
    kneeRatio: kneeRatio(variants),
    warnings: sweepWarnings({ variants, options }),
  };
}

describe('the sweep schema', () => {
  const ajv = new Ajv2020.default({ strict: true, allErrors: true });
  const validate = ajv.compile(loadSweepSchema());
  const valid = (doc: unknown) => {
    const ok = validate(doc);
    return ok ? 'valid' : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };

  it('accepts a sweep the core built, in memory and as written to disk', () => {
    const doc = sweep();
    assert.equal(doc.variants[1]?.runs[0]?.steps[2]?.limitedBy, 'generator');
    assert.equal(valid(doc), 'valid');
    assert.equal(valid(JSON.parse(JSON.stringify(doc))), 'valid');
    assert.equal(valid({ ...doc, target: { cmd: 'node server.js', paths: ['/orders'] } }), 'valid');
    assert.equal(valid({ ...doc, options: { ...doc.options, slo: null } }), 'valid');
  });

  it('refuses a step without its fields, or with figures out of range', () => {
    const firstStep = (doc: SweepReport) =>
      doc.variants[0]?.runs[0]?.steps[0] as unknown as Record<string, unknown>;
    for (const [field, value] of [
      ['elu', 1.2],
      ['limitedBy', 'client'],
      ['achievedPerSec', -1],
      ['offeredPerSec', 0],
      ['latencyMs', { p50: 1, p90: 2, p99: 3, max: 4 }],
    ] as const) {
      const broken = sweep();
      firstStep(broken)[field] = value;
      assert.notEqual(valid(broken), 'valid', `${field} = ${JSON.stringify(value)}`);
    }
    const missing = sweep();
    delete firstStep(missing).pingP99Ms;
    assert.notEqual(valid(missing), 'valid');
  });

  it('ties limitedWhy to limitedBy, and a failed run to its reason', () => {
    const doc = sweep();
    const noWhy = structuredClone(doc);
    const genStep = noWhy.variants[1]?.runs[0]?.steps[2];
    if (genStep) genStep.limitedWhy = null;
    assert.notEqual(valid(noWhy), 'valid');
    const noReason = structuredClone(doc);
    delete noReason.variants[1]?.runs[1]?.reason;
    assert.notEqual(valid(noReason), 'valid');
    const extra = structuredClone(doc) as unknown as Record<string, unknown>;
    extra.results = [];
    assert.notEqual(valid(extra), 'valid');
  });

  it('describes the environment as the report schema does', () => {
    const defs = (s: Record<string, unknown>) => s.$defs as Record<string, unknown>;
    assert.deepEqual(defs(loadSweepSchema()).environment, defs(loadReportSchema()).environment);
  });
});

describe('parseSweep and readSweep', () => {
  const dir = mkdtempSync(join(tmpdir(), 'looplab-sweep-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a sweep back as it was written', async () => {
    const doc = sweep();
    const file = join(dir, 'sweep.json');
    writeFileSync(file, JSON.stringify(doc));
    assert.deepEqual(await readSweep(file), JSON.parse(JSON.stringify(doc)));
  });

  it('refuses a bench report, a stranger, a version it does not know, and a broken sweep', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        const e = err as { code: string; message: string };
        return [e.code, e.message];
      }
      return 'no error';
    };
    assert.deepEqual(
      code(() => parseSweep(JSON.stringify(makeReport([])), 'a.json')),
      [
        'LOOPLAB_ERR_BAD_REPORT',
        'a.json is a looplab bench report, not a sweep; write one with: looplab sweep --json FILE',
      ],
    );
    assert.deepEqual(
      code(() => parseSweep('[1]', 'b.json')),
      [
        'LOOPLAB_ERR_BAD_REPORT',
        "b.json is not a looplab sweep (its kind is not 'looplab-sweep'); write one with: looplab sweep --json FILE",
      ],
    );
    assert.deepEqual(code(() => parseSweep('{"kind":', 'c.json'))[0], 'LOOPLAB_ERR_BAD_REPORT');
    assert.deepEqual(
      code(() => parseSweep(JSON.stringify({ ...sweep(), schemaVersion: 2 }), 'd.json')),
      [
        'LOOPLAB_ERR_REPORT_VERSION',
        'd.json has sweep schemaVersion 2; this looplab reads version 1: re-run the sweep with this version',
      ],
    );
    const broken = sweep() as unknown as { variants: { runs: { steps: { elu: number }[] }[] }[] };
    (broken.variants[0]?.runs[0]?.steps[0] as { elu: number }).elu = 2;
    assert.deepEqual(
      code(() => parseSweep(JSON.stringify(broken), 'e.json')),
      [
        'LOOPLAB_ERR_BAD_REPORT',
        'e.json is not a valid looplab sweep: variants/0/runs/0/steps/0/elu must be <= 1',
      ],
    );
  });

  it('names a file that is not there', async () => {
    await assert.rejects(
      readSweep(join(dir, 'none.json')),
      (err: { code: string; message: string }) => {
        assert.equal(err.code, 'LOOPLAB_ERR_NO_SUCH_FILE');
        assert.match(err.message, /^sweep .*none\.json does not exist$/);
        return true;
      },
    );
  });
});
