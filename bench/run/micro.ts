/**
 * Per-operation cost with tinybench: the one operation a scenario's `sync` variant does per
 * request, timed without HTTP around it.
 *
 * Its mean sets a hard ceiling on one event loop: a loop that spends `mean` ms of every request
 * blocked can finish at most 1000 / mean requests a second, however many arrive. The HTTP work
 * around each request only lowers the real figure further, so the ceiling is an upper bound,
 * and a meaningful one only when the operation dominates a request's cost.
 */
import { Bench } from 'tinybench';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { round } from '../../core/numbers.ts';
import { asReceived, scenarioRequests } from '../../scenarios/request.ts';
import type { Selection } from '../../scenarios/select.ts';
import type { AnyScenario, Params, ScenarioRequest } from '../../scenarios/types.ts';
import type { MicroResult } from '../report/types.ts';
import { DEFAULT_MICRO, type MicroOptions } from './options.ts';
import { startUpstream } from './process/upstream.ts';

/** Requests per second one event loop can finish when each request blocks it for `meanMs`. */
export function ceilingPerSec(meanMs: number): number {
  return meanMs > 0 ? 1000 / meanMs : Number.POSITIVE_INFINITY;
}

/** @throws {LooplabError} LOOPLAB_ERR_NO_OPERATION for a scenario that declares none. */
export function assertHasOperation(scenario: AnyScenario): void {
  if (!scenario.operation) {
    throw new LooplabError(
      ERROR_CODES.NO_OPERATION,
      `scenario "${scenario.id}" declares no per-request operation to time; micro measures only scenarios that do`,
    );
  }
}

/**
 * Times the scenario's operation in this process, with the context `setup(params, 'sync')`
 * builds (and tears it down after), on the scenario's requests in turn; with an upstream of its
 * own when the scenario calls one.
 *
 * @throws {LooplabError} LOOPLAB_ERR_NO_OPERATION when the scenario declares none.
 */
export async function measureOperation(
  scenario: AnyScenario,
  params: Params,
  options: MicroOptions = DEFAULT_MICRO,
): Promise<MicroResult> {
  assertHasOperation(scenario);
  const operation = scenario.operation as NonNullable<AnyScenario['operation']>;
  // A scenario that calls an upstream gets one here too: its operation is the calls.
  const upstreamConfig = scenario.upstream?.(params);
  const upstream = upstreamConfig
    ? await startUpstream(upstreamConfig, `${scenario.id} micro`)
    : null;
  try {
    const services = upstream ? { upstream: upstream.origin } : {};
    const ctx = scenario.setup ? await scenario.setup(params, 'sync', services) : { params };
    try {
      return await timeOperation(scenario, params, operation, ctx, options);
    } finally {
      await scenario.teardown?.(ctx);
    }
  } finally {
    await upstream?.stop();
  }
}

async function timeOperation(
  scenario: AnyScenario,
  params: Params,
  operation: NonNullable<AnyScenario['operation']>,
  ctx: Awaited<ReturnType<NonNullable<AnyScenario['setup']>>>,
  options: MicroOptions,
): Promise<MicroResult> {
  const bench = new Bench({
    time: options.timeMs,
    iterations: options.minSamples,
    // Enough to compile the operation and fill caches, short next to a 1 s budget.
    warmupTime: Math.min(250, options.timeMs / 4),
    warmupIterations: 3,
    throws: true,
    // A signal of its own that follows the caller's: tinybench adds abort listeners it never
    // removes, and on one signal shared by ten scenarios' ceilings Node warns of a leak.
    ...(options.signal && { signal: AbortSignal.any([options.signal]) }),
  });
  // Rotated as the load rotates them, so the mean is that of what the server is sent.
  const requests = scenarioRequests(scenario, params).map(asReceived);
  let next = 0;
  bench.add(scenario.id, () => {
    operation(ctx, requests[next++ % requests.length] as ScenarioRequest);
  });
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (!result || !('latency' in result)) {
    throw new Error(`tinybench gave no statistics for ${scenario.id} (${result?.state})`);
  }
  const { latency } = result;
  return {
    scenario: scenario.id,
    params,
    operation: scenario.variants.sync.summary,
    samples: latency.samplesCount,
    meanMs: round(latency.mean, 4),
    p99Ms: round(latency.p99, 4),
    rmePct: round(latency.rme, 2),
    ceilingPerSec: round(ceilingPerSec(latency.mean), 2),
  };
}

/** Half of micro's default: about 0.7 s a scenario, a cost small next to its runs. */
const CEILING_TIME_MS = DEFAULT_MICRO.timeMs / 2;

/**
 * Times the sync operation of every selected scenario whose sync variant is benchmarked, one
 * after another. Called before any server or load starts, so nothing of ours competes with it.
 */
export async function measureCeilings(
  selection: readonly Selection[],
  signal?: AbortSignal,
  onStart?: (scenario: string) => void,
): Promise<MicroResult[]> {
  const results: MicroResult[] = [];
  for (const s of selection) {
    if (!s.variants.includes('sync') || !s.scenario.operation) continue;
    onStart?.(s.scenario.id);
    results.push(
      await measureOperation(s.scenario, s.params, {
        ...DEFAULT_MICRO,
        timeMs: CEILING_TIME_MS,
        ...(signal && { signal }),
      }),
    );
  }
  return results;
}
