/**
 * Server-sent events, as the page reads them with `EventSource`: the text of one message, and
 * the id a reconnecting page sends back. The browser resends the id of the last message it got
 * in `Last-Event-ID` when it reconnects on its own, so a dropped stream resumes where it broke.
 */
import type { LiveEvent } from './events.ts';

/**
 * One message: `id` (when the event is in the ring), `event` (its type, so the page can listen
 * per type) and `data`, the event as one line of JSON (JSON.stringify never writes a raw
 * newline, which would end the field).
 */
export function sseMessage(event: LiveEvent, id?: number): string {
  const idLine = id === undefined ? '' : `id: ${id}\n`;
  return `${idLine}event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The event's JSON in a message sseMessage wrote: its one data line. */
export function sseData(message: string): string {
  const start = message.indexOf('data: ') + 'data: '.length;
  return message.slice(start, message.indexOf('\n', start));
}

/** A comment line: keeps proxies and the browser from closing a quiet stream. */
export const SSE_HEARTBEAT = ': heartbeat\n\n';

/**
 * How long the browser waits before it reconnects on its own, sent once at the start: short,
 * because the server is on this machine and a page that lags behind a stall misses the point.
 */
export const SSE_RETRY_MS = 1000;

/** The id a reconnecting page last saw: a whole number ≥ 0, or 0 (from the start) for anything else. */
export function parseLastEventId(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return 0;
  return Number(value.trim());
}
