/**
 * A test-only stand-in for looplab's page server, to open the live page in a browser before the
 * real one (bench/live/page-server.ts) lands, and without a session: it serves `/`, `/style.css`
 * and the compiled modules under `/m/` as the HTTP contract says, replays recorded events on
 * `/events`, and records each `/control` request. No token or Host checks beyond the token's
 * presence: those are the page server's, tested there.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, posix } from 'node:path';
import type { LiveControl, LiveEvent } from '../../bench/live/events.ts';
import { livePageHtml } from '../../bench/live/page/html.ts';
import { LIVE_CSS } from '../../bench/live/page/style.ts';
import { packageRoot } from '../../core/package-info.ts';

const SERVED = ['bench/live/page/', 'bench/render/chart/'];

export interface ControlSeen {
  token: string | undefined;
  contentType: string | undefined;
  body: LiveControl;
}

export interface StaticLive {
  url: string;
  token: string;
  controls: ControlSeen[];
  /** Sends one more event to every open stream. */
  push(event: LiveEvent): void;
  close(): Promise<void>;
}

/**
 * Serves the page and replays `events` (the first must be the session event) to each stream.
 * A control whose `connections` is above 500 is refused as looplab would, 400 with a JSON body.
 */
export async function startStaticLive(events: readonly LiveEvent[]): Promise<StaticLive> {
  const token = 'test-token-1234';
  const controls: ControlSeen[] = [];
  const streams = new Set<import('node:http').ServerResponse>();
  let seq = 0;
  const sse = (e: LiveEvent) => `id: ${++seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
  const dist = join(packageRoot(), 'dist');
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(livePageHtml());
    } else if (req.method === 'GET' && url.pathname === '/style.css') {
      res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8' }).end(LIVE_CSS);
    } else if (req.method === 'GET' && url.pathname.startsWith('/m/')) {
      const path = posix.normalize(url.pathname.slice(3));
      if (
        !SERVED.some((dir) => path.startsWith(dir)) ||
        !path.endsWith('.js') ||
        path.includes('..')
      )
        res.writeHead(404).end();
      else
        readFile(join(dist, path)).then(
          (body) => res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(body),
          () => res.writeHead(404).end(),
        );
    } else if (req.method === 'GET' && url.pathname === '/events') {
      if (url.searchParams.get('token') !== token) return void res.writeHead(403).end();
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
      seq = 0;
      res.write(events.map(sse).join(''));
      streams.add(res);
      res.on('close', () => streams.delete(res));
    } else if (req.method === 'POST' && url.pathname === '/control') {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c;
      });
      req.on('end', () => {
        const control = JSON.parse(body) as LiveControl;
        controls.push({
          token: req.headers['x-looplab-token'] as string | undefined,
          contentType: req.headers['content-type'],
          body: control,
        });
        if (control.action === 'connections' && control.connections > 500)
          res.writeHead(400, { 'Content-Type': 'application/json' }).end(
            JSON.stringify({
              code: 'LOOPLAB_ERR_BAD_PARAM',
              message: 'connections must be 1 to 500',
            }),
          );
        else res.writeHead(204).end();
      });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    controls,
    push(event) {
      for (const s of streams) s.write(sse(event));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
