/**
 * What `looplab bench` does: check every flag before anything starts (scenarios, variants,
 * parameters, your own server's flags, output paths), then run it with handlers/bench-run.ts.
 */
import type { ArgumentsCamelCase } from 'yargs';
import { cpuProfArgs } from '../../bench/profile/cpu-prof.ts';
import { assertDistinctOutputs } from '../../core/output-paths.ts';
import { assertWritable } from '../../core/write-atomic.ts';
import { selectScenarios } from '../../scenarios/select.ts';
import {
  type AppFlags,
  appSpec,
  checkAppFlagsUnused,
  checkScenarioFlagsUnused,
  startTimeoutMs,
  wantsApp,
} from '../options/app.ts';
import { type BenchFlags, benchOptions } from '../options/bench.ts';
import type { CompareFlags } from '../options/compare.ts';
import { checkHtmlPath } from '../options/html.ts';
import { resolveOutputs, stepSummaryOutput } from '../options/outputs.ts';
import type { GlobalArgs } from '../shared/context.ts';

export interface Args extends GlobalArgs, CompareFlags, BenchFlags, AppFlags {
  baseline?: string;
  scenarios: string[];
  variant: string[];
  param: string[];
  quick: boolean;
  json?: string;
  md?: string;
  html?: string;
  cpuProf?: string;
  ceiling: boolean;
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  const options = benchOptions(argv);
  const app = wantsApp(argv);
  if (app) checkScenarioFlagsUnused(argv);
  else checkAppFlagsUnused(argv);
  // Checked with the other flags, before anything is printed or started (an app's, in appSpec).
  const scenarioStartTimeoutMs = app ? null : startTimeoutMs(argv.startTimeout, 'scenario');
  const spec = app ? await appSpec(argv, argv.scenarios) : undefined;
  const selection = spec ? [] : selectScenarios(argv.scenarios, argv.variant, argv.param);
  await checkHtmlPath(argv.html);
  const execArgv = argv.cpuProf ? await cpuProfArgs(argv.cpuProf) : undefined;
  const outputs = resolveOutputs(argv.json, argv.md);
  await assertDistinctOutputs(
    argv.baseline === undefined ? [] : [{ name: '--baseline', path: argv.baseline }],
    [
      ...outputs.flatMap((o) =>
        o.path ? [{ name: o.format === 'json' ? '--json' : '--md', path: o.path }] : [],
      ),
      ...(argv.html ? [{ name: '--html', path: argv.html }] : []),
      ...stepSummaryOutput(argv.baseline !== undefined),
    ],
  );
  // Checked before the benchmark, not after: minutes of measurement must not be lost to a typo.
  for (const o of outputs) if (o.path) await assertWritable(o.path);
  // Only now the harness, the renderers and the statistics: bad input is refused without them.
  const { runChecked } = await import('./bench-run.ts');
  await runChecked({
    flags: argv,
    options,
    spec,
    selection,
    execArgv,
    outputs,
    scenarioStartTimeoutMs,
  });
}
