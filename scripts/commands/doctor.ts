import type { Argv, CommandModule } from 'yargs';
import { scenarioIds } from '../../scenarios/registry.ts';
import type { Args } from '../handlers/doctor.ts';
import { paramOption } from '../options/param.ts';
import type { GlobalArgs } from '../shared/context.ts';

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
  handler: async (argv) => (await import('../handlers/doctor.ts')).handle(argv),
};
