/**
 * The requests of a scenario: what the harness sends to its route, and the request a handler
 * receives. Pure, so the server, the load driver, micro and the tests build requests one way.
 */
import type { AnyScenario, Params, RequestSpec, ScenarioRequest } from './types.ts';

/** The cap on a request body when a scenario declares none: enough for any form, not a file. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** A request to send, with every default filled in. */
export interface OutgoingRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}

const EMPTY = Buffer.alloc(0);

export function normalizeRequest(spec: RequestSpec): OutgoingRequest {
  const body = spec.body === undefined ? EMPTY : Buffer.from(spec.body);
  return {
    method: (spec.method ?? 'GET').toUpperCase(),
    path: spec.path ?? '/',
    headers: spec.headers ?? {},
    body,
  };
}

/** The requests the harness sends to `scenario` with `params`, in rotation: at least one. */
export function scenarioRequests(scenario: AnyScenario, params: Params): OutgoingRequest[] {
  const specs = scenario.requests?.(params) ?? [];
  return (specs.length > 0 ? specs : [{}]).map(normalizeRequest);
}

/** The body cap of `scenario` with `params`. */
export function maxBodyBytes(scenario: AnyScenario, params: Params): number {
  return scenario.maxBodyBytes?.(params) ?? DEFAULT_MAX_BODY_BYTES;
}

/** `/?a=1&b=2` → `{ path: '/', query: { a: '1', b: '2' } }`; a repeated name keeps its last value. */
export function splitUrl(url: string): { path: string; query: Record<string, string> } {
  const at = url.indexOf('?');
  if (at < 0) return { path: url, query: {} };
  return {
    path: url.slice(0, at),
    query: Object.fromEntries(new URLSearchParams(url.slice(at + 1))),
  };
}

/**
 * The request a handler would receive for `out`, as the server builds it from the wire: for
 * micro, which calls a scenario's operation without a server.
 */
export function asReceived(out: OutgoingRequest): ScenarioRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(out.headers)) headers[name.toLowerCase()] = value;
  if (out.body.length > 0) headers['content-length'] = String(out.body.length);
  return { method: out.method, ...splitUrl(out.path), headers, body: out.body };
}
