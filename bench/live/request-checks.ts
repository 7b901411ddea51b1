/**
 * Who may talk to `looplab live`'s page server: the pure checks, one per rule.
 *
 * The page can start load on this machine, so only the page looplab printed may drive it:
 * - the token in the printed address, as Jupyter does: another page in the same browser does not
 *   know it, and a cross-site form cannot set the header it travels in on a control;
 * - the `Host` header naming `127.0.0.1:PORT` exactly: a DNS-rebinding page reaches this port under
 *   its own name (`evil.example:PORT`), and the browser sends that name;
 * - on a control, no `Origin` other than the page's own, and `Content-Type: application/json`
 *   (a type no form can send, and one that forces a cross-site fetch through a preflight that
 *   this server never answers).
 *
 * Each check returns null when the request passes, or the refusal to send.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ERROR_CODES, type ErrorCode } from '../../core/errors.ts';
import type { LiveControl } from './events.ts';

export interface Refusal {
  status: 400 | 403 | 404 | 405;
  code: ErrorCode;
  message: string;
}

/** The largest control body read, in bytes: a control is a few dozen. */
export const MAX_CONTROL_BYTES = 16 * 1024;

/** Whether two tokens are equal, in time that does not depend on where they differ. */
export function sameToken(given: string, expected: string): boolean {
  // Hashing first gives timingSafeEqual two buffers of one length, so the length leaks nothing.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The `Host` header must name the printed address exactly: `127.0.0.1:PORT`. */
export function checkHostHeader(host: string | undefined, expected: string): Refusal | null {
  if (host === expected) return null;
  return {
    status: 403,
    code: ERROR_CODES.FORBIDDEN,
    message: `the Host header must be ${expected}, the address looplab printed (got ${describe(host)})`,
  };
}

/** The token: required on the event stream (query) and on a control (header). */
export function checkToken(given: string | undefined | null, expected: string): Refusal | null {
  if (typeof given === 'string' && sameToken(given, expected)) return null;
  return {
    status: 403,
    code: ERROR_CODES.FORBIDDEN,
    message:
      given === undefined || given === null || given === ''
        ? 'no token: open the address looplab printed, with its ?token='
        : 'wrong token: open the address looplab printed, with its ?token=',
  };
}

/** A control may come only from the page's own origin, when the browser names one. */
export function checkOrigin(origin: string | undefined, expectedOrigin: string): Refusal | null {
  if (origin === undefined || origin === expectedOrigin) return null;
  return {
    status: 403,
    code: ERROR_CODES.FORBIDDEN,
    message: `a control must come from ${expectedOrigin}, the page looplab serves (got ${describe(origin)})`,
  };
}

/** A control's body must be declared JSON: `application/json`, with or without a charset. */
export function checkJsonType(contentType: string | undefined): Refusal | null {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (media === 'application/json') return null;
  return {
    status: 400,
    code: ERROR_CODES.USAGE,
    message: `a control must be sent as Content-Type: application/json (got ${describe(contentType)})`,
  };
}

/**
 * A control's body, read strictly: one of the actions events.ts names, with its fields of the
 * right type and nothing else. Ranges (how many connections, a parameter's bounds) are the
 * source's to check: only it knows the scenario.
 */
export function parseControl(body: string): LiveControl | Refusal {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return badControl('the body is not JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return badControl('the body must be a JSON object with an "action"');
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort().join(',');
  switch (record.action) {
    case 'start':
    case 'pause':
    case 'stop':
      if (keys !== 'action') return badControl(`"${record.action}" takes no other field`);
      return { action: record.action };
    case 'connections': {
      const n = record.connections;
      if (keys !== 'action,connections' || typeof n !== 'number' || !Number.isInteger(n))
        return badControl('"connections" needs one field, "connections", a whole number');
      return { action: 'connections', connections: n };
    }
    case 'rate': {
      const rate = record.rate;
      if (keys !== 'action,rate' || typeof rate !== 'number' || !Number.isFinite(rate))
        return badControl('"rate" needs one field, "rate", a number of requests/s');
      return { action: 'rate', rate };
    }
    case 'params': {
      const params = record.params;
      if (keys !== 'action,params' || params === null || typeof params !== 'object')
        return badControl('"params" needs one field, "params", an object of numbers');
      const entries = Object.entries(params as Record<string, unknown>);
      if (Array.isArray(params) || entries.length === 0)
        return badControl('"params" needs one field, "params", an object of numbers');
      for (const [name, v] of entries) {
        if (typeof v !== 'number' || !Number.isFinite(v))
          return badControl(`parameter "${name.slice(0, 40)}" must be a finite number`);
      }
      return { action: 'params', params: Object.fromEntries(entries) as Record<string, number> };
    }
    default:
      return badControl(
        `unknown action ${describe(typeof record.action === 'string' ? record.action : undefined)}: start, pause, stop, params, connections or rate`,
      );
  }
}

export function isRefusal(value: LiveControl | Refusal): value is Refusal {
  return 'status' in value;
}

function badControl(message: string): Refusal {
  return { status: 400, code: ERROR_CODES.USAGE, message: `bad control: ${message}` };
}

/** A header's value for a message: quoted, cut short, or "none". */
function describe(value: string | undefined): string {
  if (value === undefined || value === '') return 'none';
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
