import type { Argv, CommandModule } from 'yargs';
import { scenarioIds } from '../../scenarios/registry.ts';
import type { Args } from '../handlers/sweep.ts';
import {
  appPortOption,
  bodyOption,
  cmdOption,
  headerOption,
  methodOption,
  pathOption,
  startTimeoutOption,
} from '../options/app.ts';
import { paramOption } from '../options/param.ts';
import type { GlobalArgs } from '../shared/context.ts';

export const sweepCommand: CommandModule<GlobalArgs, Args> = {
  command: 'sweep [scenario]',
  describe:
    'Drive each variant (or each --path of your own server) at a series of constant arrival rates: latency against offered load, the knee and the ceiling',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('scenario', {
        type: 'string',
        describe: `A scenario id: ${scenarioIds().join(', ')}`,
      })
      .option('variants', {
        type: 'string',
        describe: 'Only these variants, comma-separated, e.g. --variants sync,async [default: all]',
      })
      .option('param', paramOption)
      .option('rates', {
        type: 'string',
        default: 'auto',
        describe:
          'Offered rates (req/s): a list 10,20,40, a range FROM:TO:STEP, or auto (step up until the knee, one step past it)',
      })
      .option('slo', {
        type: 'string',
        describe:
          'A latency requirement, e.g. "p99<50ms": also report the highest rate that meets it',
      })
      .option('k', {
        type: 'number',
        default: 2,
        describe:
          "The knee: the first rate whose p99 passes k × the low-load p99 (the lower of the first two steps') and by 10 ms or more",
      })
      .option('warmup', {
        type: 'number',
        describe: 'Seconds of unmeasured load at each step [default: 1]',
      })
      .option('hold', { type: 'number', describe: 'Seconds each step is measured [default: 3]' })
      .option('settle', {
        type: 'number',
        describe: 'Seconds between warm-up and hold for the server to drain [default: 1]',
      })
      .option('quick', {
        type: 'boolean',
        default: false,
        describe: 'Short steps for a lesson (0.5 s warm-up, 1 s hold, 0.5 s settle): a first look',
      })
      .option('arrivals', {
        type: 'string',
        choices: ['poisson', 'uniform'],
        default: 'poisson',
        describe: 'When requests arrive: poisson (random gaps) or uniform (one every 1/rate s)',
      })
      .option('max-connections', {
        type: 'number',
        default: 256,
        describe:
          'The most connections the generator opens; past it, requests wait in the generator (and that wait is counted)',
      })
      .option('runs', { type: 'number', default: 1, describe: 'Sweeps, each with fresh servers' })
      .option('timeout', {
        type: 'number',
        default: 10,
        describe: 'Seconds before a request counts as timed out (at that time)',
      })
      .option('ceiling', {
        type: 'boolean',
        default: true,
        describe:
          "Time a scenario's sync operation first (~0.7 s) for the ceiling, 1000 / ms; --no-ceiling skips it",
      })
      .option('json', {
        type: 'string',
        describe: 'Write the sweep as JSON to this file',
      })
      .option('md', { type: 'string', describe: 'Write the sweep as Markdown, for a pull request' })
      .option('csv', { type: 'string', describe: 'Write every run × variant × step as CSV' })
      .option('html', {
        type: 'string',
        describe: 'Write one self-contained HTML page with the curve (no network)',
      })
      .option('cmd', cmdOption)
      .option('url', {
        type: 'string',
        describe: 'A server already running (no probe: ELU and lag are null)',
      })
      .option('path', pathOption)
      .option('ping', {
        type: 'string',
        describe: "The app's own cheap route for the bystander (default: the probe serves one)",
      })
      .option('port', appPortOption)
      .option('method', methodOption)
      .option('header', headerOption)
      .option('body', bodyOption)
      .option('start-timeout', startTimeoutOption)
      .group(
        ['cmd', 'url', 'path', 'ping', 'port', 'method', 'header', 'body', 'start-timeout'],
        'Your own server:',
      )
      .example('$0 sweep busy-wait --param ms=20', 'Both variants, rates chosen until the knee')
      .example(
        '$0 sweep busy-wait --rates 10,20,40,80 --slo "p99<50ms" --json sweep.json',
        'Set rates; the highest rate that meets the SLO; the JSON',
      )
      .example('$0 sweep busy-wait --rates 10:200:10 --variants sync', 'A range, one variant')
      .example('$0 sweep busy-wait --quick', 'Short steps, for a lesson')
      .example(
        '$0 sweep --cmd "node server.js" --path /orders --path /search',
        'Your own server: each path swept on its own',
      ) as unknown as Argv<Args>,
  handler: async (argv) => (await import('../handlers/sweep.ts')).handle(argv),
};
