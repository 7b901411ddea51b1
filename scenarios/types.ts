/**
 * The scenario contract (docs/design.md): a scenario is data plus one handler per variant.
 *
 * Handlers receive the context their scenario's `setup` built, and return a response. Every
 * variant of a scenario must return the same response for the same request; the equivalence
 * test enforces it, so that sync and async are compared doing the same job.
 */

export interface ParamSpec {
  default: number;
  description: string;
  /** Named so no reader has to guess: `bytes` also accepts KiB/MiB suffixes on the CLI. */
  unit: 'ms' | 'bytes' | 'count' | 'iterations';
  min?: number;
  max?: number;
  integer?: boolean;
}

export type Params = Readonly<Record<string, number>>;

export interface ScenarioResponse {
  status?: number;
  contentType?: string;
  body: string | Uint8Array;
}

export interface Variant<C> {
  /** One line: what this variant does differently. */
  summary: string;
  handle(ctx: C): ScenarioResponse | Promise<ScenarioResponse>;
}

export interface BaseContext<P extends string = string> {
  params: Readonly<Record<P, number>>;
}

export interface Scenario<P extends string = string, C extends BaseContext<P> = BaseContext<P>> {
  /** kebab-case, named after the phenomenon, not the fix. */
  id: string;
  title: string;
  /** One paragraph: what the scenario teaches. */
  teaches: string;
  params: Readonly<Record<P, ParamSpec>>;
  /**
   * Runs in the server child before it reports ready, so its cost (generating a file,
   * starting a worker pool) never lands in the measurement window. It is told which variant
   * will be served, so that it prepares only what that variant uses.
   */
  setup?(params: Readonly<Record<P, number>>, variant: string): C | Promise<C>;
  teardown?(ctx: C): void | Promise<void>;
  /**
   * The one operation the `sync` variant does per request, without the HTTP around it, for
   * `looplab micro`: its cost sets the ceiling of a single event loop (1000 / ms requests/s).
   * Synchronous, and given the context `setup(params, 'sync')` built.
   */
  operation?(ctx: C): unknown;
  variants: { sync: Variant<C>; async: Variant<C> } & Record<string, Variant<C>>;
}

/**
 * Identity function that gives a scenario module its types: `params.ms` is a number in the
 * handlers exactly when the scenario declares `ms`.
 */
export function defineScenario<P extends string, C extends BaseContext<P> = BaseContext<P>>(
  scenario: Scenario<P, C>,
): Scenario<P, C> {
  return scenario;
}

/** The registry's view of a scenario, with its parameter names and context type erased. */
export type AnyScenario = Scenario<string, BaseContext>;
