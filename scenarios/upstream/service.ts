/**
 * The upstream service: a tiny HTTP API that answers every call after a fixed latency.
 *
 * Started by the harness (bench/run/process/upstream.ts) beside a scenario server that calls it, with its
 * config as argv[2]. The harness binds 127.0.0.1 on a free port itself and hands the listening
 * socket over IPC, so the server can be started with the upstream's origin at the same time;
 * without a parent it listens on a free port of its own. Its latency is a timer, so waiting
 * costs it nothing and it can answer thousands of calls at once: the server under test, never
 * the upstream, should set the pace. It counts what it served and times its own answers, so the
 * harness can check exactly that, and it exits when told to, or when its parent goes away.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:net';
import { createHistogram, performance } from 'node:perf_hooks';
import { round } from '../../core/numbers.ts';
import { createLagHistograms } from '../probe/lag-histograms.ts';
import {
  type FromUpstream,
  type ToUpstream,
  type UpstreamConfig,
  type UpstreamReading,
  upstreamAnswer,
} from './protocol.ts';

const send = (msg: FromUpstream) => process.send?.(msg);
const portOf = (s: Server) => {
  const address = s.address();
  return typeof address === 'object' && address ? address.port : 0;
};
const US_PER_MS = 1000;
/** Its lag sampler fires every 10 ms, as the probe's does: the same figures, comparable. */
const LAG_INTERVAL_MS = 10;
/**
 * A reset waits until no call has been out for this long: a handler whose client left at the end
 * of the warm-up goes on with its calls, and counted in the window they made one-after-another
 * calls look like more at once (async's max reached 18 on 10 connections here).
 */
const QUIET_MS = 25;
/** A reset waits no longer than this for the calls to stop: a caller that never stops is seen. */
const QUIET_WAIT_MAX_MS = 2000;

function main({ latencyMs }: UpstreamConfig): void {
  // In microseconds: a histogram records whole numbers, and an answer takes tens of ms.
  const answers = createHistogram();
  // The same corrected lag as the probe's (lag-histograms.ts): monitorEventLoopDelay's one
  // sample per late firing would let a stalled upstream's lag p99 read as fine.
  const lag = createLagHistograms(LAG_INTERVAL_MS);
  let lastTick = performance.now();
  const sampler = setInterval(() => {
    const now = performance.now();
    lag.record(Math.max(0, now - lastTick - LAG_INTERVAL_MS));
    lastTick = now;
  }, LAG_INTERVAL_MS);
  sampler.unref();
  let windowStart = performance.now();
  let eluStart = performance.eventLoopUtilization();
  let cpuStart = process.cpuUsage();
  let calls = 0;
  let connections = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let lastCallAt = 0;

  const server = createServer((req, res) => {
    const arrived = performance.now();
    calls++;
    lastCallAt = arrived;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const body = req.method === 'GET' ? upstreamAnswer(req.url ?? '') : null;
    setTimeout(() => {
      // Out of flight as its answer is written, before the caller can send its next call: a
      // later event ('close') can come after that next call arrives, and would count both.
      inFlight--;
      if (body === null) res.writeHead(404, { 'content-type': 'application/json' });
      else res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body ?? JSON.stringify({ error: 'not found' }), () => {
        answers.record(Math.max(1, Math.round((performance.now() - arrived) * US_PER_MS)));
      });
    }, latencyMs);
  });
  // Keep-alive connections stay open between calls as long as the caller keeps them.
  server.keepAliveTimeout = 30_000;

  const reading = (): UpstreamReading => {
    const cpu = process.cpuUsage(cpuStart);
    const answered = answers.count > 0;
    const answerMs = (us: number) => (answered ? round(us / US_PER_MS) : null);
    const lagRead = lag.read();
    return {
      pid: process.pid,
      latencyMs,
      windowMs: round(performance.now() - windowStart),
      calls,
      connections,
      maxInFlight,
      answerP50Ms: answerMs(answers.percentile(50)),
      answerP99Ms: answerMs(answers.percentile(99)),
      answerMaxMs: answerMs(answers.max),
      lagP99Ms: round(lagRead.p99Ms),
      lagRawP99Ms: round(lagRead.rawP99Ms),
      elu: round(performance.eventLoopUtilization(eluStart).utilization, 4),
      cpuMs: round((cpu.user + cpu.system) / 1000),
    };
  };
  let listener: Server = server;
  const listen = (socket: Server) => {
    listener = socket;
    socket.on('connection', (conn) => {
      connections++;
      if (socket !== server) server.emit('connection', conn);
    });
  };
  process.on('message', (msg: ToUpstream, handle?: Server) => {
    if (msg.type === 'upstream:listen' && handle) {
      // The harness's socket, already listening: its connections are this server's.
      listen(handle);
      handle.on('error', fail);
      send({ type: 'ready', port: portOf(handle), pid: process.pid });
    } else if (msg.type === 'upstream:reset') {
      const asked = performance.now();
      const reset = () => {
        const now = performance.now();
        const quiet = inFlight === 0 && now - lastCallAt >= QUIET_MS;
        if (!quiet && now - asked < QUIET_WAIT_MAX_MS) return void setTimeout(reset, 5);
        answers.reset();
        lag.reset();
        lastTick = performance.now();
        windowStart = performance.now();
        eluStart = performance.eventLoopUtilization();
        cpuStart = process.cpuUsage();
        calls = 0;
        connections = 0;
        maxInFlight = inFlight;
        send({ type: 'upstream:reset:done' });
      };
      reset();
    } else if (msg.type === 'upstream:read') {
      send({ type: 'upstream:data', data: reading() });
    }
  });

  const shutdown = () => {
    listener.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('disconnect', shutdown);
  // Ctrl-C reaches the whole process group: with a parent, the parent stops it (after the server).
  process.on('SIGINT', () => {
    if (!process.connected) shutdown();
  });
  function fail(err: NodeJS.ErrnoException) {
    const msg: FromUpstream = { type: 'failed', message: err.message };
    if (err.code) msg.code = err.code;
    if (process.send) process.send(msg, () => process.exit(1));
    else {
      process.stderr.write(`looplab upstream: ${err.message}\n`);
      process.exit(1);
    }
  }
  server.on('error', fail);
  // Run by hand, without the harness: a free port of its own.
  if (!process.send) {
    listen(server);
    server.listen(0, '127.0.0.1', () => {
      process.stdout.write(
        `looplab upstream (${latencyMs} ms) on http://127.0.0.1:${portOf(server)}\n`,
      );
    });
  }
}

main(JSON.parse(process.argv[2] ?? '{"latencyMs":20}') as UpstreamConfig);
