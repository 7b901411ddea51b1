/**
 * sweep once handlers/sweep.ts has checked its flags: the sweep itself, its progress on stderr,
 * the table on stdout and the files. A module of its own so that bad input is refused without
 * loading the harness.
 */

import { sweepFormats } from '../../bench/render/sweep-formats.ts';
import { formatSweepTable } from '../../bench/render/sweep-table.ts';
import { terminalStyle } from '../../bench/render/terminal-style.ts';
import { runSweep, type SweepSettings, type SweepSpec } from '../../bench/run/sweep.ts';
import { parseRates, rateText } from '../../bench/sweep/rates.ts';
import type { SweepStep } from '../../bench/sweep/types.ts';
import { EXIT } from '../../core/errors.ts';
import { formatNumber, formatRate, plural } from '../../core/numbers.ts';
import {
  err,
  type GlobalArgs,
  interruptSignal,
  out,
  setOutcome,
  useColor,
} from '../shared/context.ts';
import { writeEach } from '../shared/write-outputs.ts';

const ms = (x: number | null | undefined) => (x == null ? '–' : formatNumber(x));
const perSec = (x: number | null) => (x === null ? '–' : formatRate(x));

/**
 * `busy-wait sync 40/s: 38.0/s arrived, achieved 38.0/s, p99 23.1 ms (from send 21.0), ELU 0.81`:
 * the step's headline figures as it ends, and who limited it.
 */
export function stepLine(label: string, s: SweepStep): string {
  const limited = s.limitedBy ? `; ${s.limitedBy}-limited: ${s.limitedWhy}` : '';
  return (
    `${label} ${rateText(s.offeredPerSec)}/s: ${perSec(s.arrivedPerSec)}/s arrived, ` +
    `achieved ${perSec(s.achievedPerSec)}/s, p99 ${ms(s.latencyMs?.p99)} ms ` +
    `(from send ${ms(s.uncorrectedLatencyMs?.p99)}), ELU ${s.elu === null ? '–' : s.elu.toFixed(2)}${limited}`
  );
}

export async function runSweepChecked(
  argv: GlobalArgs & { json?: string; md?: string; csv?: string; html?: string },
  settings: SweepSettings,
  spec: SweepSpec,
): Promise<void> {
  const say = (text: string) => {
    if (!argv.quiet) err(text);
  };
  const plan = parseRates(settings.rates);
  const perStep = settings.warmupSec + settings.settleSec + settings.holdSec;
  const variants = plural(spec.variants.length, 'variant');
  say(
    plan.kind === 'fixed'
      ? `looplab: ${variants} × ${plural(plan.ratesPerSec.length, 'rate')} × ${plural(settings.runs, 'run')}, ` +
          `at least ${Math.ceil(spec.variants.length * plan.ratesPerSec.length * settings.runs * perStep)} s\n`
      : `looplab: ${variants}, rates stepped up until each one's knee (${perStep} s a step)\n`,
  );
  const report = await runSweep(spec, settings, {
    signal: interruptSignal,
    onCeilingStart: () => say('looplab: timing one sync operation for the ceiling…\n'),
    onStart: (v, run) =>
      say(`looplab: starting ${v.label}${settings.runs > 1 ? ` (run ${run})` : ''}\n`),
    onStep: (v, _run, step) => say(`${stepLine(v.label, step)}\n`),
    onFailed: (v, run, reason) => err(`looplab: ${v.label}, run ${run}, failed ${reason}\n`),
  });
  out(formatSweepTable(report, terminalStyle(useColor(process.stdout))));
  // After the table, each on its own: a full disk on --json loses neither the table nor --html.
  const files = [
    { path: argv.json, format: 'json' },
    { path: argv.md, format: 'markdown' },
    { path: argv.csv, format: 'csv' },
    { path: argv.html, format: 'html' },
  ] as const;
  await writeEach(
    files.flatMap((f) =>
      f.path === undefined ? [] : [{ path: f.path, text: () => sweepFormats[f.format](report) }],
    ),
    argv.quiet,
  );
  if (report.variants.some((v) => v.runs.some((r) => r.state === 'failed'))) {
    setOutcome(EXIT.CHECK_FAILED);
  }
}
