/**
 * The scenario contract (docs/design.md): a scenario is data plus one handler per variant.
 *
 * Handlers receive the context their scenario's `setup` built and the request, and return a
 * response, whole or as a stream. Every variant of a scenario must return the same response for
 * the same request; the equivalence test enforces it, so that sync and async are compared doing
 * the same job.
 */
import type { Readable } from 'node:stream';
import type { UpstreamConfig } from './upstream/protocol.ts';

export interface ParamSpec {
  default: number;
  description: string;
  /** Named so no reader has to guess: `bytes` also accepts KiB/MiB suffixes on the CLI. */
  unit: 'ms' | 'bytes' | 'count' | 'iterations' | 'per-second';
  min?: number;
  max?: number;
  integer?: boolean;
}

export type Params = Readonly<Record<string, number>>;

export interface ScenarioResponse {
  status?: number;
  contentType?: string;
  /**
   * The whole body, or a stream of it: the server pipes a `Readable` to the socket with
   * backpressure, and equivalence compares a digest of the bytes either way.
   */
  body: string | Uint8Array | Readable;
}

/** The request a handler answers, as the server read it. */
export interface ScenarioRequest {
  method: string;
  /** Without the query string: always `/` for the scenario route. */
  path: string;
  /** The query string's parameters; a repeated name keeps its last value. */
  query: Readonly<Record<string, string>>;
  /** Names in lower case, as node:http gives them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The whole body, read before the handler runs; empty without one. Capped: see maxBodyBytes. */
  body: Buffer;
}

/**
 * A request the harness sends to the scenario route. A scenario that declares several gets them
 * in rotation on every connection, so that its work depends on the input, as a real server's does.
 */
export interface RequestSpec {
  /** Default GET. */
  method?: string;
  /** Default `/`; a query string goes here (`/?path=%2Fa`). */
  path?: string;
  headers?: Readonly<Record<string, string>>;
  body?: string | Uint8Array;
}

/**
 * How the WebSocket driver loads a scenario that speaks WebSocket (bench/run/load/message-load.ts): so
 * many clients in one room, each sending at a steady rate. Built from the scenario's parameters.
 */
export interface MessageLoad {
  /** Clients connected at once; every one of them receives every broadcast. */
  clients: number;
  /** Messages each client sends per second, at a steady rate. */
  ratePerSec: number;
  /** A message delivered later than this after it was sent counts as late. */
  lateMs: number;
}

export interface Variant<C> {
  /** One line: what this variant does differently. */
  summary: string;
  handle(ctx: C, req: ScenarioRequest): ScenarioResponse | Promise<ScenarioResponse>;
}

export interface BaseContext<P extends string = string> {
  params: Readonly<Record<P, number>>;
}

/** What the harness started beside the server for this run, as `setup` is told. */
export interface Services {
  /** The upstream's origin (`http://127.0.0.1:1234`), when the scenario declares `upstream`. */
  upstream?: string;
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
   * will be served, so that it prepares only what that variant uses, and where the services the
   * harness started for it are (`upstream`).
   */
  setup?(params: Readonly<Record<P, number>>, variant: string, services: Services): C | Promise<C>;
  teardown?(ctx: C): void | Promise<void>;
  /**
   * The one operation the `sync` variant does per request, without the HTTP around it, for
   * `looplab micro`: its cost sets the ceiling of a single event loop (1000 / ms requests/s).
   * Synchronous, and given the context `setup(params, 'sync')` built and one of the scenario's
   * requests (micro rotates through them, as the load does).
   */
  operation?(ctx: C, req: ScenarioRequest): unknown;
  /**
   * The requests the harness sends, in rotation (default: one `GET /`). Built in the harness, not
   * in the server, from the same parameters the server gets.
   */
  requests?(params: Readonly<Record<P, number>>): RequestSpec[];
  /**
   * How many bytes the scenario's handlers have written to an output of its own so far (the log
   * of sync-logging), read synchronously when the probe's window opens and when it closes: the
   * report's `outputBytes` is the difference, so that verify can tell a handler that no longer
   * writes what every request should. Cheap: it runs on the loop being measured.
   */
  output?(ctx: C): number;
  /**
   * An HTTP service the handlers call, with a fixed latency (scenarios/upstream/): the harness
   * starts one as a process of its own before each server, passes its origin to `setup`, counts
   * the calls it serves, and reaps it with the server.
   */
  upstream?(params: Readonly<Record<P, number>>): UpstreamConfig;
  /** Largest request body the server reads, in bytes (default DEFAULT_MAX_BODY_BYTES); past it, 413. */
  maxBodyBytes?(params: Readonly<Record<P, number>>): number;
  /**
   * `websocket`: the scenario is a chat room. Every WebSocket message a client sends reaches the
   * handler as a request (method `MESSAGE`, the message as its body), and the server broadcasts
   * the answer's body to every connected client. The harness loads it with the WebSocket driver
   * instead of autocannon; `requests` are the messages its clients send, in rotation. Default
   * `http`.
   */
  protocol?: 'http' | 'websocket';
  /** For `protocol: 'websocket'`: the driver's clients and rate. */
  messageLoad?(params: Readonly<Record<P, number>>): MessageLoad;
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
