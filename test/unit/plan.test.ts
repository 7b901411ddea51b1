import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Job, planJobs } from '../../bench/run/plan.ts';
import busyWait from '../../scenarios/catalog/busy-wait.ts';
import cpuBound from '../../scenarios/catalog/cpu-bound.ts';
import fsRead from '../../scenarios/catalog/fs-read.ts';
import type { Selection } from '../../scenarios/select.ts';

const A: Selection = { scenario: busyWait, variants: ['sync', 'async'], params: { ms: 20 } };
const B: Selection = {
  scenario: cpuBound,
  variants: ['sync', 'async', 'partitioned'],
  params: { n: 1000 },
};

const label = (j: Job) => `${j.scenario.id} ${j.variant} ${j.run}`;

describe('planJobs', () => {
  it('goes scenario by scenario, interleaving the variants within each run', () => {
    assert.deepEqual(planJobs([A, B], 2).map(label), [
      'busy-wait sync 1',
      'busy-wait async 1',
      'busy-wait sync 2',
      'busy-wait async 2',
      'cpu-bound sync 1',
      'cpu-bound async 1',
      'cpu-bound partitioned 1',
      'cpu-bound sync 2',
      'cpu-bound async 2',
      'cpu-bound partitioned 2',
    ]);
  });

  it('carries each scenario’s params into its jobs', () => {
    const jobs = planJobs([A, B], 1);
    assert.deepEqual(jobs[0], {
      scenario: busyWait,
      variant: 'sync',
      params: { ms: 20 },
      run: 1,
    });
    assert.deepEqual(jobs[2], {
      scenario: cpuBound,
      variant: 'sync',
      params: { n: 1000 },
      run: 1,
    });
  });

  it('numbers the runs of a single variant 1..n', () => {
    const one: Selection = { scenario: fsRead, variants: ['async'], params: {} };
    assert.deepEqual(
      planJobs([one], 3).map((j) => j.run),
      [1, 2, 3],
    );
  });

  it('plans nothing for an empty selection or a scenario with no variants', () => {
    assert.deepEqual(planJobs([], 3), []);
    assert.deepEqual(planJobs([{ scenario: fsRead, variants: [], params: {} }], 3), []);
  });
});
