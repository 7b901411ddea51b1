/**
 * `looplab live`'s page server: the page, its code, the event stream and the controls, on
 * 127.0.0.1 in the looplab process itself, never in a server under test, so the page keeps
 * drawing while that server's loop is blocked.
 *
 * It knows only a LiveSource (a session that measures, or a recording played back). It keeps the
 * source's events in a ring, so a reloaded page redraws the whole history and a dropped stream
 * resumes with `Last-Event-ID`. Who may talk to it: request-checks.ts.
 */

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, isLooplabError, LooplabError } from '../../core/errors.ts';
import type { LiveEvent, LiveSource, WarningEvent } from './events.ts';
import { livePageHtml } from './page/html.ts';
import { LIVE_CSS } from './page/style.ts';
import { MODULE_PREFIX, moduleFile } from './page-modules.ts';
import {
  checkHostHeader,
  checkJsonType,
  checkOrigin,
  checkToken,
  isRefusal,
  MAX_CONTROL_BYTES,
  parseControl,
  type Refusal,
} from './request-checks.ts';
import { Ring } from './ring.ts';
import { savedFileName, savedNowMs, savedPage } from './save-page.ts';
import { parseLastEventId, SSE_HEARTBEAT, SSE_RETRY_MS, sseData, sseMessage } from './sse.ts';

/** The only address the page server binds: the Host rule and the printed URL both name it. */
export const PAGE_HOST = '127.0.0.1';

/**
 * Events the ring keeps: at 4 frames a second, 8 variants for the default 10 minutes of
 * `--max-time` (19,200 frames), or 2 variants for about 40 minutes. A full ring of frames held
 * about 14 MB of heap (332 bytes of text a frame, measured).
 */
export const DEFAULT_RING_EVENTS = 20_000;

/** A comment this often keeps a quiet stream open through proxies and the browser's timeouts. */
export const HEARTBEAT_MS = 15_000;

/**
 * A page whose socket holds more unsent than this cannot keep up (a tab in the background, a
 * stalled browser): it is dropped, and reconnects with `Last-Event-ID` when it can, rather than
 * growing this process's memory without bound.
 */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const;

export interface PageServerOptions {
  /** 0: a free port. */
  port: number;
  /** Only 127.0.0.1; anything else is refused. */
  host?: string;
  /** 32 random bytes, base64url, unless given (tests). */
  token?: string;
  ringEvents?: number;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
  /** The folder the page's modules are served from: dist/ (tests point it elsewhere). */
  moduleRoot?: string;
}

export interface PageServer {
  /** `http://127.0.0.1:PORT/?token=T`: the address to print and open. */
  url: string;
  port: number;
  token: string;
  /** Pages connected to the event stream now. */
  pages(): number;
  /**
   * Calls `callback` once, when no page has been connected for `ms` (counted from now if none is
   * connected now, else from when the last one leaves; a page that connects restarts the count).
   */
  onNoPage(ms: number, callback: () => void): void;
  /** Ends every open stream and frees the port; the source stays open (its owner closes it). */
  close(): Promise<void>;
}

interface Stream {
  res: ServerResponse;
  /**
   * The history still unsent when the page connected: a fresh page on a full ring starts with
   * megabytes to read, and that alone is not falling behind. So a page holds at most the ring
   * plus MAX_BUFFERED_BYTES.
   */
  backlogBytes: number;
}

interface NoPageWatch {
  ms: number;
  callback: () => void;
  timer: NodeJS.Timeout | undefined;
  fired: boolean;
}

/**
 * Serves `source` on 127.0.0.1.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION for a host other than 127.0.0.1 or a port out of
 *   range; LOOPLAB_ERR_PORT_IN_USE when the port is taken.
 */
export async function startPageServer(
  source: LiveSource,
  options: PageServerOptions,
): Promise<PageServer> {
  const host = options.host ?? PAGE_HOST;
  if (host !== PAGE_HOST) {
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `--host ${String(host).slice(0, 80)}: looplab live binds ${PAGE_HOST} only, because its page ` +
        'can start load on this machine; open the printed address in a browser on this machine',
    );
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `--port must be a whole number from 0 (a free port) to 65535, got ${options.port}`,
    );
  }
  const token = options.token ?? randomBytes(32).toString('base64url');
  const ring = new Ring<string>(options.ringEvents ?? DEFAULT_RING_EVENTS);
  const maxBuffered = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  const moduleRoot = options.moduleRoot ?? fileURLToPath(new URL('../../', import.meta.url));
  const streams = new Set<Stream>();
  const watches: NoPageWatch[] = [];
  let authority = '';
  let closed = false;

  const send = (stream: Stream, text: string) => {
    if (stream.res.destroyed || stream.res.writableLength > maxBuffered + stream.backlogBytes) {
      drop(stream);
      return;
    }
    stream.res.write(text);
  };

  const drop = (stream: Stream) => {
    if (!streams.delete(stream)) return;
    stream.res.destroy();
    watchNoPage();
  };

  /** The newest event's time, and when it came: the page's clock, for a saved copy. */
  let lastElapsedMs = 0;
  let lastEventAt = performance.now();

  const unsubscribe = source.subscribe((event: LiveEvent) => {
    if (event.type !== 'session') lastElapsedMs = Math.max(lastElapsedMs, event.elapsedMs);
    lastEventAt = performance.now();
    const text = sseMessage(event, ring.lastId + 1);
    ring.push(text);
    for (const stream of [...streams]) send(stream, text);
  });

  const heartbeat = setInterval(() => {
    for (const stream of [...streams]) send(stream, SSE_HEARTBEAT);
  }, options.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();

  const watchNoPage = () => {
    for (const w of watches) {
      if (w.fired || closed) continue;
      if (streams.size > 0) {
        clearTimeout(w.timer);
        w.timer = undefined;
      } else if (w.timer === undefined) {
        w.timer = setTimeout(() => {
          w.fired = true;
          w.callback();
        }, w.ms);
        w.timer.unref();
      }
    }
  };

  const openStream = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    res.write(`retry: ${SSE_RETRY_MS}\n\n`);
    const session = source.describe();
    res.write(sseMessage(session));
    const after = parseLastEventId(req.headers['last-event-id']);
    const { entries, lost } = ring.since(after);
    if (lost > 0) res.write(sseMessage(historyLost(lost, session.startEpochMs, ring.capacity)));
    res.write(entries.map((e) => e.value).join(''));
    const stream: Stream = { res, backlogBytes: res.writableLength };
    streams.add(stream);
    watchNoPage();
    res.on('close', () => drop(stream));
    // A socket reset mid-write: that page is gone, and this process goes on.
    res.on('error', () => drop(stream));
  };

  const control = async (req: IncomingMessage, res: ServerResponse) => {
    const refusal =
      checkOrigin(req.headers.origin, `http://${authority}`) ??
      checkToken(headerValue(req.headers['x-looplab-token']), token) ??
      checkJsonType(req.headers['content-type']);
    if (refusal) return refuse(res, refusal);
    const body = await readBody(req, MAX_CONTROL_BYTES);
    if (body === null) {
      return refuse(res, {
        status: 400,
        code: ERROR_CODES.USAGE,
        message: `bad control: the body is over ${MAX_CONTROL_BYTES} bytes`,
      });
    }
    const parsed = parseControl(body);
    if (isRefusal(parsed)) return refuse(res, parsed);
    try {
      await source.control(parsed);
    } catch (err) {
      if (!isLooplabError(err)) {
        return sendJson(res, 500, {
          code: null,
          message: `looplab failed on a control: ${err instanceof Error ? err.message : String(err)}`,
        });
      }
      // A value out of range is the request's fault; anything else the source refuses (a replay,
      // a stopped session) is a conflict with its state.
      const badValue = err.code === ERROR_CODES.BAD_PARAM || err.code === ERROR_CODES.BAD_OPTION;
      return sendJson(res, badValue ? 400 : 409, { code: err.code, message: err.message });
    }
    res.writeHead(204, SECURITY_HEADERS);
    res.end();
  };

  /** The Save button's file: the session so far, in one HTML file that loads nothing. */
  const save = async (res: ServerResponse) => {
    const session = source.describe();
    const { entries, lost } = ring.since(0);
    const events = entries.map((e) => JSON.parse(sseData(e.value)) as LiveEvent);
    if (lost > 0) events.unshift(historyLost(lost, session.startEpochMs, ring.capacity));
    const savedAt = new Date();
    const html = await savedPage({
      session,
      events,
      nowMs: savedNowMs(
        lastElapsedMs,
        session.state === 'running',
        performance.now() - lastEventAt,
      ),
      savedAt,
      moduleRoot,
    });
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Disposition': `attachment; filename="${savedFileName(session.scenario, savedAt.toISOString())}"`,
    });
    res.end(html);
  };

  const serveModule = async (path: string, res: ServerResponse) => {
    const file = await moduleFile(moduleRoot, path);
    const text = file === null ? null : await readFile(file).catch(() => null);
    if (text === null) return notFound(res, path);
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/javascript; charset=utf-8' });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const hostRefusal = checkHostHeader(req.headers.host, authority);
    if (hostRefusal) return refuse(res, hostRefusal);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${authority}`);
    } catch {
      return notFound(res, String(req.url));
    }
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const only = (allowed: 'GET' | 'POST') => {
      if (method === allowed) return true;
      res.setHeader('Allow', allowed);
      refuse(res, {
        status: 405,
        code: ERROR_CODES.USAGE,
        message: `${path} answers ${allowed} only, not ${method.slice(0, 10)}`,
      });
      return false;
    };
    if (path === '/') {
      if (!only('GET')) return;
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8' });
      res.end(livePageHtml());
    } else if (path === '/style.css') {
      if (!only('GET')) return;
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/css; charset=utf-8' });
      res.end(LIVE_CSS);
    } else if (path === '/events') {
      if (!only('GET')) return;
      const tokenRefusal = checkToken(url.searchParams.get('token'), token);
      if (tokenRefusal) return refuse(res, tokenRefusal);
      openStream(req, res);
    } else if (path === '/save') {
      if (!only('GET')) return;
      const tokenRefusal = checkToken(url.searchParams.get('token'), token);
      if (tokenRefusal) return refuse(res, tokenRefusal);
      await save(res);
    } else if (path === '/control') {
      if (!only('POST')) return;
      await control(req, res);
    } else if (path.startsWith(MODULE_PREFIX)) {
      if (!only('GET')) return;
      await serveModule(path, res);
    } else {
      notFound(res, path);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        sendJson(res, 500, {
          code: null,
          message: `looplab failed: ${err instanceof Error ? err.message : String(err)}`,
        });
      } else res.destroy();
    });
  });
  // A client that sends its request slowly or never must not hold a socket for ever. These bound
  // receiving a request, not sending the answer, so the event stream stays open.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      unsubscribe();
      clearInterval(heartbeat);
      if (err.code === 'EADDRINUSE') {
        reject(
          new LooplabError(
            ERROR_CODES.PORT_IN_USE,
            `--port ${options.port} is taken: pick another, or leave --port out for a free one`,
          ),
        );
      } else reject(err);
    });
    server.listen(options.port, PAGE_HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  authority = `${PAGE_HOST}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${authority}/?token=${token}`,
    port,
    token,
    pages: () => streams.size,
    onNoPage(ms, callback) {
      watches.push({ ms, callback, timer: undefined, fired: false });
      watchNoPage();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
        for (const w of watches) clearTimeout(w.timer);
        for (const stream of streams) stream.res.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Says how many events fell out of the ring before a page (or a saved copy) could have them. */
function historyLost(lost: number, startEpochMs: number, capacity: number): WarningEvent {
  return {
    type: 'warning',
    elapsedMs: Math.max(0, Date.now() - startEpochMs),
    code: 'history-lost',
    text:
      `${lost} earlier event${lost === 1 ? '' : 's'} of this session fell out of the page ` +
      `server's memory (it keeps the last ${capacity}): the charts start later than the session`,
  };
}

function refuse(res: ServerResponse, refusal: Refusal): void {
  sendJson(res, refusal.status, { code: refusal.code, message: refusal.message });
}

function notFound(res: ServerResponse, path: string): void {
  refuse(res, {
    status: 404,
    code: ERROR_CODES.NO_SUCH_FILE,
    message: `nothing here: ${JSON.stringify(path.slice(0, 80))}`,
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: { code: string | null; message: string },
): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
  res.end(`${JSON.stringify(body)}\n`);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The body as text, or null once it passes `limit` bytes (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
