/**
 * bench/report/report.schema.json against reports built by the real (pure) builders, and against
 * mutations of them that the schema exists to catch.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020.js';
import { buildResultEntry } from '../../bench/report/build.ts';
import { LATER_METRICS, LATER_SUMMARIES, METRIC_NAMES } from '../../bench/report/metrics.ts';
import { loadReportSchema } from '../../bench/report/read.ts';
import { buildCompletedRun, type RunInputs } from '../../bench/report/run-record.ts';
import {
  type CompletedRun,
  type Environment,
  type FailedRun,
  type Report,
  type ResultEntry,
  SCHEMA_VERSION,
} from '../../bench/report/types.ts';
import { scenarioVerdict } from '../../bench/report/verdict.ts';
import { reportWarnings } from '../../bench/report/warnings.ts';
import { asVersion1 } from './fixtures.ts';

const schema = loadReportSchema();
// ajv is CommonJS: under nodenext the default import is module.exports, whose `default` is the class.
const ajv = new Ajv2020.default({ strict: true, allErrors: true });
const validate = ajv.compile(schema);

function errorsOf(doc: unknown): ErrorObject[] {
  return validate(doc) ? [] : (validate.errors ?? []);
}

const STARTED = '2024-05-01T12:00:00.000Z';

/** One run's raw measurements, as measureRun would gather them; `probe: false` switches the probe off. */
function inputs(run: number, opts: { probe?: boolean; pings?: number[] } = {}): RunInputs {
  const pings = opts.pings ?? [0.8, 1.2, 0.9, 14.5, 1.1];
  return {
    run,
    startedAt: STARTED,
    serverPid: 4000 + run,
    load: {
      elapsedMs: 2003.7,
      requestsTotal: 96 + run,
      bytesTotal: 1_843_200 + run,
      latencyP50Ms: 101,
      latencyP90Ms: 180,
      latencyP99Ms: 203,
      latencyMaxMs: 240 + run,
      errors: 0,
      timeouts: run === 2 ? 1 : 0,
      non2xx: 0,
      ttfbMs: [100.5, 99, 150],
    },
    ping: { latenciesMs: pings, timeoutMs: 10_000, sent: pings.length + 1, errors: 1, timeouts: 0 },
    probe:
      opts.probe === false
        ? null
        : {
            windowMs: 2004.1,
            lagP50Ms: 19.9 + run,
            lagP99Ms: 20.4,
            lagRawP50Ms: 9.9 + run,
            lagRawP99Ms: 20.1,
            lagMaxMs: 21.3,
            lagSamples: 95,
            elu: 0.9871,
            cpuUserMs: 1890.5,
            cpuSystemMs: 12.25,
            loopCpuMs: 1850,
            rssMaxBytes: 61_210_624,
            heapUsedMaxBytes: 7_340_032,
            timelineIntervalMs: 100,
            timeline: [
              { tMs: 100.2, lagMaxMs: 20.1, elu: 0.99 },
              { tMs: 200.5, lagMaxMs: 21.3, elu: 1 },
            ],
          },
    generator: { elu: 0.41234, cpuPct: 55.55 },
  };
}

const environment: Environment = {
  node: 'v20.19.0',
  v8: '11.3.244.8-node.26',
  platform: 'linux',
  arch: 'x64',
  cpuModel: 'Test CPU @ 3.00GHz',
  cpuCount: 8,
  totalMemoryBytes: 16_777_216_000,
  loadAverage: [0.52, 0.4, 0.31],
  uvThreadpoolSize: null,
  looplabVersion: '0.1.0',
  gitCommit: '0123456789abcdef0123456789abcdef01234567',
};

/**
 * busy-wait sync: runs 1 and 2 completed, run 3 failed, given out of order (n = 2 summaries);
 * busy-wait async: one run with the probe off and no /ping answered (n = 1 and n = 0 summaries).
 */
function syntheticReport(): Report {
  const params = { ms: 20 };
  const failed: FailedRun = {
    state: 'failed',
    run: 3,
    startedAt: STARTED,
    code: 'LOOPLAB_ERR_SERVER_START',
    reason: 'the server child exited before it reported its port',
  };
  const results: ResultEntry[] = [
    buildResultEntry('busy-wait', 'sync', params, [
      buildCompletedRun(inputs(2)),
      failed,
      buildCompletedRun(inputs(1)),
    ]),
    buildResultEntry('busy-wait', 'async', params, [
      buildCompletedRun(inputs(1, { probe: false, pings: [] })),
    ]),
  ];
  return {
    schemaVersion: SCHEMA_VERSION,
    createdAt: STARTED,
    environment,
    options: {
      durationSec: 2,
      warmupSec: 0.5,
      connections: 10,
      runs: 3,
      pingRateHz: 50,
      timeoutSec: 10,
      timelineIntervalMs: 100,
      scenarios: ['busy-wait'],
      params: { 'busy-wait': params },
    },
    results,
    verdicts: [{ scenario: 'busy-wait', text: scenarioVerdict(results) }],
    warnings: reportWarnings(results),
  };
}

/** The report as it is written to disk. */
function asJson(report: Report): Report {
  return JSON.parse(JSON.stringify(report)) as Report;
}

/**
 * Asserts that the mutated report is rejected with `keyword` at `path`, and that every error
 * lies at or under `scope`: the mutation, not something else, is what failed.
 */
function assertRejected(
  mutate: (doc: Report) => void,
  path: string,
  keyword: string,
  scope: string = path,
): ErrorObject[] {
  const doc = asJson(syntheticReport());
  mutate(doc);
  const errors = errorsOf(doc);
  const seen = errors.map((e) => `${e.instancePath} ${e.keyword}`).join(', ');
  assert.ok(errors.length > 0, 'the mutated report was accepted');
  assert.ok(
    errors.some((e) => e.instancePath === path && e.keyword === keyword),
    `expected "${keyword}" at ${path}, got: ${seen}`,
  );
  for (const e of errors) {
    assert.ok(
      e.instancePath === scope || e.instancePath.startsWith(`${scope}/`),
      `error outside ${scope}: ${e.instancePath} ${e.keyword} (${e.message})`,
    );
  }
  return errors;
}

describe('report schema', () => {
  it('compiles in strict mode, with the metadata a published schema needs', () => {
    assert.equal(typeof validate, 'function');
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.$id, 'https://looplab.dev/schema/report-v2.json');
    assert.equal(typeof schema.title, 'string');
    assert.equal(typeof schema.description, 'string');
  });

  it('lists exactly the metrics of bench/metrics.ts, each with a description; later ones optional', () => {
    const defs = schema.$defs as Record<
      string,
      { required: string[]; properties: Record<string, { description?: string }> }
    >;
    const summaries = defs.metricSummaries;
    const completed = defs.completedRun;
    assert.ok(summaries && completed);
    const first = METRIC_NAMES.filter((name) => !LATER_METRICS.includes(name));
    const firstSummaries = first.filter((name) => !LATER_SUMMARIES.includes(name));
    assert.deepEqual([...summaries.required].sort(), [...firstSummaries].sort());
    assert.deepEqual(Object.keys(summaries.properties).sort(), [...METRIC_NAMES].sort());
    for (const name of METRIC_NAMES) {
      assert.equal(
        completed.required.includes(name),
        first.includes(name),
        `completedRun requires ${name} exactly when it is not a later metric`,
      );
      assert.match(completed.properties[name]?.description ?? '', /\S/, `${name}: no description`);
    }
  });

  it('accepts a report built by the real builders, in memory and as JSON', () => {
    const report = syntheticReport();
    const sync = report.results[0];
    const async = report.results[1];
    assert.ok(sync && async);
    // The synthetic report covers every shape a summary can take.
    assert.equal(sync.summary.requestsPerSec.n, 2);
    assert.equal(async.summary.requestsPerSec.n, 1);
    assert.equal(async.summary.lagP99Ms.n, 0);
    assert.deepEqual(
      sync.runs.map((r) => [r.run, r.state]),
      [
        [1, 'completed'],
        [2, 'completed'],
        [3, 'failed'],
      ],
    );
    assert.deepEqual(errorsOf(report), []);
    assert.deepEqual(errorsOf(asJson(report)), []);
  });

  it('rejects a wrong schemaVersion', () => {
    assertRejected(
      (doc) => {
        (doc as { schemaVersion: number }).schemaVersion = 3;
      },
      '/schemaVersion',
      'enum',
    );
  });

  it('accepts a partial report (complete: false, stoppedBy, plannedRuns) and a complete one', () => {
    const partial = {
      ...asJson(syntheticReport()),
      complete: false,
      stoppedBy: 'SIGINT',
      plannedRuns: 6,
    };
    assert.deepEqual(errorsOf(partial), []);
    assert.deepEqual(errorsOf({ ...asJson(syntheticReport()), complete: true }), []);
  });

  it('rejects complete: false without its planned runs, and either of them beside complete: true', () => {
    const partial = (doc: Report) =>
      Object.assign(doc, { complete: false, stoppedBy: 'SIGTERM', plannedRuns: 6 });
    // Without its signal: a report made from an unfinished journal, whose stop is not known.
    const { stoppedBy: _, ...unfinished } = partial(syntheticReport());
    assert.deepEqual(errorsOf(JSON.parse(JSON.stringify(unfinished))), []);
    assertRejected(
      (doc) => {
        delete (partial(doc) as Report).plannedRuns;
      },
      '',
      'required',
    );
    assertRejected(
      (doc) => {
        Object.assign(doc, { stoppedBy: 'SIGHUP', complete: false, plannedRuns: 6 });
      },
      '/stoppedBy',
      'enum',
      '',
    );
    assertRejected(
      (doc) => {
        Object.assign(doc, { complete: true, stoppedBy: 'SIGINT' });
      },
      '/stoppedBy',
      'false schema',
      '',
    );
    assertRejected(
      (doc) => {
        Object.assign(doc, { complete: false, stoppedBy: 'SIGINT', plannedRuns: 0 });
      },
      '/plannedRuns',
      'minimum',
      '',
    );
  });

  it('accepts a version-1 report, which has no raw lag names', () => {
    const doc = asVersion1(asJson(syntheticReport()));
    assert.equal(JSON.stringify(doc).includes('lagRaw'), false);
    assert.deepEqual(errorsOf(doc), []);
  });

  it('rejects a completed run with a metric missing', () => {
    const errors = assertRejected(
      (doc) => {
        const run = doc.results[0]?.runs[0];
        assert.ok(run);
        delete (run as Partial<CompletedRun>).lagP99Ms;
      },
      '/results/0/runs/0',
      'required',
    );
    assert.ok(errors.some((e) => e.params.missingProperty === 'lagP99Ms'));
  });

  it('accepts a report without the later metrics, and rejects a negative one', () => {
    const doc = asJson(syntheticReport());
    for (const e of doc.results) {
      for (const name of LATER_METRICS) {
        delete (e.summary as Partial<typeof e.summary>)[name];
        for (const run of e.runs) delete (run as Partial<CompletedRun>)[name];
      }
      for (const name of LATER_SUMMARIES) delete (e.summary as Partial<typeof e.summary>)[name];
    }
    assert.deepEqual(errorsOf(doc), []);
    assertRejected(
      (d) => {
        const run = d.results[0]?.runs[0] as CompletedRun;
        run.ttfbP99Ms = -1;
      },
      '/results/0/runs/0/ttfbP99Ms',
      'minimum',
      '/results/0/runs/0',
    );
  });

  it('accepts a run with the bytes its scenario wrote, and rejects a fraction or a negative count', () => {
    const doc = asJson(syntheticReport());
    (doc.results[0]?.runs[0] as CompletedRun).outputBytes = 25_600;
    assert.deepEqual(errorsOf(doc), []);
    for (const bad of [-1, 1.5]) {
      assertRejected(
        (d) => {
          (d.results[0]?.runs[0] as CompletedRun).outputBytes = bad;
        },
        '/results/0/runs/0/outputBytes',
        bad < 0 ? 'minimum' : 'type',
        '/results/0/runs/0',
      );
    }
  });

  it('rejects an unknown key in a summary', () => {
    const errors = assertRejected(
      (doc) => {
        const summary = doc.results[0]?.summary as unknown as Record<string, unknown>;
        summary.throughput = summary.requestsPerSec;
      },
      '/results/0/summary',
      'additionalProperties',
    );
    assert.ok(errors.some((e) => e.params.additionalProperty === 'throughput'));
  });

  it('rejects a failed run without a reason', () => {
    const errors = assertRejected(
      (doc) => {
        const failed = doc.results[0]?.runs[2];
        assert.equal(failed?.state, 'failed');
        delete (failed as Partial<FailedRun>).reason;
      },
      '/results/0/runs/2',
      'required',
    );
    assert.ok(errors.some((e) => e.params.missingProperty === 'reason'));
  });

  it('rejects a ci95 of three numbers', () => {
    assertRejected(
      (doc) => {
        const s = doc.results[0]?.summary.requestsPerSec;
        assert.ok(s?.ci95);
        (s.ci95 as number[]).push(s.ci95[1]);
      },
      '/results/0/summary/requestsPerSec/ci95',
      'maxItems',
      '/results/0/summary/requestsPerSec',
    );
  });
});
