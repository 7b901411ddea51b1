/** What `looplab doctor` does: check the flags and Clinic.js, run Doctor, print its verdict. */
import type { ArgumentsCamelCase } from 'yargs';
import { resolveClinic, runDoctor } from '../../bench/profile/doctor.ts';
import { describeDoctorVerdict, eventLoopVerdict } from '../../bench/profile/doctor-analysis.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { jsonText } from '../../core/json.ts';
import { assertWritable, writeFileAtomic } from '../../core/write-atomic.ts';
import { variantNames } from '../../scenarios/registry.ts';
import { selectScenarios } from '../../scenarios/select.ts';
import { err, type GlobalArgs, interruptSignal, out } from '../shared/context.ts';

export interface Args extends GlobalArgs {
  scenario: string;
  variant: string;
  param: string[];
  duration: number;
  connections: number;
  html?: string;
  json: boolean;
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  const [selection] = selectScenarios([argv.scenario], [argv.variant], argv.param);
  if (!selection) throw new LooplabError(ERROR_CODES.USAGE, 'name one scenario');
  for (const [name, value] of [
    ['--duration', argv.duration],
    ['--connections', argv.connections],
  ] as const) {
    if (!(Number.isInteger(value) && value > 0)) {
      throw new LooplabError(
        ERROR_CODES.BAD_OPTION,
        `${name} must be a positive whole number, got ${value}`,
      );
    }
  }
  // Checked before minutes of load: a missing clinic or an unwritable path fail at once.
  resolveClinic();
  const html = argv.html ?? `doctor-${selection.scenario.id}-${argv.variant}.html`;
  await assertWritable(html);
  if (!argv.quiet) {
    const others = variantNames(selection.scenario).filter((v) => v !== argv.variant);
    err(
      `looplab: Clinic.js Doctor on ${selection.scenario.id} ${argv.variant}, ${argv.duration} s of load` +
        ` (${argv.connections} connections), then its analysis; compare with --variant ${others[0] ?? 'async'}\n`,
    );
  }
  const result = await runDoctor({
    scenario: selection.scenario.id,
    variant: argv.variant,
    params: selection.params,
    durationSec: argv.duration,
    connections: argv.connections,
    signal: interruptSignal,
    ...(!argv.quiet && argv.debug && { onOutput: (line: string) => err(`clinic: ${line}\n`) }),
  });
  await writeFileAtomic(html, result.html);
  if (argv.json) {
    out(
      jsonText({
        scenario: selection.scenario.id,
        variant: argv.variant,
        html,
        ...result.analysis,
      }),
    );
  } else {
    out(`${selection.scenario.id} ${argv.variant}: ${result.analysis.issueCategory}\n`);
    out(`${describeDoctorVerdict(result.analysis)}\n`);
    const loop = eventLoopVerdict(result.analysis);
    if (loop) out(`${loop}\n`);
  }
  if (!argv.quiet) err(`wrote ${html}\n`);
}
