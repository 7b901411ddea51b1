/**
 * What `looplab serve` does: start one variant in the foreground, say how to poke it, and on
 * Ctrl-C print what its event loop went through.
 */
import type { ArgumentsCamelCase } from 'yargs';
import { stallLine } from '../../bench/report/stalls.ts';
import { startServer } from '../../bench/run/process/child.ts';
import { ERROR_CODES, EXIT, LooplabError } from '../../core/errors.ts';
import { formatMs } from '../../core/numbers.ts';
import type { ProbeData } from '../../scenarios/probe/protocol.ts';
import { type OutgoingRequest, scenarioRequests } from '../../scenarios/request.ts';
import { selectScenarios } from '../../scenarios/select.ts';
import { type BenchFlags, optionsFromFlags } from '../options/bench.ts';
import { checkHost, urlHost } from '../options/host.ts';
import {
  err,
  expectInterrupt,
  type GlobalArgs,
  interruptSignal,
  out,
  setOutcome,
} from '../shared/context.ts';

export interface Args extends GlobalArgs, Pick<BenchFlags, 'stalls' | 'stallThreshold'> {
  scenario: string;
  variant: string;
  port: number;
  host: string;
  allowRemote: boolean;
  param: string[];
}

/**
 * How to send, with curl, what the load sends to this scenario: its GETs as they are, and for
 * requests with a body, the method and headers with a file of your own (the bodies are large).
 */
export function curlHints(url: string, requests: readonly OutgoingRequest[]): string[] {
  const origin = url.slice(0, -1);
  const withBody = requests.filter((r) => r.body.length > 0);
  const lines = requests
    .filter((r) => r.body.length === 0)
    .map((r) => `  curl '${origin}${r.path}'`);
  const first = withBody[0];
  if (first) {
    const headers = Object.entries(first.headers).map(([k, v]) => ` -H '${k}: ${v}'`);
    const sizes = [...new Set(withBody.map((r) => r.body.length.toLocaleString('en-US')))];
    lines.push(
      `  curl -X ${first.method}${headers.join('')} --data-binary @FILE '${origin}${first.path}'`,
      `      (the load sends ${withBody.length} such bodies of ${sizes.join(', ')} bytes)`,
    );
  }
  return lines;
}

/**
 * How a person joins a WebSocket scenario's room: wscat, or Node's own WebSocket client (global
 * from Node 22; Node 20 needs --experimental-websocket), and one message over HTTP, which is
 * answered but not broadcast.
 */
export function roomHints(url: string): string[] {
  const ws = url.replace(/^http/, 'ws');
  const client =
    `const w=new WebSocket('${ws}');w.onmessage=(e)=>console.log(String(e.data));` +
    "w.onopen=()=>w.send('hello from node')";
  return [
    'Join the room and type a line; every client in it gets it back, moderated:',
    `  npx wscat -c ${ws}`,
    `  node -e "${client}"    (Node 22+; on Node 20 add --experimental-websocket)`,
    'One message over HTTP (answered to you, not broadcast):',
    `  curl --data 'hello' ${url}`,
  ];
}

/** What the loop went through while a person poked the server, and what held it. */
export function describeProbe(p: ProbeData): string {
  const loop =
    `event loop over ${(p.windowMs / 1000).toFixed(1)} s: lag p99 ${formatMs(p.lagP99Ms)}, ` +
    `max ${formatMs(p.lagMaxMs)}, utilisation ${(p.elu * 100).toFixed(0)}%`;
  if (!p.stalls) return loop;
  const held =
    p.stalls.state === 'recorded'
      ? `held the loop: ${stallLine(p.stalls)}`
      : `what held the loop was not captured: ${p.stalls.reason}`;
  return `${loop}\n${held}`;
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  if (!Number.isInteger(argv.port) || argv.port < 0 || argv.port > 65_535) {
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `--port must be a whole number from 0 to 65535, got ${argv.port}`,
    );
  }
  const host = checkHost(String(argv.host), argv.allowRemote);
  const { stallThresholdMs } = optionsFromFlags(argv);
  const [selection] = selectScenarios([argv.scenario], [argv.variant], argv.param);
  if (!selection) return;
  const server = await startServer(
    {
      scenario: selection.scenario.id,
      variant: argv.variant,
      params: selection.params,
      port: argv.port,
      host,
      probe: true,
      timelineIntervalMs: 100,
      ...(stallThresholdMs != null && { stalls: { thresholdMs: stallThresholdMs } }),
    },
    { inheritOutput: true },
  );
  const url = `http://${urlHost(host)}:${server.port}/`;
  const everywhere =
    host === '0.0.0.0' || host === '::' ? ` and every other address (${host})` : '';
  const params = Object.entries(selection.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const requests =
    selection.scenario.protocol === 'websocket'
      ? `${roomHints(url).join('\n')}\n`
      : selection.scenario.requests
        ? `The scenario's work, as the load sends it:\n${curlHints(url, scenarioRequests(selection.scenario, selection.params)).join('\n')}\n`
        : `  curl ${url}        the scenario's work\n`;
  const upstream = server.upstream
    ? `It calls an upstream on ${server.upstream.origin} (pid ${server.upstream.pid}) that answers every call after ${server.upstream.latencyMs} ms; it stops with the server.\n`
    : '';
  out(
    `${selection.scenario.id} ${argv.variant} (${params}) listening on ${url}${everywhere} (pid ${server.pid})\n` +
      upstream +
      requests +
      `  curl ${url}ping    the bystander route\n` +
      'Ctrl-C stops it and prints what its event loop went through.\n',
  );

  expectInterrupt();
  const interrupted = new Promise<'interrupted'>((resolve) => {
    if (interruptSignal.aborted) resolve('interrupted');
    interruptSignal.addEventListener('abort', () => resolve('interrupted'), { once: true });
  });
  const ended = await Promise.race([interrupted, server.exited.then(() => 'exited' as const)]);
  if (ended === 'exited') {
    err('looplab: the server exited on its own\n');
    setOutcome(EXIT.CHECK_FAILED);
    return;
  }
  // Well inside the CLI's grace period after a signal: a server blocked for longer than this
  // is stopped without its reading rather than holding up the exit.
  const probe = await server.readProbe(2000).catch(() => null);
  await server.stop();
  err(
    probe
      ? `\n${describeProbe(probe)}\n`
      : '\nthe server was too busy to report its event loop; stopped it\n',
  );
}
