/** What `looplab micro` does: time each scenario's sync operation with tinybench. */
import type { ArgumentsCamelCase } from 'yargs';
import { formatMicro } from '../../bench/render/micro.ts';
import { measureOperation } from '../../bench/run/micro.ts';
import { DEFAULT_MICRO } from '../../bench/run/options.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { jsonText } from '../../core/json.ts';
import { selectScenarios } from '../../scenarios/select.ts';
import { err, type GlobalArgs, interruptSignal, out } from '../shared/context.ts';

export interface Args extends GlobalArgs {
  scenarios: string[];
  param: string[];
  time: number;
  json: boolean;
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  if (!(Number.isFinite(argv.time) && argv.time > 0)) {
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `--time must be a positive number of milliseconds, got ${argv.time}`,
    );
  }
  const selection = selectScenarios(argv.scenarios, [], argv.param);
  const results = [];
  for (const s of selection) {
    if (!argv.quiet) err(`timing ${s.scenario.id}…\n`);
    results.push(
      await measureOperation(s.scenario, s.params, {
        ...DEFAULT_MICRO,
        timeMs: argv.time,
        signal: interruptSignal,
      }),
    );
  }
  out(argv.json ? jsonText(results) : formatMicro(results));
}
