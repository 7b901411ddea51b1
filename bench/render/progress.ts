/**
 * Progress on stderr, so that stdout stays clean for tables and JSON: a live line on a TTY,
 * one plain line per run elsewhere (CI logs, pipes).
 */
import { formatMs, formatRate } from '../../core/numbers.ts';
import type { RunRecord } from '../report/types.ts';
import type { Phase } from '../run/measure-run.ts';
import type { RunLabel } from '../run/plan.ts';
import { ansi } from './terminal-style.ts';

export interface ProgressOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  quiet: boolean;
  color: boolean;
  /** Also print each server's pid, for attaching a debugger or checking that it was reaped. */
  debug: boolean;
  /** The window's length, to show how far a run has got. */
  durationSec: number;
}

const PHASE_TEXT: Record<Phase, string> = {
  starting: 'starting server',
  warmup: 'warming up',
  draining: "finishing the warm-up's requests",
  measuring: 'measuring',
  reading: 'reading probe',
};

const label = (job: RunLabel) => `${job.scenario.id} ${job.variant} run ${job.run}`;

/** One line that says how a run went, in the units a reader needs. */
export function describeRecord(record: RunRecord): string {
  if (record.state === 'failed')
    return `failed: ${record.reason}${record.code ? ` [${record.code}]` : ''}`;
  // A WebSocket run: its messages, and how long the slowest of them took to reach everyone.
  const parts =
    record.messagesSentPerSec == null
      ? [`${formatRate(record.requestsPerSec ?? 0)} req/s`]
      : [
          `${formatRate(record.messagesDeliveredPerSec ?? 0)} msg/s delivered`,
          `delivery p99 ${record.deliveryP99Ms === null ? '–' : formatMs(record.deliveryP99Ms)}`,
        ];
  if (record.lagP99Ms !== null) parts.push(`lag p99 ${formatMs(record.lagP99Ms)}`);
  else if (record.serverPid === null) parts.push('lag not measured (no probe)');
  if (record.pingP99Ms !== null) parts.push(`/ping p99 ${formatMs(record.pingP99Ms)}`);
  if (record.loadGenerator.saturated) parts.push('load generator saturated');
  return parts.join(', ');
}

/** The progress hooks, for a scenario benchmark's runs or an app's alike. */
export interface ProgressHooks {
  onRunStart?: (job: RunLabel, index: number, total: number) => void;
  onRunPhase?: (job: RunLabel, phase: Phase, serverPid?: number, upstreamPid?: number) => void;
  onRunTick?: (job: RunLabel, elapsedSec: number, completed: number) => void;
  onRunEnd?: (job: RunLabel, record: RunRecord, index: number, total: number) => void;
}

export function progressHooks(o: ProgressOptions): ProgressHooks {
  if (o.quiet) return {};
  const live = Boolean(o.stream.isTTY);
  const paint = ansi(o.color);
  let prefix = '';
  let shownPid: number | undefined;
  const status = (text: string) => {
    if (live) o.stream.write(`\r\x1b[K${prefix} ${paint('2', text)}`);
  };
  return {
    onRunStart(job, index, total) {
      prefix = `[${index + 1}/${total}] ${label(job)}`;
      status('starting server');
    },
    onRunPhase(job, phase, pid, upstreamPid) {
      if (o.debug && pid !== undefined && pid !== shownPid) {
        shownPid = pid;
        if (live) o.stream.write('\r\x1b[K');
        const upstream = upstreamPid === undefined ? '' : `, upstream pid ${upstreamPid}`;
        o.stream.write(`debug: ${label(job)} server pid ${pid}${upstream}\n`);
      }
      // Each phase as it begins: where a run was when something happened (a stop, a stall).
      if (o.debug) o.stream.write(`${live ? '\r\x1b[K' : ''}debug: ${label(job)} phase ${phase}\n`);
      status(PHASE_TEXT[phase]);
    },
    onRunTick(job, elapsedSec, completed) {
      const unit = job.scenario.protocol === 'websocket' ? 'messages' : 'requests';
      status(
        `${PHASE_TEXT.measuring} ${elapsedSec.toFixed(0)}/${o.durationSec} s · ${completed} ${unit}`,
      );
    },
    onRunEnd(_job, record) {
      const ok = record.state === 'completed';
      const mark = ok ? paint('32', '✓') : paint('31', '✗');
      o.stream.write(`${live ? '\r\x1b[K' : ''}${mark} ${prefix}: ${describeRecord(record)}\n`);
    },
  };
}
