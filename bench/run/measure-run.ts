/**
 * One run: a fresh server, warm-up, the measured window, the probe read, the server reaped.
 */
import { performance } from 'node:perf_hooks';
import { isLooplabError } from '../../core/errors.ts';
import { type OutgoingRequest, scenarioRequests } from '../../scenarios/request.ts';
import { buildCompletedRun } from '../report/run-record.ts';
import type { BenchOptions, RunRecord } from '../report/types.ts';
import { startBystander } from './bystander.ts';
import { NoAnswerError, startServer } from './child.ts';
import { runLoad } from './load.ts';
import type { Job } from './plan.ts';

export type Phase = 'starting' | 'warmup' | 'draining' | 'measuring' | 'reading';

/** How long the server may take to finish what the warm-up left queued. */
const DRAIN_TIMEOUT_MS = 120_000;

export interface RunHooks {
  signal?: AbortSignal;
  onPhase?: (phase: Phase, detail: { serverPid?: number }) => void;
  /** During the window: seconds elapsed and requests completed so far. */
  onTick?: (elapsedSec: number, completed: number) => void;
  /** Node flags for the server child (--cpu-prof and the like). */
  execArgv?: string[];
  /** false only for the probe-overhead benchmark. */
  probe?: boolean;
  /** The server child's environment, e.g. with UV_THREADPOOL_SIZE. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Measures one job. A run that fails is returned as data (`state: 'failed'`), so the other runs
 * survive it; only an abort throws.
 */
export async function measureRun(
  job: Job,
  options: BenchOptions,
  hooks: RunHooks = {},
): Promise<RunRecord> {
  const startedAt = new Date().toISOString();
  const { signal, onTick } = hooks;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let bystander: ReturnType<typeof startBystander> | undefined;
  try {
    // Built here, in the harness, once per run: a large body is not rebuilt per connection.
    const requests = scenarioRequests(job.scenario, job.params);
    hooks.onPhase?.('starting', {});
    server = await startServer(
      {
        scenario: job.scenario.id,
        variant: job.variant,
        params: job.params,
        port: 0,
        probe: hooks.probe ?? true,
        timelineIntervalMs: options.timelineIntervalMs,
        ...(job.handlerFile && { handlerFile: job.handlerFile }),
      },
      { execArgv: hooks.execArgv ?? [], ...(hooks.env && { env: hooks.env }) },
    );
    signal?.throwIfAborted();
    // Started before the warm-up so that its thread, client and connections are warm too.
    bystander = startBystander({
      origin: server.url.slice(0, -1),
      rateHz: options.pingRateHz,
      timeoutMs: options.timeoutSec * 1000,
    });

    if (options.warmupSec > 0) {
      hooks.onPhase?.('warmup', { serverPid: server.pid });
      await runLoad({
        ...loadOptions(server.url, options, requests),
        durationSec: options.warmupSec,
        ...(signal && { signal }),
      });
      signal?.throwIfAborted();
    }

    // The window opens here: everything before it (start-up, JIT, warm-up and the requests the
    // warm-up left queued, which the server finishes first) is excluded. The probe closes its
    // window itself after the same duration as the load's.
    hooks.onPhase?.('draining', { serverPid: server.pid });
    await Promise.all([
      server.resetProbe(options.durationSec * 1000, DRAIN_TIMEOUT_MS).catch((err: unknown) => {
        if (!(err instanceof NoAnswerError)) throw err;
        throw new Error(
          `${err.message}: the server was still busy with the warm-up's requests; ` +
            'use a shorter --warmup, fewer --connections or a lighter --param',
        );
      }),
      bystander.reset(),
    ]);
    hooks.onPhase?.('measuring', { serverPid: server.pid });
    const eluStart = performance.eventLoopUtilization();
    const cpuStart = process.cpuUsage();
    const windowStart = performance.now();
    const load = await runLoad({
      ...loadOptions(server.url, options, requests),
      ...(signal && { signal }),
      ...(onTick && {
        onTick: (completed: number) => onTick((performance.now() - windowStart) / 1000, completed),
      }),
    });
    signal?.throwIfAborted();
    // Read the generator's own load before anything else runs on this thread.
    const generatorElu = performance.eventLoopUtilization(eluStart).utilization;
    const cpu = process.cpuUsage(cpuStart);
    const generatorCpuPct =
      ((cpu.user + cpu.system) / 1000 / (performance.now() - windowStart)) * 100;
    hooks.onPhase?.('reading', { serverPid: server.pid });
    const [ping, probe] = await Promise.all([bystander.stop(), server.readProbe()]);
    bystander = undefined;
    signal?.throwIfAborted();
    return buildCompletedRun({
      run: job.run,
      startedAt,
      serverPid: server.pid,
      load,
      ping,
      probe,
      generator: { elu: generatorElu, cpuPct: generatorCpuPct },
    });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    return {
      state: 'failed',
      run: job.run,
      startedAt,
      code: isLooplabError(err) ? err.code : null,
      reason: err instanceof Error ? err.message : String(err),
    };
  } finally {
    await bystander?.stop().catch(() => undefined);
    await server?.stop();
  }
}

function loadOptions(url: string, options: BenchOptions, requests: readonly OutgoingRequest[]) {
  return {
    url,
    requests,
    connections: options.connections,
    durationSec: options.durationSec,
    timeoutSec: options.timeoutSec,
  };
}
