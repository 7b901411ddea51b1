/**
 * What `looplab bench` does: check every flag before anything starts (scenarios, variants,
 * parameters, your own server's flags, output paths), then run it with handlers/bench-run.ts.
 */
import type { ArgumentsCamelCase } from 'yargs';
import { cpuProfArgs } from '../../bench/profile/cpu-prof.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
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
import { type BenchFlags, benchOptions, givenOptions } from '../options/bench.ts';
import type { CompareFlags } from '../options/compare.ts';
import { checkHtmlPath } from '../options/html.ts';
import { resolveOutputs, stepSummaryOutput } from '../options/outputs.ts';
import type { GlobalArgs } from '../shared/context.ts';
import { dropTornLine, readJournal, resumeFrom } from '../shared/journal.ts';

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
  journal?: string;
  resume?: string;
  force: boolean;
}

/** --resume runs the journal's plan: a flag that would set another is refused, not ignored. */
function checkResumeFlags(argv: Args): void {
  const planFlags = [
    argv.scenarios.length > 0 && 'a scenario',
    argv.variant.length > 0 && '--variant',
    argv.param.length > 0 && '--param',
    argv.quick && '--quick',
    wantsApp(argv) && '--cmd, --vs-cmd or --url',
    argv.journal !== undefined && '--journal (the runs are appended to the journal resumed)',
    argv.cpuProf !== undefined && '--cpu-prof',
  ].filter((f): f is string => typeof f === 'string');
  if (planFlags.length > 0) {
    throw new LooplabError(
      ERROR_CODES.USAGE,
      `--resume runs the plan the journal holds; leave out ${planFlags.join(', ')}`,
    );
  }
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  if (argv.force && argv.resume === undefined) {
    throw new LooplabError(ERROR_CODES.USAGE, '--force goes with --resume JOURNAL');
  }
  if (argv.resume !== undefined) checkResumeFlags(argv);
  const journal = argv.resume !== undefined ? await readJournal(argv.resume) : undefined;
  const resumed =
    journal && argv.resume !== undefined
      ? resumeFrom(journal, argv.resume, givenOptions(argv), argv.force)
      : undefined;
  const options = resumed?.options ?? benchOptions(argv);
  const app = wantsApp(argv);
  if (app) checkScenarioFlagsUnused(argv);
  else checkAppFlagsUnused(argv);
  if (app && argv.journal !== undefined) {
    throw new LooplabError(
      ERROR_CODES.USAGE,
      '--journal is for scenarios; --cmd and --url benchmarks keep no journal yet',
    );
  }
  // Checked with the other flags, before anything is printed or started (an app's, in appSpec).
  const scenarioStartTimeoutMs = app ? null : startTimeoutMs(argv.startTimeout, 'scenario');
  const spec = app ? await appSpec(argv, argv.scenarios) : undefined;
  const selection =
    resumed?.selection ?? (spec ? [] : selectScenarios(argv.scenarios, argv.variant, argv.param));
  const journalPath = argv.resume ?? argv.journal;
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
      ...(journalPath !== undefined
        ? [{ name: argv.resume !== undefined ? '--resume' : '--journal', path: journalPath }]
        : []),
      ...stepSummaryOutput(argv.baseline !== undefined),
    ],
  );
  // Checked before the benchmark, not after: minutes of measurement must not be lost to a typo.
  for (const o of outputs) if (o.path) await assertWritable(o.path);
  if (argv.journal !== undefined) await assertWritable(argv.journal);
  // A torn last line is cut off before the first run is appended after it.
  if (journal && argv.resume !== undefined) dropTornLine(argv.resume, journal);
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
    ...(journalPath !== undefined && {
      journal: { path: journalPath, ...(resumed && { resume: resumed.resume }) },
    }),
  });
}
