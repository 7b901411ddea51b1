import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatScenarioTable } from '../../bench/render/table.ts';
import { buildResultEntry, summarizeRuns } from '../../bench/report/build.ts';
import { METRIC_NAMES } from '../../bench/report/metrics.ts';
import {
  closedLoopHidStalls,
  machineBusyShare,
  probeWindowOverrunMs,
  reportWarnings,
} from '../../bench/report/warnings.ts';
import { summarize } from '../../bench/stats/descriptive.ts';
import { completedRun, entry, failedRun } from './fixtures.ts';

const EMPTY = { n: 0, mean: null, sd: null, min: null, max: null, ci95: null };

describe('summarizeRuns', () => {
  const runs = [
    completedRun(1, { requestsPerSec: 100, pingP99Ms: null, elu: 0.5 }),
    failedRun(2),
    completedRun(3, { requestsPerSec: 300, pingP99Ms: 7, elu: 0.7 }),
  ];
  const summary = summarizeRuns(runs);

  it('summarises every metric, in METRIC_NAMES order', () => {
    assert.deepEqual(Object.keys(summary), METRIC_NAMES);
  });

  it('summarises the completed runs only', () => {
    assert.equal(summary.requestsPerSec.n, 2);
    assert.equal(summary.requestsPerSec.mean, 200);
    assert.equal(summary.requestsPerSec.min, 100);
    assert.equal(summary.requestsPerSec.max, 300);
    assert.deepEqual(summary.requestsPerSec, summarize([100, 300]));
    assert.deepEqual(summary.elu, summarize([0.5, 0.7]));
  });

  it('leaves a null value out, and counts only what is left', () => {
    assert.deepEqual(summary.pingP99Ms, { n: 1, mean: 7, sd: null, min: 7, max: 7, ci95: null });
  });

  it('gives an empty summary to a metric no run measured', () => {
    assert.deepEqual(summary.lagMaxMs, EMPTY);
  });

  it('gives empty summaries when every run failed', () => {
    const all = summarizeRuns([failedRun(1), failedRun(2)]);
    for (const name of METRIC_NAMES) assert.deepEqual(all[name], EMPTY, name);
  });
});

describe('buildResultEntry', () => {
  it('sorts the runs by run number and keeps the failed ones', () => {
    const runs = [
      completedRun(3, { requestsPerSec: 30 }),
      failedRun(1),
      completedRun(2, { requestsPerSec: 20 }),
    ];
    const e = buildResultEntry('busy-wait', 'sync', { ms: 20 }, runs);
    assert.equal(e.scenario, 'busy-wait');
    assert.equal(e.variant, 'sync');
    assert.deepEqual(e.params, { ms: 20 });
    assert.deepEqual(
      e.runs.map((r) => [r.run, r.state]),
      [
        [1, 'failed'],
        [2, 'completed'],
        [3, 'completed'],
      ],
    );
    assert.deepEqual(e.summary, summarizeRuns(runs));
    assert.equal(e.summary.requestsPerSec.n, 2);
  });

  it('does not reorder the caller’s array', () => {
    const runs = [completedRun(2), completedRun(1)];
    buildResultEntry('busy-wait', 'sync', {}, runs);
    assert.deepEqual(
      runs.map((r) => r.run),
      [2, 1],
    );
  });
});

describe('reportWarnings', () => {
  it('has nothing to say about clean runs', () => {
    assert.deepEqual(
      reportWarnings([
        entry('busy-wait', 'sync', [completedRun(1), completedRun(2)]),
        entry('busy-wait', 'async', [completedRun(1)]),
      ]),
      [],
    );
  });

  it('reports failed runs with the first reason, and a saturated generator', () => {
    const saturated = completedRun(
      3,
      {},
      { loadGenerator: { elu: 0.95, cpuPct: 100, saturated: true } },
    );
    const results = [
      entry('busy-wait', 'sync', [
        failedRun(2, 'port never opened'),
        saturated,
        failedRun(1, 'server exited with code 1'),
      ]),
      entry('busy-wait', 'async', [completedRun(1)]),
      entry('fs-read', 'async', [saturated, { ...saturated, run: 1 }]),
    ];
    assert.deepEqual(reportWarnings(results), [
      'busy-wait sync: 2 of 3 runs failed (server exited with code 1)',
      'busy-wait sync: the load generator was saturated in 1 of 3 runs; ' +
        'these numbers measure autocannon more than the server ' +
        '(--workers 2 runs it on two threads of its own, if the machine has the cores)',
      'fs-read async: the load generator was saturated in 2 of 2 runs; ' +
        'these numbers measure autocannon more than the server ' +
        '(--workers 2 runs it on two threads of its own, if the machine has the cores)',
    ]);
  });

  it("says when the probe's window ran past the load's by more than a timeline interval", () => {
    const late = (run: number, serverWindowMs: number) =>
      completedRun(run, {}, { serverWindowMs, timelineIntervalMs: 100 });
    // 3,000 ms load windows, 100 ms timeline intervals: 3,100 is within one, 3,712 is not.
    const runs = [late(1, 3100), late(2, 3712.25), late(3, 3181), completedRun(4)];
    assert.deepEqual(reportWarnings([entry('busy-wait', 'sync', runs)]), [
      "busy-wait sync: the probe's window ran up to 712 ms longer than the load's in 2 of 4 " +
        "runs, later than the loop's own worst lag explains; its utilisation covers the load's " +
        'length, its lag, CPU and memory the longer window (serverWindowMs, serverWindowEndMs)',
    ]);
  });

  it("does not warn when the probe's window closed late by no more than the loop's worst lag", () => {
    // A closing timer waits for the turn that blocks the loop: 200 ms turns, 181 ms late.
    const run = (serverWindowMs: number, lagMaxMs: number | null) =>
      completedRun(1, { lagMaxMs }, { serverWindowMs, timelineIntervalMs: 100 });
    assert.equal(probeWindowOverrunMs(run(3181, 213)), null);
    assert.equal(probeWindowOverrunMs(run(3213, 213)), null);
    assert.equal(probeWindowOverrunMs(run(3213.5, 213)), 213.5);
    // Lag under an interval: the interval is the bar, as before.
    assert.equal(probeWindowOverrunMs(run(3100, 4)), null);
    assert.equal(probeWindowOverrunMs(run(3101, 4)), 101);
    // Lag unmeasured: the interval alone.
    assert.equal(probeWindowOverrunMs(run(3181, null)), 181);
  });

  it('says when /ping calls failed, and counts them at the timeout', () => {
    const results = [
      entry('app', '/', [completedRun(1, { pingErrors: 3 }), completedRun(2, { pingErrors: 2 })]),
    ];
    assert.deepEqual(reportWarnings(results), [
      'app /: 5 /ping calls failed (an error status or a connection error); ' +
        'each counts at --timeout in the /ping percentiles, as a timed-out one does',
    ]);
  });

  it('shows a /ping errors row in the table only when some ping failed', () => {
    const options = { durationSec: 2, connections: 10 };
    const failed = formatScenarioTable(
      [entry('app', '/', [completedRun(1, { requestsPerSec: 50, pingErrors: 7 })])],
      undefined,
      options,
    );
    assert.match(failed, /\n\/ping errors +7\n/);
    const clean = formatScenarioTable(
      [entry('app', '/', [completedRun(1, { requestsPerSec: 50, pingErrors: 0 })])],
      undefined,
      options,
    );
    assert.doesNotMatch(clean, /\/ping errors/);
  });

  it('says how timed-out requests count in the latencies', () => {
    const here = entry('app', '/', [completedRun(1, { timeouts: 4 })]);
    const onWorkers = entry('app', '/w', [
      completedRun(
        1,
        { timeouts: 2 },
        { loadGenerator: { elu: 0.1, cpuPct: 50, saturated: false, workers: 2 } },
      ),
    ]);
    assert.deepEqual(reportWarnings([here, onWorkers]), [
      'app /: 4 requests timed out; each counts at --timeout in its latency percentiles ' +
        '(a longer --timeout or fewer --connections has them all answered)',
      'app /w: 2 requests timed out; with --workers its latency percentiles cover only the ' +
        'answered ones (a longer --timeout or fewer --connections has them all answered)',
    ]);
  });

  it("says when the bystander's pings went out late, keeping its figures", () => {
    const onTime = completedRun(1, {}, { pingSendDelayP99Ms: 50 });
    const late = completedRun(2, {}, { pingSendDelayP99Ms: 126.4 });
    const later = completedRun(3, {}, { pingSendDelayP99Ms: 300 });
    assert.deepEqual(reportWarnings([entry('busy-wait', 'sync', [onTime, late, later])]), [
      "busy-wait sync: the bystander's thread sent its pings up to 300 ms after they were due " +
        '(99th percentile) in 2 of 3 runs, before the server saw them; the /ping figures include ' +
        'that delay',
    ]);
    assert.deepEqual(reportWarnings([entry('busy-wait', 'sync', [onTime, completedRun(2)])]), []);
  });

  it('says when server and harness together kept every core busy', () => {
    // 2 cores, 3 s window: the server used 2.4 s of CPU and the harness 80% of a core (2.4 s):
    // 4.8 of 6 core-seconds is 80%, under the 90% line; 3.2 s more for the server crosses it.
    const calm = completedRun(
      1,
      { cpuUserMs: 2000, cpuSystemMs: 400 },
      { loadGenerator: { elu: 0.7, cpuPct: 80, saturated: false } },
    );
    const busy = completedRun(
      2,
      { cpuUserMs: 2600, cpuSystemMs: 600 },
      { loadGenerator: { elu: 0.7, cpuPct: 80, saturated: false } },
    );
    assert.equal(machineBusyShare(calm, 2), 0.8);
    assert.equal(machineBusyShare(busy, 2), (3200 + 2400) / 6000);
    assert.equal(machineBusyShare(completedRun(3), 2), null);
    assert.deepEqual(reportWarnings([entry('noop', 'sync', [calm, busy])], 2), [
      'noop sync: server and load generator together kept all 2 cores busy in 1 of 2 runs; ' +
        'the machine, not the server alone, set the pace',
    ]);
    assert.deepEqual(reportWarnings([entry('noop', 'sync', [calm, busy])]), []);
  });

  it("counts an upstream's CPU as a third program on the same cores", () => {
    // The calm run above (80%), plus an upstream that used 0.6 s of CPU over a 3 s window: 90%.
    const upstream = {
      pid: 7,
      latencyMs: 20,
      windowMs: 3000,
      calls: 300,
      connections: 10,
      maxInFlight: 10,
      answerP50Ms: 20.4,
      answerP99Ms: 21,
      answerMaxMs: 22,
      lagP99Ms: 1,
      elu: 0.2,
      cpuMs: 600,
      bottleneck: false,
    };
    const run = completedRun(
      1,
      { cpuUserMs: 2000, cpuSystemMs: 400 },
      { loadGenerator: { elu: 0.7, cpuPct: 80, saturated: false }, upstream },
    );
    assert.equal(machineBusyShare(run, 2), 0.9);
    assert.deepEqual(reportWarnings([entry('upstream-calls', 'async', [run])], 2), [
      'upstream-calls async: server, load generator and upstream together kept all 2 cores busy ' +
        'in 1 of 1 runs; the machine, not the server alone, set the pace',
    ]);
  });
});

describe('closedLoopHidStalls', () => {
  const app = (ping: number[], latency: number[], more: Record<string, number[]> = {}) =>
    entry('app', '/', [
      ...ping.map((p, i) =>
        completedRun(i + 1, {
          pingP99Ms: p,
          latencyP99Ms: latency[i] ?? null,
          lagP99Ms: 390,
          ...Object.fromEntries(Object.entries(more).map(([k, v]) => [k, v[i] ?? null])),
        }),
      ),
    ]);

  it('says the closed loop hid stalls when /ping p99 is >= 100 ms and >= 10x the load p99', () => {
    const text = closedLoopHidStalls(app([370], [1]));
    assert.equal(
      text,
      "the load's latency p99 (1.0 ms) hid stalls that /ping shows (p99 370 ms): autocannon's " +
        'connections each wait for their answer, so during a stall they send nothing, and the ' +
        'requests never sent are never timed (coordinated omission); /ping, sent on schedule and ' +
        'timed from when each was due, and the corrected loop lag p99, count them; `looplab ' +
        'sweep` loads the route open-model and times every request from when it was due',
    );
    assert.ok(
      reportWarnings([app([370], [1])]).some((w) => w.startsWith("app /: the load's latency p99")),
    );
  });

  it('takes a load p99 under 1 ms as 1 ms, and holds both thresholds', () => {
    assert.notEqual(closedLoopHidStalls(app([100], [0])), null);
    assert.equal(closedLoopHidStalls(app([99.9], [0])), null);
    assert.notEqual(closedLoopHidStalls(app([200], [20])), null);
    assert.equal(closedLoopHidStalls(app([199], [20])), null);
  });

  it('says nothing for a WebSocket scenario, or when a side was not measured', () => {
    assert.equal(closedLoopHidStalls(app([370], [1], { messagesSentPerSec: [100] })), null);
    assert.equal(closedLoopHidStalls(app([370], [])), null);
    assert.equal(closedLoopHidStalls(entry('app', '/', [completedRun(1)])), null);
  });
});
