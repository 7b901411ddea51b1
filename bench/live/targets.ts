/**
 * What a live session watches: the variants of a scenario, each in a server child of its own, or
 * the paths of the user's own server (`--cmd`), all served by one process whose loop they share.
 * The session (session.ts) starts, loads, reads and restarts servers through this alone, so it
 * never asks which kind it has.
 */
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import type { ProbeFrame } from '../../scenarios/probe/protocol.ts';
import { variantNames } from '../../scenarios/registry.ts';
import { type OutgoingRequest, scenarioRequests } from '../../scenarios/request.ts';
import type { AnyScenario, ParamSpec, Params } from '../../scenarios/types.ts';
import { startApp } from '../run/app/app.ts';
import type { AppPath } from '../run/app-bench.ts';
import { startServer } from '../run/process/child.ts';
import { applyParams } from './frames.ts';

/** One server process of a session, whoever wrote it. */
export interface LiveServer {
  /** Where its load goes: `http://127.0.0.1:1234`. */
  readonly origin: string;
  /** Where its bystander goes: its own `/ping`, or for `--cmd` the preload's, on a port of its own. */
  readonly ping: { origin: string; path: string };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** `: line | line`, the last lines of its stderr, for a message. */
  tail(): string;
  /** What its loop did since the previous frame; rejects when no answer comes in time. */
  frameProbe(timeoutMs: number): Promise<ProbeFrame | null>;
  /** Resolves once it (and all it started) is gone. */
  stop(): Promise<void>;
}

/** A server to start, and the variants it serves. */
export interface LiveUnit {
  /** How stalls and warnings name it: a variant's name, or `server` for `--cmd`. */
  name: string;
  variants: string[];
}

export interface LiveTarget {
  /** The scenario's id; null for the user's own server. */
  readonly scenario: string | null;
  /** Drawn side by side, in this order. */
  readonly variants: string[];
  /** One server per variant, or one for all (`--cmd`). */
  readonly units: LiveUnit[];
  /** True when the variants are paths of one server: one loop, seen from every path. */
  readonly sharedLoop: boolean;
  readonly paramSpecs: Record<string, ParamSpec>;
  /** How a message names a unit's server: `busy-wait sync`, `--cmd "node server.js"`. */
  label(unit: string): string;
  start(unit: string, params: Params, stallThresholdMs: number | null): Promise<LiveServer>;
  /** What the load sends to a variant, in rotation. */
  requests(variant: string, params: Params): OutgoingRequest[];
  /**
   * `current` with `given` applied.
   *
   * @throws {LooplabError} LOOPLAB_ERR_BAD_PARAM on a parameter the target does not have.
   */
  applyParams(current: Params, given: Params): Params;
}

/** Every variant of `scenario`, each in a fresh server child with the probe. */
export function scenarioTarget(scenario: AnyScenario): LiveTarget {
  const variants = variantNames(scenario);
  return {
    scenario: scenario.id,
    variants,
    units: variants.map((v) => ({ name: v, variants: [v] })),
    sharedLoop: false,
    paramSpecs: scenario.params,
    label: (unit) => `${scenario.id} ${unit}`,
    async start(unit, params, stallThresholdMs) {
      const server = await startServer({
        scenario: scenario.id,
        variant: unit,
        params,
        port: 0,
        probe: true,
        timelineIntervalMs: 100,
        ...(stallThresholdMs !== null && { stalls: { thresholdMs: stallThresholdMs } }),
      });
      const origin = server.url.slice(0, -1);
      return {
        origin,
        ping: { origin, path: '/ping' },
        exited: server.exited,
        tail: server.tail,
        frameProbe: server.frameProbe,
        stop: server.stop,
      };
    },
    requests: (_variant, params) => scenarioRequests(scenario, params),
    applyParams: (current, given) => applyParams(scenario, current, given),
  };
}

/** The user's own server, as `bench --cmd` starts it, and what to send to each of its paths. */
export interface AppTargetSpec {
  command: string;
  paths: readonly AppPath[];
  /** The port to watch when the app listens on several (`--app-port`). */
  port?: number;
  readyTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** The name the one server of `--cmd` goes by in stalls and warnings. */
export const APP_UNIT = 'server';

/** One user server, started with the probe preloaded; each path a variant, all on its one loop. */
export function appTarget(spec: AppTargetSpec): LiveTarget {
  const variants = spec.paths.map((p) => p.label);
  const label = `--cmd ${JSON.stringify(spec.command)}`;
  return {
    scenario: null,
    variants,
    units: [{ name: APP_UNIT, variants }],
    sharedLoop: true,
    paramSpecs: {},
    label: () => label,
    async start(_unit, _params, stallThresholdMs) {
      return startApp({
        command: spec.command,
        label,
        ...(spec.port !== undefined && { port: spec.port }),
        // The preload's own bystander port: nothing is asked of the app but its paths.
        pingPath: null,
        timelineIntervalMs: 100,
        stallThresholdMs,
        readyTimeoutMs: spec.readyTimeoutMs,
        ...(spec.env && { env: spec.env }),
      });
    },
    requests(variant) {
      const path = spec.paths.find((p) => p.label === variant);
      if (!path) return [];
      return [{ ...path.request, body: path.request.body ?? Buffer.alloc(0) }];
    },
    applyParams(_current, given) {
      const names = Object.keys(given);
      if (names.length === 0) return {};
      throw new LooplabError(
        ERROR_CODES.BAD_PARAM,
        `your own server (--cmd) has no parameters; "${names[0]}" cannot be changed from looplab`,
      );
    },
  };
}
