/**
 * Turns `--param name=value` strings into validated scenario parameters.
 */
import { ERROR_CODES, LooplabError, listChoices } from '../core/errors.ts';
import type { AnyScenario, ParamSpec, Params } from './types.ts';

export interface ParamOverride {
  /** Set when written `scenario.name=value`; otherwise the override applies to every scenario with that param. */
  scenario?: string;
  name: string;
  raw: string;
}

const BYTE_SUFFIXES: Record<string, number> = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** @throws {LooplabError} LOOPLAB_ERR_BAD_PARAM when the text is not `name=value`. */
export function parseParamOverride(text: string): ParamOverride {
  const match = /^(?:([a-z0-9-]+)\.)?([a-zA-Z][a-zA-Z0-9]*)=(.+)$/.exec(text.trim());
  if (!match) {
    throw new LooplabError(
      ERROR_CODES.BAD_PARAM,
      `malformed --param "${text}"; write name=value, e.g. --param ms=50 or --param busy-wait.ms=50`,
    );
  }
  const [, scenario, name, raw] = match as unknown as [string, string | undefined, string, string];
  return scenario ? { scenario, name, raw } : { name, raw };
}

/** @throws {LooplabError} LOOPLAB_ERR_BAD_PARAM when the value is not a valid number for the spec. */
export function parseParamValue(
  scenarioId: string,
  name: string,
  spec: ParamSpec,
  raw: string,
): number {
  const where = `--param ${name}=${raw} (${scenarioId})`;
  let value: number;
  const bytes = /^(\d+(?:\.\d+)?)\s*(b|kib|mib|gib)$/i.exec(raw);
  if (spec.unit === 'bytes' && bytes) {
    value = Number(bytes[1]) * (BYTE_SUFFIXES[(bytes[2] as string).toLowerCase()] as number);
  } else {
    value = Number(raw.replaceAll('_', ''));
  }
  const unitHint =
    spec.unit === 'bytes' ? ' (bytes; KiB, MiB and GiB suffixes work)' : ` (${spec.unit})`;
  if (raw.replaceAll('_', '').trim() === '' || !Number.isFinite(value)) {
    throw new LooplabError(ERROR_CODES.BAD_PARAM, `${where}: not a number${unitHint}`);
  }
  if (spec.integer && !Number.isInteger(value)) {
    throw new LooplabError(ERROR_CODES.BAD_PARAM, `${where}: must be a whole number${unitHint}`);
  }
  if (
    (spec.min !== undefined && value < spec.min) ||
    (spec.max !== undefined && value > spec.max)
  ) {
    throw new LooplabError(
      ERROR_CODES.BAD_PARAM,
      `${where}: must be between ${spec.min ?? '-∞'} and ${spec.max ?? '∞'}${unitHint}`,
    );
  }
  return value;
}

/** The defaults of a scenario's parameters. */
export function defaultParams(scenario: AnyScenario): Params {
  return Object.fromEntries(Object.entries(scenario.params).map(([k, spec]) => [k, spec.default]));
}

/**
 * Applies overrides to the selected scenarios' defaults, one params object per scenario id.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_PARAM when an override matches no selected scenario's
 *   parameter, or its value is invalid.
 */
export function resolveParams(
  selected: readonly AnyScenario[],
  overrides: readonly ParamOverride[],
): Record<string, Params> {
  const result: Record<string, Record<string, number>> = {};
  for (const scenario of selected) result[scenario.id] = { ...defaultParams(scenario) };

  for (const o of overrides) {
    const targets = selected.filter(
      (s) => (o.scenario === undefined || s.id === o.scenario) && Object.hasOwn(s.params, o.name),
    );
    if (targets.length === 0) {
      const known = selected.flatMap((s) => Object.keys(s.params).map((p) => `${s.id}.${p}`));
      throw new LooplabError(
        ERROR_CODES.BAD_PARAM,
        `no selected scenario has a parameter "${o.scenario ? `${o.scenario}.` : ''}${o.name}"; ` +
          `known: ${known.length ? listChoices(known) : 'none'}`,
      );
    }
    for (const s of targets) {
      (result[s.id] as Record<string, number>)[o.name] = parseParamValue(
        s.id,
        o.name,
        s.params[o.name] as ParamSpec,
        o.raw,
      );
    }
  }
  return result;
}
