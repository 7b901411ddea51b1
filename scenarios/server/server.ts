/**
 * A scenario server: the child process that serves one variant of one scenario.
 *
 * Started by the harness (bench/child.ts) with its config as argv[2]. It binds 127.0.0.1, reports
 * its port over IPC, answers the scenario route `/` with the variant's handler and the bystander
 * route `/ping` with a constant, and exits when told to, or when its parent goes away: an
 * orphaned server would go on holding a port and a core.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isLooplabError } from '../../core/errors.ts';
import { packageRoot } from '../../core/package-info.ts';
import { answerProbe } from '../probe/answer.ts';
import { createProbe, type Probe } from '../probe/probe.ts';
import type { ChildConfig, FromChild } from '../probe/protocol.ts';
import { getScenario, getVariant } from '../registry.ts';
import type { ScenarioResponse } from '../types.ts';
import { loadHandlerFile } from './handler-file.ts';
import { trackIdle } from './idle-tracker.ts';

const send = (msg: FromChild) => process.send?.(msg);

/** Exits only once the message is handed to the channel: exiting at once could drop it. */
function failAndExit(msg: Extract<FromChild, { type: 'failed' }>): void {
  if (!process.send) {
    process.stderr.write(`looplab server: ${msg.message}\n`);
    process.exit(1);
  }
  process.send(msg, () => process.exit(1));
}

async function main(config: ChildConfig): Promise<void> {
  const scenario = getScenario(config.scenario);
  const variant = config.handlerFile
    ? await loadHandlerFile(config.handlerFile)
    : getVariant(scenario, config.variant);
  const ctx = scenario.setup
    ? await scenario.setup(config.params, config.variant)
    : { params: config.params };

  const reply = (res: ServerResponse, r: ScenarioResponse) => {
    res.writeHead(r.status ?? 200, { 'content-type': r.contentType ?? 'application/json' });
    res.end(r.body);
  };
  const fail = (res: ServerResponse, err: unknown) => {
    reply(res, { status: 500, body: JSON.stringify({ error: String(err) }) });
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/ping') return reply(res, { contentType: 'text/plain', body: 'pong' });
    if (path !== '/') {
      return reply(res, {
        status: 404,
        body: JSON.stringify({ error: 'not found', routes: ['/', '/ping'] }),
      });
    }
    try {
      const result = variant.handle(ctx);
      // A sync handler's response is sent without an await, so not even a microtask separates
      // the blocking work from the write.
      if (result instanceof Promise)
        result.then(
          (r) => reply(res, r),
          (err) => fail(res, err),
        );
      else reply(res, result);
    } catch (err) {
      fail(res, err);
    }
  });

  // A prefix test, not a parse: it runs on every request, and only /ping is not work.
  const idle = trackIdle(server, (req) => !req.url?.startsWith('/ping'));
  // Scenario files are shown relative to the package (scenarios/catalog/busy-wait.ts).
  const probe: Probe | null = config.probe
    ? createProbe(config.timelineIntervalMs, {
        ...(config.stalls && { stalls: { ...config.stalls, root: packageRoot() } }),
      })
    : null;
  process.on('message', answerProbe(probe, idle, send));

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    probe?.stop();
    server.closeAllConnections();
    server.close();
    await scenario.teardown?.(ctx);
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('disconnect', shutdown);
  // Ctrl-C in a terminal reaches the whole process group. With a parent on the IPC channel, the
  // parent decides when this server stops (serve reads its probe first); without one, stop.
  process.on('SIGINT', () => {
    if (!process.connected) void shutdown();
  });

  server.on('error', (err: NodeJS.ErrnoException) => {
    failAndExit({ type: 'failed', code: err.code, message: err.message });
  });
  await probe?.ready;
  server.listen(config.port, config.host ?? '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    send({ type: 'ready', port, pid: process.pid });
  });
}

main(JSON.parse(process.argv[2] ?? '{}') as ChildConfig).catch((err: unknown) => {
  failAndExit({
    type: 'failed',
    ...(isLooplabError(err) && { code: err.code }),
    message: err instanceof Error ? err.message : String(err),
  });
});
