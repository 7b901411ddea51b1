/**
 * What one run measures, whatever serves it: a scenario child, a user's command with the probe
 * preloaded, or a server already running at a URL (no probe).
 */
import type { ProbeData, ProbeFrame } from '../../../scenarios/probe/protocol.ts';
import type { UpstreamReading } from '../../../scenarios/upstream/protocol.ts';

/** The request the load generator sends, over and over. */
export interface RequestSpec {
  method: string;
  /** With its query, e.g. `/search?q=shoes`. */
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

/** A server being measured, from its start (or attachment) to its reaping. */
export interface MeasuredServer {
  /** The process that serves, or null when looplab did not start it (`--url`). */
  readonly pid: number | null;
  /** Where the load goes: `http://127.0.0.1:1234`. */
  readonly origin: string;
  /** Where the bystander goes; `anyStatus`: a 404 counts as an answer too. */
  readonly ping: { origin: string; path: string; anyStatus?: boolean };
  /**
   * Opens the probe's window once the server is idle, and closes it after `windowMs`; with
   * `atFirstRequest`, the window opens at the next request instead. No probe: resolves at once.
   */
  resetProbe(o: { windowMs: number; timeoutMs: number; atFirstRequest: boolean }): Promise<void>;
  /** null without a probe; rejects with NoAnswerError after `timeoutMs` (default 30 s). */
  readProbe(timeoutMs?: number): Promise<ProbeData | null>;
  /**
   * What the loop did since the previous frame, and the next starts at once (`looplab live`'s
   * frames; `lesson --live` reads them through a run's window). Leaves the window alone. Absent
   * where no probe gives frames.
   */
  frameProbe?(timeoutMs?: number): Promise<ProbeFrame | null>;
  /**
   * What the upstream the server calls served since the probe's reset; absent when none was
   * started (every target but a scenario that declares one).
   */
  readUpstream?(): Promise<UpstreamReading>;
  /** The upstream's pid, with `readUpstream`. */
  readonly upstreamPid?: number;
  /** Stops what looplab started (nothing, for `--url`); resolves once it is all gone. */
  stop(): Promise<void>;
  /** Ports the server listened on besides the measured one. */
  otherPorts(): number[];
}

/**
 * A route no app has: without --ping, the bystander of a server looplab cannot probe calls it.
 * The 404 comes from the app's own loop, at the cost of a router miss, and leaves its routes be.
 */
export const NO_SUCH_ROUTE = '/__looplab_bystander';

/** A server looplab did not start and cannot probe: only the load and the bystander see it. */
export function unprobedServer(origin: string, pingPath: string | null): MeasuredServer {
  return {
    pid: null,
    origin,
    ping:
      pingPath === null
        ? { origin, path: NO_SUCH_ROUTE, anyStatus: true }
        : { origin, path: pingPath },
    resetProbe: async () => {},
    readProbe: async () => null,
    stop: async () => {},
    otherPorts: () => [],
  };
}

/** `http://host:port` for an address a server reported; an unspecified one means loopback. */
export function originOf(address: string, port: number): string {
  if (address === '0.0.0.0' || address === '::' || address === '')
    return `http://127.0.0.1:${port}`;
  return address.includes(':') ? `http://[${address}]:${port}` : `http://${address}:${port}`;
}
