/** Sweeps for compare's tests, built from the knees (and SLO rates) each run should have. */

import { medianWithNulls } from '../../bench/sweep/summary.ts';
import {
  SWEEP_KIND,
  SWEEP_SCHEMA_VERSION,
  type SweepOptions,
  type SweepReport,
  type SweepRun,
} from '../../bench/sweep/types.ts';
import { ENVIRONMENT } from './fixtures.ts';
import { step } from './sweep-fixtures.ts';

/** 30, 31, … 60 req/s: a grid of 1 req/s, so a knee is known to 1 req/s. */
export const FINE = Array.from({ length: 31 }, (_, i) => 30 + i);

/** A completed run over `grid`, its knee at `knee` (well at the rate below), its SLO rate `slo`. */
function sweepRun(n: number, grid: number[], knee: number | null, slo: number | null): SweepRun {
  const below =
    knee === null ? (grid.at(-1) ?? null) : (grid.filter((r) => r < knee).at(-1) ?? null);
  return {
    run: n,
    startedAt: '2026-12-06T07:00:00.000Z',
    state: 'completed',
    steps: grid.map((r) => step(r, 10)),
    knee: {
      atPerSec: knee,
      reasons: knee === null ? [] : ['latency'],
      lastGoodPerSec: below,
      baselineP99Ms: 10,
    },
    sloPerSec: slo,
  };
}

export interface SweepSpec {
  knees: (number | null)[];
  slos?: (number | null)[];
  grid?: number[];
  options?: Partial<SweepOptions>;
  variants?: string[];
  target?: SweepReport['target'];
  complete?: boolean;
}

/** A sweep of busy-wait whose variants' runs have these knees (and SLO rates). */
export function sweepOf(spec: SweepSpec): SweepReport {
  const grid = spec.grid ?? FINE;
  const slo = spec.slos ? { text: 'p99<50ms', percentile: 'p99' as const, underMs: 50 } : null;
  const variants = (spec.variants ?? ['sync']).map((variant) => {
    const runs = spec.knees.map((k, i) => sweepRun(i + 1, grid, k, spec.slos?.[i] ?? null));
    return {
      variant,
      label: `busy-wait ${variant}`,
      runs,
      knee: { medianPerSec: medianWithNulls(spec.knees, true), perRun: spec.knees },
      slo: slo
        ? { medianPerSec: medianWithNulls(spec.slos ?? [], false), perRun: spec.slos ?? [] }
        : null,
      ceiling: null,
      theory: [],
    };
  });
  return {
    kind: SWEEP_KIND,
    schemaVersion: SWEEP_SCHEMA_VERSION,
    createdAt: '2026-12-06T07:00:00.000Z',
    complete: spec.complete ?? true,
    environment: ENVIRONMENT,
    target: spec.target ?? { scenario: 'busy-wait', params: { ms: 20 } },
    options: {
      rates: `${grid[0]}:${grid.at(-1)}:${(grid[1] ?? 0) - (grid[0] ?? 0)}`,
      stepsPerSec: grid,
      arrivals: 'poisson',
      warmupSec: 0.5,
      holdSec: 1,
      settleSec: 0.5,
      runs: spec.knees.length,
      k: 2,
      slo,
      timeoutSec: 10,
      maxConnections: 256,
      pingRateHz: 50,
      ...spec.options,
    },
    variants,
    kneeRatio: null,
    warnings: spec.complete === false ? ['partial: stopped by SIGINT'] : [],
    ...(spec.complete === false && {
      stoppedBy: 'SIGINT' as const,
      plannedRuns: 2 * spec.knees.length,
      plannedSteps: null,
    }),
  };
}
