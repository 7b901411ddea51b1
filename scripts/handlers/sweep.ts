/**
 * What `looplab sweep` does: check every flag before anything starts (the rates, the SLO, the
 * step times, the scenario or your own server, the output paths), then sweep, print the table and
 * the progress, and write the files.
 */
import type { ArgumentsCamelCase } from 'yargs';
import type { SweepSettings, SweepSpec, SweepTarget } from '../../bench/run/sweep.ts';
import { MAX_HOLD_SEC } from '../../bench/sweep/summary.ts';
import { ERROR_CODES, Interrupted, LooplabError } from '../../core/errors.ts';
import { assertDistinctOutputs } from '../../core/output-paths.ts';
import { assertWritable } from '../../core/write-atomic.ts';
import { selectScenarios } from '../../scenarios/select.ts';
import { type AppFlags, appSpec, checkReachable, startTimeoutMs } from '../options/app.ts';
import { err, type GlobalArgs } from '../shared/context.ts';

export interface Args extends GlobalArgs {
  scenario?: string;
  variants?: string;
  param: string[];
  rates: string;
  slo?: string;
  k: number;
  warmup?: number;
  hold?: number;
  settle?: number;
  quick: boolean;
  arrivals: string;
  maxConnections: number;
  runs: number;
  timeout: number;
  ceiling: boolean;
  json?: string;
  md?: string;
  csv?: string;
  html?: string;
  cmd?: string;
  url?: string;
  path: string[];
  ping?: string;
  port?: number;
  method: string;
  header: string[];
  body?: string;
  startTimeout?: number;
}

const badOption = (message: string) => new LooplabError(ERROR_CODES.BAD_OPTION, message);

/** The step times: --quick's short steps for a lesson, or the usual ones, under the flags given. */
const STEPS = {
  normal: { warmup: 1, hold: 3, settle: 1 },
  quick: { warmup: 0.5, hold: 1, settle: 0.5 },
};

function checkNumber(
  flag: string,
  value: number,
  min: number,
  max: number,
  integer = false,
): number {
  if (
    !(Number.isFinite(value) && value >= min && value <= max) ||
    (integer && !Number.isInteger(value))
  ) {
    throw badOption(
      `--${flag} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}

/**
 * The settings the flags ask for.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION for a bad rate list, SLO or number.
 */
async function settingsOf(argv: Args): Promise<SweepSettings> {
  const { checkHoldRequests, parseRates } = await import('../../bench/sweep/rates.ts');
  const { parseSlo } = await import('../../bench/sweep/slo.ts');
  const plan = parseRates(argv.rates);
  const base = argv.quick ? STEPS.quick : STEPS.normal;
  const arrivals = argv.arrivals === 'uniform' ? 'uniform' : 'poisson';
  const holdSec = checkNumber('hold', argv.hold ?? base.hold, 0.1, MAX_HOLD_SEC);
  checkHoldRequests(plan, holdSec);
  return {
    rates: argv.rates,
    arrivals,
    warmupSec: checkNumber('warmup', argv.warmup ?? base.warmup, 0, 600),
    holdSec,
    settleSec: checkNumber('settle', argv.settle ?? base.settle, 0, 600),
    runs: checkNumber('runs', argv.runs, 1, 1000, true),
    k: checkNumber('k', argv.k, 1.01, 1000),
    slo: argv.slo === undefined ? null : parseSlo(argv.slo),
    timeoutSec: checkNumber('timeout', argv.timeout, 0.1, 600),
    maxConnections: checkNumber('max-connections', argv.maxConnections, 1, 10_000, true),
    pingRateHz: 50,
  };
}

/** The variants of one scenario, or the paths of your own server, as sweep targets. */
async function specOf(argv: Args): Promise<SweepSpec> {
  const app = argv.cmd !== undefined || argv.url !== undefined;
  const { DEFAULT_OPTIONS } = await import('../../bench/run/options.ts');
  if (app) {
    if (argv.variants !== undefined || argv.param.length > 0) {
      throw badOption(
        '--variants and --param apply to scenarios, not to --cmd or --url; leave them out',
      );
    }
    const flags: AppFlags = {
      ...(argv.cmd !== undefined && { cmd: argv.cmd }),
      ...(argv.url !== undefined && { url: argv.url }),
      path: argv.path,
      ...(argv.ping !== undefined && { ping: argv.ping }),
      name: 'app',
      vsName: 'vs',
      ...(argv.port !== undefined && { port: argv.port }),
      method: argv.method,
      header: argv.header,
      ...(argv.body !== undefined && { body: argv.body }),
      ...(argv.startTimeout !== undefined && { startTimeout: argv.startTimeout }),
    };
    const spec = await appSpec(flags, argv.scenario === undefined ? [] : [argv.scenario]);
    const { appRunTarget } = await import('../../bench/run/app-bench.ts');
    const side = spec.sides[0];
    if (!side) throw badOption('give --cmd or --url');
    // Something must answer there before minutes of load are aimed at it.
    if (side.url !== null) await checkReachable(side.url, spec.paths[0]?.request.path ?? '/');
    return {
      target:
        side.command !== null
          ? { cmd: side.command, paths: spec.paths.map((p) => p.label) }
          : { cmd: `--url ${argv.url}`, paths: spec.paths.map((p) => p.label) },
      variants: spec.paths.map(
        (path): SweepTarget => ({
          variant: path.label,
          label: `${side.label} ${path.label}`,
          run: appRunTarget(side, path, spec, DEFAULT_OPTIONS),
        }),
      ),
      ...(spec.env && { env: spec.env }),
    };
  }
  const appOnly = [
    argv.path.length > 0 && '--path',
    argv.ping !== undefined && '--ping',
    argv.port !== undefined && '--port',
    argv.header.length > 0 && '--header',
    argv.body !== undefined && '--body',
  ].filter(Boolean);
  if (appOnly.length > 0) {
    throw badOption(
      `${appOnly.join(' and ')} ${appOnly.length === 1 ? 'goes' : 'go'} with --cmd or --url; scenarios answer GET / only`,
    );
  }
  if (argv.scenario === undefined) {
    throw new LooplabError(
      ERROR_CODES.USAGE,
      'name a scenario (looplab sweep busy-wait) or your server (--cmd "node server.js" --path /orders)',
    );
  }
  const variants = argv.variants === undefined ? [] : argv.variants.split(',').map((v) => v.trim());
  const [selection] = selectScenarios([argv.scenario], variants, argv.param);
  if (!selection) throw badOption(`no scenario ${argv.scenario}`);
  if (selection.scenario.protocol === 'websocket') {
    throw badOption(`${selection.scenario.id} is a WebSocket room; sweep drives HTTP routes`);
  }
  const start = startTimeoutMs(argv.startTimeout, 'scenario');
  const { scenarioTarget } = await import('../../bench/run/measure-run.ts');
  return {
    target: { scenario: selection.scenario.id, params: selection.params },
    variants: selection.variants.map((variant) => ({
      variant,
      label: `${selection.scenario.id} ${variant}`,
      run: scenarioTarget(
        { scenario: selection.scenario, variant, params: selection.params, run: 1 },
        DEFAULT_OPTIONS,
        { startTimeoutMs: start },
      ),
    })),
    ...(argv.ceiling && { ceilingOf: selection }),
  };
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  const settings = await settingsOf(argv);
  const spec = await specOf(argv);
  const files = (['json', 'md', 'csv', 'html'] as const).flatMap((flag) => {
    const path = argv[flag];
    return path === undefined ? [] : [{ name: `--${flag}`, path }];
  });
  for (const f of files) {
    if (f.path === '' || f.path === '-') throw badOption(`${f.name} needs a file name`);
  }
  await assertDistinctOutputs([], files);
  // Checked before the sweep, not after: minutes of measurement must not be lost to a typo.
  for (const f of files) await assertWritable(f.path);
  const { runSweepChecked } = await import('./sweep-run.ts');
  await runSweepChecked(argv, settings, spec).catch((error: unknown) => {
    if (error instanceof Interrupted) {
      err(`looplab: stopped by ${error.signal} before any step completed; nothing written\n`);
    }
    throw error;
  });
}
