/**
 * Every scenario, in the order they are listed and benchmarked.
 *
 * Adding a scenario is one file and one line here; the smoke and equivalence tests pick it up.
 */
import { ERROR_CODES, LooplabError, listChoices } from '../core/errors.ts';
import busyWait from './catalog/busy-wait.ts';
import cpuBound from './catalog/cpu-bound.ts';
import cryptoPbkdf2 from './catalog/crypto-pbkdf2.ts';
import fsRead from './catalog/fs-read.ts';
import jsonParse from './catalog/json-parse.ts';
import noop from './catalog/noop.ts';
import redos from './catalog/redos.ts';
import streams from './catalog/streams.ts';
import syncLogging from './catalog/sync-logging.ts';
import tickStarvation from './catalog/tick-starvation.ts';
import upstreamCalls from './catalog/upstream-calls.ts';
import websocketBroadcast from './catalog/websocket-broadcast.ts';
import zlib from './catalog/zlib.ts';
import type { AnyScenario, Variant } from './types.ts';

export const scenarios: readonly AnyScenario[] = [
  busyWait,
  fsRead,
  cryptoPbkdf2,
  cpuBound,
  jsonParse,
  redos,
  zlib,
  tickStarvation,
  streams,
  syncLogging,
  websocketBroadcast,
  upstreamCalls,
];

/** Benchmarked only when named: they measure the harness, not the event loop. */
export const calibrationScenarios: readonly AnyScenario[] = [noop];

export const allScenarios: readonly AnyScenario[] = [...scenarios, ...calibrationScenarios];

export const scenarioIds = (): string[] => scenarios.map((s) => s.id);

/** @throws {LooplabError} LOOPLAB_ERR_UNKNOWN_SCENARIO naming the valid ids. */
export function getScenario(id: string): AnyScenario {
  const found = allScenarios.find((s) => s.id === id);
  if (!found) {
    throw new LooplabError(
      ERROR_CODES.UNKNOWN_SCENARIO,
      `unknown scenario "${id}"; choose ${listChoices(scenarioIds())} (see: looplab scenarios)`,
    );
  }
  return found;
}

export const variantNames = (scenario: AnyScenario): string[] => Object.keys(scenario.variants);

/** @throws {LooplabError} LOOPLAB_ERR_UNKNOWN_VARIANT naming the scenario's variants. */
export function getVariant(scenario: AnyScenario, name: string): Variant<unknown> {
  // hasOwn, not a lookup: 'toString' is not a variant.
  const variant = Object.hasOwn(scenario.variants, name) ? scenario.variants[name] : undefined;
  if (!variant) {
    throw new LooplabError(
      ERROR_CODES.UNKNOWN_VARIANT,
      `scenario "${scenario.id}" has no variant "${name}"; choose ${listChoices(variantNames(scenario))}`,
    );
  }
  return variant;
}
