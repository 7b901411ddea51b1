/**
 * sweep once handlers/sweep.ts has checked its flags: the sweep itself, its progress on stderr,
 * the table on stdout and the files. A module of its own so that bad input is refused without
 * loading the harness.
 */
import { runSweep, type SweepSettings, type SweepSpec } from '../../bench/run/sweep.ts';
import { parseRates } from '../../bench/run/sweep-standins.ts';
import type { SweepReport, SweepStep } from '../../bench/sweep/types.ts';
import { EXIT } from '../../core/errors.ts';
import { plural } from '../../core/numbers.ts';
import { err, type GlobalArgs, interruptSignal, out, setOutcome } from '../shared/context.ts';
import { writeEach } from '../shared/write-outputs.ts';

const ms = (x: number | null | undefined) => (x == null ? '–' : x.toFixed(1));

/** `busy-wait sync 40/s: achieved 39.8/s, p99 23.1 ms (uncorrected 21.0), elu 0.81`. */
export function stepLine(label: string, s: SweepStep): string {
  const limited = s.limitedBy ? `; ${s.limitedBy}-limited: ${s.limitedWhy}` : '';
  return (
    `${label} ${s.offeredPerSec}/s: achieved ${s.achievedPerSec ?? '–'}/s, ` +
    `p99 ${ms(s.latencyMs?.p99)} ms (uncorrected ${ms(s.uncorrectedLatencyMs?.p99)}), ` +
    `elu ${s.elu == null ? '–' : s.elu.toFixed(2)}${limited}`
  );
}

/** A plain table, one row per step per variant, and each variant's knee and ceiling. */
function plainTable(report: SweepReport): string {
  const lines: string[] = [];
  const head = [
    'offered/s',
    'achieved/s',
    'p50',
    'p99',
    'p99.9',
    'max',
    'p99 unc.',
    'elu',
    'lag p99',
    '/ping p99',
    'limited',
  ];
  for (const v of report.variants) {
    lines.push('', v.label);
    const rows = [head];
    for (const r of v.runs) {
      for (const s of r.steps) {
        rows.push([
          String(s.offeredPerSec),
          String(s.achievedPerSec ?? '–'),
          ms(s.latencyMs?.p50),
          ms(s.latencyMs?.p99),
          ms(s.latencyMs?.p999),
          ms(s.latencyMs?.max),
          ms(s.uncorrectedLatencyMs?.p99),
          s.elu == null ? '–' : s.elu.toFixed(2),
          ms(s.lagP99Ms),
          ms(s.pingP99Ms),
          s.limitedBy ?? '',
        ]);
      }
    }
    const widths = head.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
    for (const row of rows)
      lines.push(`  ${row.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ')}`);
    const knee = v.knee.medianPerSec;
    lines.push(
      `  knee: ${knee === null ? 'not reached' : `${knee}/s`}` +
        (v.ceiling ? `; ceiling ${v.ceiling.perSec}/s (${v.ceiling.source})` : '') +
        (v.slo ? `; SLO ${report.options.slo?.text}: ${v.slo.medianPerSec ?? 'none'}` : ''),
    );
  }
  if (report.kneeRatio !== null) lines.push('', `async's knee / sync's: ${report.kneeRatio}×`);
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

export async function runSweepChecked(
  argv: GlobalArgs & { json?: string },
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
    plan.kind === 'list'
      ? `looplab: ${variants} × ${plural(plan.rates.length, 'rate')} × ${plural(settings.runs, 'run')}, ` +
          `at least ${Math.ceil(spec.variants.length * plan.rates.length * settings.runs * perStep)} s\n`
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
  out(plainTable(report));
  await writeEach(
    argv.json === undefined
      ? []
      : [{ path: argv.json, text: () => `${JSON.stringify(report, null, 2)}\n` }],
    argv.quiet,
  );
  if (report.variants.some((v) => v.runs.some((r) => r.state === 'failed'))) {
    setOutcome(EXIT.CHECK_FAILED);
  }
}
