/**
 * Turning the CLI's words into what to benchmark.
 */
import { parseParamOverride, resolveParams } from './params.ts';
import { getScenario, getVariant, scenarios, variantNames } from './registry.ts';
import type { AnyScenario, Params } from './types.ts';

/** What to benchmark of one scenario: the scenario itself, which variants, with which params. */
export interface Selection {
  scenario: AnyScenario;
  variants: string[];
  params: Params;
  /** Variants served from a learner's file (verify): variant name → file. */
  handlerFiles?: Readonly<Record<string, string>>;
}

/**
 * Turns the CLI's scenario ids, variant filter and `--param` texts into what to benchmark.
 * No ids means every scenario; no variants means every variant of each.
 *
 * @throws {LooplabError} for an unknown scenario or variant, or a bad parameter.
 */
export function selectScenarios(
  ids: readonly string[],
  variants: readonly string[],
  paramTexts: readonly string[],
): Selection[] {
  const chosen = ids.length > 0 ? [...new Set(ids)].map(getScenario) : [...scenarios];
  const params = resolveParams(chosen, paramTexts.map(parseParamOverride));
  return chosen.map((scenario) => {
    for (const v of variants) getVariant(scenario, v);
    return {
      scenario,
      variants:
        variants.length > 0
          ? variantNames(scenario).filter((v) => variants.includes(v))
          : variantNames(scenario),
      params: params[scenario.id] ?? {},
    };
  });
}
