import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_TURN_S } from '../../bench/live/turns.ts';
import { getScenario, scenarioIds } from '../../scenarios/registry.ts';
import type { Args } from '../handlers/live.ts';
import {
  appPortOption,
  bodyOption,
  cmdOption,
  headerOption,
  methodOption,
  pathOption,
  START_TIMEOUT_SEC,
  startTimeoutOption,
} from '../options/app.ts';
import { DEFAULT_LIVE_SCENARIO, LIVE_DEFAULTS } from '../options/live.ts';
import { paramOption } from '../options/param.ts';
import type { GlobalArgs } from '../shared/context.ts';

/** The scenarios live drives: those that speak HTTP (a WebSocket one is refused, saying why). */
const liveScenarioIds = () =>
  scenarioIds().filter((id) => getScenario(id).protocol !== 'websocket');

export const liveCommand: CommandModule<GlobalArgs, Args> = {
  command: 'live [scenario]',
  describe:
    'Watch the loop live: every variant at once under load, a frame of lag, throughput and stalls several times a second',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('scenario', {
        type: 'string',
        describe: `One of: ${liveScenarioIds().join(', ')} [default: ${DEFAULT_LIVE_SCENARIO}]`,
      })
      .option('connections', {
        type: 'number',
        // No yargs default: --no-load refuses a --connections that was given.
        describe: `Concurrent connections per variant (closed loop); with --rate, the most the generator opens [default: ${LIVE_DEFAULTS.connections}]`,
      })
      .option('rate', {
        type: 'number',
        describe:
          'Open-model load instead: requests/s per variant, poisson arrivals, latency timed from when each was due',
      })
      .option('param', paramOption)
      .option('frame-interval', {
        type: 'number',
        default: LIVE_DEFAULTS.frameInterval,
        describe: "Milliseconds between two readings of each variant's probe",
      })
      .option('alternate', {
        // A bare --alternate takes the default turn; yargs gives '' for it.
        type: 'string',
        describe: `The variants take turns under load, SECONDS each (1 to 60), the others idle: one loaded server at a time, for a fair comparison on few cores [default turn: ${DEFAULT_TURN_S}]`,
      })
      .option('max-time', {
        type: 'number',
        default: LIVE_DEFAULTS.maxTime,
        describe: 'Seconds after which the load stops and looplab live ends',
      })
      .option('stall-threshold', {
        type: 'number',
        default: LIVE_DEFAULTS.stallThreshold,
        describe: 'Milliseconds the loop must be late before the stack holding it is captured',
      })
      .option('ndjson', {
        type: 'boolean',
        default: false,
        describe:
          'Write every event to stdout, one JSON object a line (docs/live.md); messages go to stderr',
      })
      .option('record', {
        type: 'string',
        describe: 'Also write every event to this file (replacing it) as NDJSON, as it happens',
      })
      .option('replay', {
        type: 'string',
        describe: 'Play a recording (--record) back at its pace instead of measuring',
      })
      .option('open', {
        type: 'boolean',
        default: true,
        describe: 'Open the page in the browser (--no-open: only print its address)',
      })
      .option('port', {
        type: 'number',
        default: 0,
        describe: 'Port of the page on 127.0.0.1 (0 picks a free one)',
      })
      .option('cmd', cmdOption)
      .option('path', pathOption)
      .option('load', {
        type: 'boolean',
        default: true,
        describe:
          'With --cmd: --no-load sends no request; you load the server (k6, wrk…) and looplab watches its loop',
      })
      .option('app-port', appPortOption)
      .option('method', methodOption)
      .option('header', headerOption)
      .option('body', bodyOption)
      .option('start-timeout', {
        ...startTimeoutOption,
        describe: `With --cmd: seconds your server may take to listen before looplab gives up (default: ${START_TIMEOUT_SEC.app})`,
      })
      .group(
        ['cmd', 'path', 'load', 'app-port', 'method', 'header', 'body', 'start-timeout'],
        'Your own server:',
      )
      .example('$0 live --ndjson --max-time 10', 'busy-wait sync and async side by side, as NDJSON')
      .example('$0 live', 'busy-wait sync and async side by side, on a page in your browser')
      .example(
        '$0 live busy-wait --param ms=50 --ndjson --record run.ndjson',
        'as NDJSON, and keep every event in run.ndjson',
      )
      .example(
        '$0 live --alternate 5',
        'sync and async under load in turns of 5 s, never both at once',
      )
      .example('$0 live --replay run.ndjson', 'play that recording back on the page')
      .example(
        '$0 live --cmd "node server.js" --path /orders --path /search',
        'your own routes side by side, on the one loop they share',
      )
      .epilogue(
        'The page is served by looplab on 127.0.0.1, with a token in its address; the load stops when no page has been connected for 30 s. Ctrl-C stops the load and every server. docs/live.md',
      ) as unknown as Argv<Args>,
  handler: async (argv) => (await import('../handlers/live.ts')).handle(argv),
};
