/** What `looplab scenarios` does: list the scenarios, as text or JSON. */
import type { ArgumentsCamelCase } from 'yargs';
import { jsonText } from '../../core/json.ts';
import { allScenarios, calibrationScenarios, scenarios } from '../../scenarios/registry.ts';
import type { AnyScenario } from '../../scenarios/types.ts';
import { type GlobalArgs, out } from '../shared/context.ts';

export interface Args extends GlobalArgs {
  json: boolean;
}

export function describeScenario(s: AnyScenario) {
  return {
    id: s.id,
    calibration: calibrationScenarios.includes(s),
    title: s.title,
    teaches: s.teaches,
    variants: Object.entries(s.variants).map(([name, v]) => ({ name, summary: v.summary })),
    params: Object.entries(s.params).map(([name, p]) => ({ name, ...p })),
  };
}

function formatList(): string {
  const width = Math.max(...allScenarios.map((s) => s.id.length));
  const line = (s: AnyScenario) => {
    const params = Object.entries(s.params)
      .map(([k, p]) => `${k}=${p.default}`)
      .join(' ');
    return `${s.id.padEnd(width)}  ${s.title}  [${Object.keys(s.variants).join(', ')}]  ${params}`.trimEnd();
  };
  return [
    ...scenarios.map(line),
    '',
    'For calibrating the harness (benchmarked only when named):',
    ...calibrationScenarios.map(line),
    '',
    'Run one: looplab bench <id>   Poke one: looplab serve <id> sync',
    '',
  ].join('\n');
}

export function handle(argv: ArgumentsCamelCase<Args>): void {
  out(argv.json ? jsonText(allScenarios.map(describeScenario)) : formatList());
}
