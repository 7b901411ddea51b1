import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { resolveClinic, runDoctor } from '../../bench/profile/doctor.ts';
import { describeDoctorVerdict, eventLoopVerdict } from '../../bench/profile/doctor-analysis.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { jsonText } from '../../core/json.ts';
import { assertWritable, writeFileAtomic } from '../../core/write-atomic.ts';
import { scenarioIds, variantNames } from '../../scenarios/registry.ts';
import { selectScenarios } from '../../scenarios/select.ts';
import { paramOption } from '../options/param.ts';
import { err, type GlobalArgs, interruptSignal, out } from '../shared/context.ts';

interface Args extends GlobalArgs {
  scenario: string;
  variant: string;
  param: string[];
  duration: number;
  connections: number;
  html?: string;
  json: boolean;
}

export const doctorCommand: CommandModule<GlobalArgs, Args> = {
  command: 'doctor <scenario>',
  describe:
    'Run Clinic.js Doctor on one variant under autocannon load; print its verdict and write its HTML',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('scenario', {
        type: 'string',
        describe: `Scenario id: ${scenarioIds().join(', ')}`,
      })
      .option('variant', { type: 'string', default: 'sync', describe: 'The variant to diagnose' })
      .option('param', paramOption)
      .option('duration', { type: 'number', default: 5, describe: 'Seconds of load' })
      .option('connections', { type: 'number', default: 10, describe: 'Concurrent connections' })
      .option('html', {
        type: 'string',
        describe: "Where to write Doctor's page [default: doctor-<scenario>-<variant>.html]",
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: "Print Doctor's analysis as JSON",
      })
      .epilogue(
        'Needs Clinic.js (a dev dependency of looplab: npm install --save-dev clinic). Doctor takes ' +
          '10-20 s after the load to analyse. For a profile without Clinic, see: looplab bench --cpu-prof DIR',
      )
      .example('$0 doctor busy-wait', 'The sync variant: Doctor finds an event-loop issue')
      .example('$0 doctor busy-wait --variant async', 'The async variant, for contrast')
      .example(
        '$0 doctor crypto-pbkdf2 --duration 10 --html pbkdf2.html',
        'Longer load, named page',
      ) as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
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
  },
};
