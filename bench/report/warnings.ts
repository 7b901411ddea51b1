/**
 * The warnings a report carries next to its numbers: what a reader must know to trust them (a
 * failed run, a saturated load generator, timeouts, a machine with every core busy). Pure.
 */
import { formatMs, round } from '../../core/numbers.ts';
import { PING_P99_SLOW_MS } from './diagnosis.ts';
import type { CompletedRun, ResultEntry } from './types.ts';
import { upstreamBottleneck } from './upstream.ts';

/** Above this share of all cores in use, the machine, not either program, bounds the numbers. */
export const MACHINE_BUSY_SHARE = 0.9;

/**
 * Past this 99th percentile of how late its pings went out, the bystander's own thread could not
 * keep its schedule: the /ping figures then include a delay of the machine's, not the server's.
 */
export const PING_SEND_LATE_MS = 50;

/** A /ping p99 this many times the load's own p99 (at least 1 ms) says the load's hid stalls. */
export const CLOSED_LOOP_HIDDEN_RATIO = 10;

/**
 * Why the load's own latency percentiles hid stalls, or null when they did not. autocannon's load
 * is a closed loop: each connection waits for its answer, so during a stall it sends nothing, and
 * the requests it never sent are no samples. The bystander is open-model, timed from when each
 * ping was due, so a /ping p99 of at least 100 ms and ten times the load's shows what the load's
 * hid. Not for WebSocket scenarios, whose driver sends on a schedule of its own.
 */
export function closedLoopHidStalls(r: Pick<ResultEntry, 'summary'>): string | null {
  const s = r.summary;
  const ping = s.pingP99Ms.mean;
  const load = s.latencyP99Ms.mean;
  if ((s.messagesSentPerSec?.n ?? 0) > 0 || ping === null || load === null) return null;
  // A failed ping counts at the timeout: then /ping's p99 says the pings failed, not that they
  // waited behind a stall (the ping-errors warning says so).
  if ((s.pingErrors?.mean ?? 0) > 0) return null;
  if (ping < PING_P99_SLOW_MS || ping < CLOSED_LOOP_HIDDEN_RATIO * Math.max(load, 1)) return null;
  const lag = s.lagP99Ms.mean !== null;
  return (
    `the load's latency p99 (${formatMs(load)}) hid stalls that /ping shows (p99 ${formatMs(ping)}): ` +
    "autocannon's connections each wait for their answer, so during a stall they send nothing, " +
    'and the requests never sent are never timed (coordinated omission); /ping, sent on schedule ' +
    `and timed from when each was due${lag ? ', and the corrected loop lag p99' : ''}, count them` +
    '; `looplab sweep` loads the route open-model and times every request from when it was due'
  );
}

/**
 * The share of all the machine's cores that the server and the harness used together during a
 * run's window, or null when the probe did not measure the server's CPU.
 */
export function machineBusyShare(run: CompletedRun, cpuCount: number): number | null {
  const { cpuUserMs, cpuSystemMs, serverWindowMs, windowMs } = run;
  if (cpuUserMs === null || cpuSystemMs === null || !serverWindowMs || windowMs <= 0) return null;
  // Each program's CPU as a share of its own window: the two windows differ by milliseconds
  // normally, by seconds when a block outlasts the load.
  const serverCores = (cpuUserMs + cpuSystemMs) / serverWindowMs;
  const harnessCores = run.loadGenerator.cpuPct / 100;
  // The upstream a scenario calls is a third process on the same cores.
  const up = run.upstream;
  const upstreamCores = up && up.windowMs > 0 ? up.cpuMs / up.windowMs : 0;
  return (serverCores + harnessCores + upstreamCores) / cpuCount;
}

/**
 * How far the probe's window ran past its planned length, the load's, when by more than one
 * timeline interval and more than the loop's own worst lag; null when it did not, or where
 * unknown. By lengths, not ends: on --workers the probe's opens later, with the connections'.
 *
 * Why the lag: the closing timer cannot fire before the turn that blocks the loop ends, so on a
 * loop whose turns take 200 ms (busy-wait sync) it is up to 200 ms late in every run, and the lag
 * figures already say so (measured: late 14-127 ms, lag max 213-248 ms, 3 of 3 runs). Later than
 * that, the window held something the lag does not show.
 */
export function probeWindowOverrunMs(
  run: Pick<CompletedRun, 'windowMs' | 'serverWindowMs' | 'timelineIntervalMs' | 'lagMaxMs'>,
): number | null {
  if (run.serverWindowMs === null || run.timelineIntervalMs === null) return null;
  const late = run.serverWindowMs - run.windowMs;
  return late > Math.max(run.timelineIntervalMs, run.lagMaxMs ?? 0) ? round(late) : null;
}

/**
 * Warnings a reader must see next to the numbers. With `cpuCount`, also says when server and
 * load generator (and an upstream) together kept every core busy: then neither alone set the
 * pace. An upstream that answered late, or was saturated, is said to have set part of it.
 */
export function reportWarnings(results: readonly ResultEntry[], cpuCount?: number): string[] {
  const warnings: string[] = [...stallWarnings(results)];
  for (const r of results) {
    const label = `${r.scenario} ${r.variant}`;
    const failed = r.runs.filter((run) => run.state === 'failed');
    if (failed.length > 0) {
      warnings.push(
        `${label}: ${failed.length} of ${r.runs.length} runs failed (${failed[0]?.reason})`,
      );
    }
    const saturated = r.runs.filter(
      (run) => run.state === 'completed' && run.loadGenerator.saturated,
    );
    if (saturated.length > 0) {
      const onWorkers = saturated.some(
        (run) => run.state === 'completed' && run.loadGenerator.workers,
      );
      const messages = saturated.some(
        (run) => run.state === 'completed' && run.messagesSentPerSec != null,
      );
      warnings.push(
        `${label}: the load generator was saturated in ${saturated.length} of ${r.runs.length} runs; ` +
          (messages
            ? 'these numbers measure the WebSocket driver more than the server (its thread was ' +
              'busy, or its sends fell behind their schedule): fewer clients or a lower rate'
            : 'these numbers measure autocannon more than the server' +
              (onWorkers
                ? ' (on worker threads already: more --workers, or load from a second machine with --url)'
                : ' (--workers 2 runs it on two threads of its own, if the machine has the cores)')),
      );
    }
    const overran = r.runs.flatMap((run) => {
      const late = run.state === 'completed' ? probeWindowOverrunMs(run) : null;
      return late === null ? [] : [late];
    });
    if (overran.length > 0) {
      warnings.push(
        `${label}: the probe's window ran up to ${formatMs(Math.max(...overran))} longer than ` +
          `the load's in ${overran.length} of ${r.runs.length} runs, later than the loop's own ` +
          "worst lag explains; its utilisation covers the load's length, its lag, CPU and " +
          'memory the longer window (serverWindowMs, serverWindowEndMs)',
      );
    }
    const hid = closedLoopHidStalls(r);
    if (hid) warnings.push(`${label}: ${hid}`);
    const dropped = r.runs.reduce(
      (n, run) => n + (run.state === 'completed' ? (run.messagesDropped ?? 0) : 0),
      0,
    );
    if (dropped > 0) {
      warnings.push(
        `${label}: ${dropped} deliveries were dropped (never received, or not within --timeout); ` +
          'its delivery percentiles cover only the ones that arrived',
      );
    }
    const timedOut = r.runs.reduce(
      (n, run) =>
        n + (run.state === 'completed' && run.messagesSentPerSec == null ? (run.timeouts ?? 0) : 0),
      0,
    );
    if (timedOut > 0) {
      warnings.push(
        `${label}: ${timedOut} requests timed out; ` +
          // Reports written before autocannon's workers kept books timed them in whole ms.
          (r.runs.some(
            (run) =>
              run.state === 'completed' &&
              run.loadGenerator.workers &&
              run.latencyResolutionMs !== 0.001,
          )
            ? 'with --workers its latency percentiles cover only the answered ones '
            : 'each counts at --timeout in its latency percentiles ') +
          '(a longer --timeout or fewer --connections has them all answered)',
      );
    }
    const pingsFailed = r.runs.reduce(
      (n, run) => n + (run.state === 'completed' ? run.pingErrors : 0),
      0,
    );
    if (pingsFailed > 0) {
      warnings.push(
        `${label}: ${pingsFailed} /ping calls failed (an error status or a connection error); ` +
          'each counts at --timeout in the /ping percentiles, as a timed-out one does',
      );
    }
    const lateSends = r.runs.flatMap((run) =>
      run.state === 'completed' && (run.pingSendDelayP99Ms ?? 0) > PING_SEND_LATE_MS
        ? [run.pingSendDelayP99Ms as number]
        : [],
    );
    if (lateSends.length > 0) {
      warnings.push(
        // Measured on the bystander's thread, when its timer fired: looplab's side, before the
        // server saw the ping. Why the thread ran late (its own work, the machine, the load
        // generator beside it) is not measured, so not said.
        `${label}: the bystander's thread sent its pings up to ` +
          `${formatMs(Math.max(...lateSends))} after they were due (99th percentile) in ` +
          `${lateSends.length} of ${r.runs.length} runs, before the server saw them; the /ping ` +
          'figures include that delay',
      );
    }
    const others = new Set(
      r.runs.flatMap((run) => (run.state === 'completed' ? (run.otherPorts ?? []) : [])),
    );
    if (others.size > 0) {
      warnings.push(
        `${label}: the app also listened on port ${[...others].join(', ')}; ` +
          (r.target?.port
            ? `port ${r.target.port} was measured, as --port asked`
            : 'the first port it listened on was measured; pick one with --port'),
      );
    }
    const late = r.runs.flatMap((run) => {
      const why = run.state === 'completed' && run.upstream && upstreamBottleneck(run.upstream);
      return why ? [why] : [];
    });
    if (late.length > 0) {
      warnings.push(
        `${label}: the upstream set part of the pace in ${late.length} of ${r.runs.length} runs ` +
          `(${late[0]}); these numbers include its delay, not only the server's ` +
          '(a machine too busy to run it on time does this; run again on a quieter one)',
      );
    }
    if (cpuCount === undefined) continue;
    const busy = r.runs.filter((run) => {
      if (run.state !== 'completed') return false;
      const share = machineBusyShare(run, cpuCount);
      return share !== null && share >= MACHINE_BUSY_SHARE;
    });
    if (busy.length > 0) {
      const together = r.runs.some((run) => run.state === 'completed' && run.upstream)
        ? 'server, load generator and upstream'
        : 'server and load generator';
      warnings.push(
        `${label}: ${together} together kept all ${cpuCount} cores busy in ` +
          `${busy.length} of ${r.runs.length} runs; the machine, not the server alone, set the pace`,
      );
    }
  }
  return warnings;
}

/**
 * One warning per reason stall capture gave up for (an inspector already open, a Node without
 * one): the runs went on and measured everything else, but named no code.
 */
function stallWarnings(results: readonly ResultEntry[]): string[] {
  const runs = new Map<string, number>();
  for (const r of results) {
    for (const run of r.runs) {
      if (run.state === 'completed' && run.stalls?.state === 'unavailable')
        runs.set(run.stalls.reason, (runs.get(run.stalls.reason) ?? 0) + 1);
    }
  }
  return [...runs].map(
    ([reason, n]) =>
      `what held the loop was not captured in ${n === 1 ? '1 run' : `${n} runs`}: ${reason}`,
  );
}
