/**
 * looplab's own diagnosis of each variant, in words, from what every run measures: so every
 * bench run says what is wrong, not only a Clinic.js Doctor run.
 *
 * The event-loop thresholds are Clinic.js Doctor's published ones (@clinic/doctor 13,
 * analysis/analyse-delay.js and analysis/analyse-loop-utilization.js): the loop is unhealthy when
 * the median delay is >= 10 ms ("we can't handle connections for 10 ms") or the max is >= 100 ms
 * (one long stop, often GC), and saturated when its utilisation is >= 95%. Doctor samples the
 * delay on a 10 ms timer; looplab's median here is the raw one of its own 10 ms sampler (not the
 * headline, corrected for coordinated omission: Doctor's threshold was set on raw samples), its
 * max the largest delay, both with the interval subtracted, so the two read the same kind of number.
 *
 * Doctor cannot see what a bystander sees; looplab measures it. A cheap `/ping` whose p99 is
 * >= 100 ms has stopped feeling instant (Nielsen's 0.1 s response-time limit), and since /ping
 * does no work of its own, what it waited for was the loop.
 */
import { formatMs, formatPercent } from '../../core/numbers.ts';
import { heldByText } from './stalls.ts';
import type { Diagnosis, Finding, ResultEntry, RunRecord } from './types.ts';

export const LAG_MEDIAN_UNHEALTHY_MS = 10;
export const LAG_MAX_UNHEALTHY_MS = 100;
export const ELU_SATURATED = 0.95;
export const PING_P99_SLOW_MS = 100;

/** What a server looplab could not probe (`--url`) says of its loop, everywhere it is shown. */
export const NO_PROBE_TEXT = 'not measured (no probe: use --cmd)';

/**
 * Diagnoses one scenario variant from the summary of its completed runs; a blocked loop is said
 * to be held by the stack that held most of its stalled time, where stalls were captured.
 */
export function diagnose(
  entry: Pick<ResultEntry, 'summary' | 'stalls' | 'target'> & Partial<Pick<ResultEntry, 'runs'>>,
): Diagnosis {
  if (entry.target?.probe === false) {
    return { healthy: null, findings: [], text: `event loop ${NO_PROBE_TEXT}` };
  }
  const s = entry.summary;
  // The mean of the runs' medians; for the max, the worst run: one long stop is the finding.
  const median = s.lagRawP50Ms.mean;
  const max = s.lagMaxMs.max;
  const elu = s.elu.mean;
  const ping = s.pingP99Ms.mean;
  if (median === null || max === null) {
    return {
      healthy: null,
      findings: [],
      text: 'no completed run measured the event loop: nothing to diagnose',
    };
  }
  const findings: Finding[] = [];
  if (median >= LAG_MEDIAN_UNHEALTHY_MS) {
    findings.push({
      heuristic: 'lagMedian',
      text: `median event-loop delay ${formatMs(median)} (>= ${LAG_MEDIAN_UNHEALTHY_MS} ms: every request waits that long for the loop)`,
    });
  }
  if (max >= LAG_MAX_UNHEALTHY_MS) {
    findings.push({
      heuristic: 'lagMax',
      text: `the loop stalled for ${formatMs(max)} (>= ${LAG_MAX_UNHEALTHY_MS} ms)`,
    });
  }
  if (elu !== null && elu >= ELU_SATURATED) {
    findings.push({
      heuristic: 'elu',
      text: `the loop was busy ${formatPercent(elu)} of the time (>= ${formatPercent(ELU_SATURATED)}: saturated, nothing more fits)`,
    });
  }
  const failed = pingFailures(entry.runs ?? []);
  const pingPath = entry.target?.pingPath ?? '/ping';
  if (ping !== null && ping >= PING_P99_SLOW_MS && failed) {
    findings.push({
      heuristic: 'ping',
      text: `${pingPath} read ${formatMs(ping)} at p99 with ${formatCount(failed.perRun)} failed ${failed.perRun === 1 ? 'call' : 'calls'} a run, each counted at the timeout (an error status or a lost connection, not a slow loop)`,
    });
  } else if (ping !== null && ping >= PING_P99_SLOW_MS) {
    findings.push({
      heuristic: 'ping',
      text: `a cheap ${pingPath} waited ${formatMs(ping)} at p99 (>= ${PING_P99_SLOW_MS} ms: bystanders queue behind the work)`,
    });
  }
  const blocked = findings.some((f) => f.heuristic === 'lagMedian' || f.heuristic === 'lagMax');
  if (findings.length > 0) {
    const failedOnly = failed !== null && findings.every((f) => f.heuristic === 'ping');
    const what = blocked
      ? 'event loop blocked'
      : failedOnly
        ? 'pings failed'
        : 'event loop under strain';
    const heldBy = heldByText(entry.stalls);
    const by = heldBy ? `; ${heldBy}` : '';
    return {
      healthy: false,
      findings,
      text: `${what}: ${findings.map((f) => f.text).join('; ')}${by}`,
    };
  }
  const parts = [`median delay ${formatMs(median)}`, `max ${formatMs(max)}`];
  if (elu !== null) parts.push(`utilisation ${formatPercent(elu)}`);
  if (ping !== null) parts.push(`${pingPath} p99 ${formatMs(ping)}`);
  return { healthy: true, findings, text: `event loop healthy: ${parts.join(', ')}` };
}

/**
 * The bystander's failed pings (an error status, a lost connection), when they are what set its
 * p99: each counts at the timeout (run-record.ts), so once more than 1% of the pings failed or
 * timed out, the p99 reads the timeout. Pings that timed out did wait that long; failed ones did
 * not, and only failures with fewer than 1% timed out make the p99 theirs. Null otherwise.
 */
function pingFailures(runs: readonly RunRecord[]): { perRun: number } | null {
  let sent = 0;
  let errors = 0;
  let timeouts = 0;
  let completed = 0;
  for (const r of runs) {
    if (r.state !== 'completed') continue;
    completed++;
    sent += r.pingSent;
    errors += r.pingErrors;
    timeouts += r.pingTimeouts;
  }
  if (errors === 0 || sent === 0) return null;
  if ((errors + timeouts) / sent <= 0.01 || timeouts / sent > 0.01) return null;
  return { perRun: errors / completed };
}

/** A count a run, whole when it is, else to one decimal. */
function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
