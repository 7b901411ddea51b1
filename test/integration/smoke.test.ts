/**
 * Every scenario in the registry, benchmarked in a tiny configuration, as node core's
 * test/benchmark runs every benchmark file: a new scenario is covered the moment it is added.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { METRIC_NAMES } from '../../bench/report/metrics.ts';
import { runBench } from '../../bench/run/benchmark.ts';
import { reapAll } from '../../bench/run/process/child.ts';
import { defaultParams } from '../../scenarios/params.ts';
import { allScenarios, variantNames } from '../../scenarios/registry.ts';
import { TINY_OPTIONS } from './helpers.ts';

after(reapAll);

/**
 * Where the defaults are too big for a 0.4 s window: a 16 MiB download takes about that long on
 * its own on a slow machine, and a run that completes no request proves nothing.
 */
const TINY_PARAMS: Record<string, Record<string, number>> = {
  streams: { size: 1024 * 1024 },
};

for (const scenario of allScenarios) {
  test(`${scenario.id}: every variant completes a tiny benchmark`, async () => {
    const variants = variantNames(scenario);
    const report = await runBench(
      [{ scenario, variants, params: { ...defaultParams(scenario), ...TINY_PARAMS[scenario.id] } }],
      TINY_OPTIONS,
    );
    assert.deepEqual(
      report.results.map((r) => r.variant),
      variants,
    );
    for (const result of report.results) {
      const [run] = result.runs;
      assert.ok(run, `${result.variant}: no run`);
      assert.equal(
        run.state,
        'completed',
        `${result.variant}: ${run.state === 'failed' ? run.reason : ''}`,
      );
      if (run.state !== 'completed') continue;
      assert.ok(run.requestsTotal > 0, `${result.variant} completed no request`);
      assert.equal(run.errors, 0);
      assert.equal(run.non2xx, 0);
      for (const name of METRIC_NAMES) {
        const value = run[name];
        assert.ok(
          value === null || (Number.isFinite(value) && value >= 0),
          `${result.variant} ${name}=${value}`,
        );
      }
      assert.ok(run.elu !== null && run.elu <= 1, `elu ${run.elu}`);
      assert.ok(run.timeline.length >= 1, 'empty lag timeline');
      assert.equal(result.summary.requestsPerSec.n, 1);
    }
    assert.equal(report.verdicts.length, 1);
    assert.match(report.verdicts[0]?.text ?? '', /sync/);
  });
}
