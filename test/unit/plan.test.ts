import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planJobs, type Selection } from '../../bench/run/plan.ts';

const A: Selection = { scenario: 'busy-wait', variants: ['sync', 'async'], params: { ms: 20 } };
const B: Selection = {
  scenario: 'cpu-bound',
  variants: ['sync', 'async', 'partitioned'],
  params: { n: 1000 },
};

const label = (j: { scenario: string; variant: string; run: number }) =>
  `${j.scenario} ${j.variant} ${j.run}`;

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
      scenario: 'busy-wait',
      variant: 'sync',
      params: { ms: 20 },
      run: 1,
    });
    assert.deepEqual(jobs[2], {
      scenario: 'cpu-bound',
      variant: 'sync',
      params: { n: 1000 },
      run: 1,
    });
  });

  it('numbers the runs of a single variant 1..n', () => {
    const one: Selection = { scenario: 'fs-read', variants: ['async'], params: {} };
    assert.deepEqual(
      planJobs([one], 3).map((j) => j.run),
      [1, 2, 3],
    );
  });

  it('plans nothing for an empty selection or a scenario with no variants', () => {
    assert.deepEqual(planJobs([], 3), []);
    assert.deepEqual(planJobs([{ scenario: 'x', variants: [], params: {} }], 3), []);
  });
});
