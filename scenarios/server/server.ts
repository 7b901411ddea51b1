/**
 * A scenario server: the child process that serves one variant of one scenario.
 *
 * Started by the harness (bench/child.ts) with its config as argv[2]. It binds 127.0.0.1, reports
 * its port over IPC, answers the scenario route `/` with the variant's handler (given the request,
 * its body read first and capped) and the bystander route `/ping` with a constant (a WebSocket
 * scenario also broadcasts every message's answer: room.ts), and exits when
 * told to, or when its parent goes away: an orphaned server would go on holding a port and a core.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline, Readable } from 'node:stream';
import { isLooplabError } from '../../core/errors.ts';
import { packageRoot } from '../../core/package-info.ts';
import { allIdle, answerProbe } from '../probe/answer.ts';
import { createProbe, type Probe } from '../probe/probe.ts';
import type { ChildConfig, FromChild } from '../probe/protocol.ts';
import { getScenario, getVariant } from '../registry.ts';
import { maxBodyBytes, splitUrl } from '../request.ts';
import type { ScenarioResponse } from '../types.ts';
import { firstLine, loadHandlerFile } from './handler-file.ts';
import { trackIdle } from './idle-tracker.ts';
import { readBody } from './read-body.ts';
import { openRoom } from './room.ts';

type SplitUrl = ReturnType<typeof splitUrl>;

const send = (msg: FromChild) => process.send?.(msg);

/** Exits only once the message is handed to the channel: exiting at once could drop it. */
function failAndExit(msg: Extract<FromChild, { type: 'failed' }>): void {
  if (!process.send) {
    process.stderr.write(`looplab server: ${msg.message}\n`);
    process.exit(1);
  }
  process.send(msg, () => process.exit(1));
}

/**
 * An error thrown outside any request (a learner's timer or event callback): the process ends as
 * Node would end it, and its stderr ends with one line that says what was thrown, which is what
 * the harness quotes when it reports the server gone.
 */
process.on('uncaughtException', (err) => {
  process.stderr.write(`${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
  process.stderr.write(`looplab server: uncaught ${firstLine(err)}\n`);
  process.exit(1);
});

async function main(config: ChildConfig): Promise<void> {
  const scenario = getScenario(config.scenario);
  const variant = config.handlerFile
    ? await loadHandlerFile(config.handlerFile, config.handlerModule)
    : getVariant(scenario, config.variant);
  const ctx = scenario.setup
    ? await scenario.setup(config.params, config.variant, {
        ...(config.upstream && { upstream: config.upstream }),
      })
    : { params: config.params };

  const cap = maxBodyBytes(scenario, config.params);

  const reply = (res: ServerResponse, r: ScenarioResponse) => {
    // The client may have gone while the handler worked (a load's window closes with requests
    // in flight). Nothing is left to answer; a stream is closed so that its file is too. Piped
    // into a destroyed response, Node 24's pipeline throws, and the server would crash.
    if (res.destroyed) {
      if (r.body instanceof Readable) r.body.destroy();
      return;
    }
    res.writeHead(r.status ?? 200, { 'content-type': r.contentType ?? 'application/json' });
    if (r.body instanceof Readable) {
      // With backpressure: a slow client holds the stream, not the server's memory. A stream that
      // fails mid-way can no longer change the status: the connection is cut, and the client
      // sees an incomplete response.
      pipeline(r.body, res, (err) => {
        if (err) res.destroy();
      });
    } else res.end(r.body);
  };
  const fail = (res: ServerResponse, err: unknown) => {
    if (res.headersSent) return void res.destroy();
    reply(res, { status: 500, body: JSON.stringify({ error: String(err) }) });
  };
  const tooLarge = (res: ServerResponse) => {
    // Closed after the answer: the rest of the body is not worth reading.
    res.setHeader('connection', 'close');
    reply(res, {
      status: 413,
      body: JSON.stringify({ error: 'request body too large', limitBytes: cap }),
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse, url: SplitUrl, body: Buffer) => {
    try {
      const result = variant.handle(ctx, {
        method: req.method ?? 'GET',
        path: url.path,
        query: url.query,
        headers: req.headers,
        body,
      });
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
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = splitUrl(req.url ?? '/');
    if (url.path === '/ping') return reply(res, { contentType: 'text/plain', body: 'pong' });
    if (url.path !== '/') {
      return reply(res, {
        status: 404,
        body: JSON.stringify({ error: 'not found', routes: ['/', '/ping'] }),
      });
    }
    // A request without a body is handled in this very turn of the loop, as before bodies were
    // read; one with a body once it has all arrived.
    const body = readBody(req, cap);
    if (body === null) return tooLarge(res);
    if (Buffer.isBuffer(body)) return handle(req, res, url, body);
    body.then(
      (b) => (b === null ? tooLarge(res) : handle(req, res, url, b)),
      (err) => fail(res, err),
    );
  });

  // A WebSocket scenario's messages go to the same handler, on the same port and loop.
  const room =
    scenario.protocol === 'websocket'
      ? await openRoom(server, (req) => variant.handle(ctx, req), cap)
      : null;
  // A prefix test, not a parse: it runs on every request, and only /ping is not work.
  const requests = trackIdle(server, (req) => !req.url?.startsWith('/ping'));
  const idle = room ? allIdle([requests, room.idle]) : requests;
  // Scenario files are shown relative to the package (scenarios/catalog/busy-wait.ts).
  const probe: Probe | null = config.probe
    ? createProbe(config.timelineIntervalMs, {
        ...(config.stalls && { stalls: { ...config.stalls, root: packageRoot() } }),
        ...(scenario.output && { output: () => scenario.output?.(ctx) ?? 0 }),
      })
    : null;
  process.on('message', answerProbe(probe, idle, send));

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    probe?.stop();
    room?.close();
    server.closeAllConnections();
    server.close();
    await scenario.teardown?.(ctx);
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('disconnect', () => {
    // The harness is gone without stopping us (killed outright): what the handler started in
    // our process group (bench/run/process/fork.ts) goes with us, as the harness would have seen to.
    try {
      process.kill(-process.pid, 'SIGTERM');
    } catch {
      // Not a group's leader: nothing of ours to signal.
    }
    void shutdown();
  });
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
