/**
 * The request and response contract of a scenario server, end to end on loopback: a handler
 * receives the method, path, query, headers and body; a body past the cap is a 413; a handler
 * may answer with a stream; and the load driver sends a scenario's requests in rotation.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { fetchAnswer } from '../../bench/run/answer.ts';
import { dropResponseBodies, runLoad } from '../../bench/run/load/load.ts';
import { reapAll, type ServerHandle, startServer } from '../../bench/run/process/child.ts';
import { DEFAULT_MAX_BODY_BYTES, normalizeRequest } from '../../scenarios/request.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'looplab-contract-'));
});
after(async () => {
  await reapAll();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `fn` with an in-process HTTP server on loopback, closed after it. */
async function withServer(
  handler: RequestListener,
  fn: (url: string) => Promise<void>,
): Promise<void> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Serves `source` as the handler of a scenario server, as verify serves a learner's file. */
async function serveHandler(name: string, source: string): Promise<ServerHandle> {
  const file = join(dir, name);
  await writeFile(file, source);
  return startServer({
    scenario: 'noop',
    variant: 'exercise',
    params: {},
    port: 0,
    probe: false,
    timelineIntervalMs: 100,
    handlerFile: file,
  });
}

const ECHO = `
import { createHash } from 'node:crypto';
export default function handle(_ctx, req) {
  return {
    body: JSON.stringify({
      method: req.method,
      path: req.path,
      query: req.query,
      header: req.headers['x-looplab-test'],
      bytes: req.body.length,
      isBuffer: Buffer.isBuffer(req.body),
      sha256: createHash('sha256').update(req.body).digest('hex'),
    }),
  };
}
`;

test('a handler receives the method, path, query, headers and the body as a Buffer', async () => {
  const server = await serveHandler('echo.ts', ECHO);
  try {
    const body = Buffer.alloc(300_000, 7);
    const res = await request(`${server.url}?name=a%2Fb&n=1&n=2`, {
      method: 'POST',
      headers: { 'x-looplab-test': 'yes' },
      body,
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(await res.body.json(), {
      method: 'POST',
      path: '/',
      query: { name: 'a/b', n: '2' },
      header: 'yes',
      bytes: 300_000,
      isBuffer: true,
      sha256: createHash('sha256').update(body).digest('hex'),
    });
    // A chunked body (no content-length) is read whole too.
    const chunked = await request(server.url, {
      method: 'PUT',
      body: Readable.from([Buffer.from('ab'), Buffer.from('cd')]),
    });
    const echoed = (await chunked.body.json()) as { method: string; bytes: number };
    assert.deepEqual([echoed.method, echoed.bytes], ['PUT', 4]);
    const get = (await (await request(server.url)).body.json()) as { bytes: number };
    assert.equal(get.bytes, 0, 'a GET has an empty body');
  } finally {
    await server.stop();
  }
});

test('a body past the cap is refused with a 413 naming the limit', async () => {
  const server = await serveHandler('echo-cap.ts', ECHO);
  try {
    const over = DEFAULT_MAX_BODY_BYTES + 1;
    // Declared too large: refused before the body is read.
    const declared = await request(server.url, { method: 'POST', body: Buffer.alloc(over) }).catch(
      (err: Error) => err,
    );
    // The server may close before the client has sent it all; then the client sees the close.
    if (!(declared instanceof Error)) {
      assert.equal(declared.statusCode, 413);
      assert.deepEqual(await declared.body.json(), {
        error: 'request body too large',
        limitBytes: DEFAULT_MAX_BODY_BYTES,
      });
    }
    // Not declared (chunked): refused once the bytes read pass the cap.
    const res = await request(server.url, {
      method: 'POST',
      body: Readable.from([Buffer.alloc(DEFAULT_MAX_BODY_BYTES), Buffer.alloc(1)]),
    }).catch((err: Error) => err);
    if (!(res instanceof Error)) assert.equal(res.statusCode, 413);
    assert.ok(
      !(declared instanceof Error) || !(res instanceof Error),
      `neither oversized request got its 413: ${declared} / ${res}`,
    );
    // At the cap exactly is fine, and the server still serves after refusing.
    const at = await request(server.url, {
      method: 'POST',
      body: Buffer.alloc(DEFAULT_MAX_BODY_BYTES),
    });
    assert.equal(at.statusCode, 200);
    assert.equal(((await at.body.json()) as { bytes: number }).bytes, DEFAULT_MAX_BODY_BYTES);
  } finally {
    await server.stop();
  }
});

test('a handler may answer with a Readable: streamed with its status and content type', async () => {
  const server = await serveHandler(
    'stream.ts',
    `import { Readable } from 'node:stream';
export default () => ({
  status: 201,
  contentType: 'text/plain',
  body: Readable.from((function* () { for (let i = 0; i < 1000; i++) yield Buffer.alloc(1024, i % 251); })()),
});
`,
  );
  try {
    const answer = await fetchAnswer(server.url.slice(0, -1), normalizeRequest({}));
    const expected = createHash('sha256');
    for (let i = 0; i < 1000; i++) expected.update(Buffer.alloc(1024, i % 251));
    assert.deepEqual(
      { status: answer.status, type: answer.contentType, bytes: answer.bytes, sha: answer.sha256 },
      { status: 201, type: 'text/plain', bytes: 1_024_000, sha: expected.digest('hex') },
    );
  } finally {
    await server.stop();
  }
});

test('a stream that fails mid-way cuts the connection instead of ending a short answer', async () => {
  const server = await serveHandler(
    'broken-stream.ts',
    `import { Readable } from 'node:stream';
export default () => ({
  body: new Readable({
    read() {
      this.push(Buffer.alloc(1024));
      this.destroy(new Error('disk gone'));
    },
  }),
});
`,
  );
  try {
    const outcome = await request(server.url)
      .then((res) => res.body.arrayBuffer())
      .then(
        () => 'complete',
        () => 'failed',
      );
    assert.equal(outcome, 'failed');
    const again = await request(`${server.url}ping`);
    assert.equal(await again.body.text(), 'pong', 'the server goes on serving');
  } finally {
    await server.stop();
  }
});

test('a client that leaves before a streamed answer is ready does not bring the server down', async () => {
  // On Node 24, a stream piped into a response whose client has gone throws: once, this crashed
  // the server of streaming-files' known-bad handler as verify's window closed.
  const server = await serveHandler(
    'late-stream.ts',
    `import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
export default async () => {
  await sleep(300);
  return { body: Readable.from([Buffer.alloc(1024)]) };
};
`,
  );
  try {
    const left = await request(server.url, { signal: AbortSignal.timeout(50) }).then(
      () => 'answered',
      () => 'left',
    );
    assert.equal(left, 'left');
    // Past the handler's 300 ms: its answer has met the closed response.
    await new Promise((r) => setTimeout(r, 500));
    const again = await request(`${server.url}ping`);
    assert.equal(await again.body.text(), 'pong', 'the server goes on serving');
    const answered = await request(server.url);
    assert.equal((await answered.body.arrayBuffer()).byteLength, 1024);
  } finally {
    await server.stop();
  }
});

test("the load driver sends a scenario's requests in rotation on every connection, each from its own place", async () => {
  const seen = new Map<number, string[]>();
  const record: RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const port = req.socket.remotePort ?? 0;
      const lines = seen.get(port) ?? [];
      lines.push(`${req.method} ${req.url} ${req.headers['x-n']} ${Buffer.concat(chunks)}`);
      seen.set(port, lines);
      res.end('ok');
    });
  };
  await withServer(record, async (url) => {
    const requests = [
      { method: 'POST', path: '/?k=1', headers: { 'x-n': '1' }, body: 'one' },
      { method: 'POST', path: '/?k=2', headers: { 'x-n': '2' }, body: 'two' },
      { path: '/?k=3', headers: { 'x-n': '3' } },
    ].map(normalizeRequest);
    const result = await runLoad({
      url,
      requests,
      connections: 2,
      durationSec: 0.3,
      timeoutSec: 5,
    });
    assert.ok(result.requestsTotal >= 6, `only ${result.requestsTotal} requests`);
  });
  const cycle = ['POST /?k=1 1 one', 'POST /?k=2 2 two', 'GET /?k=3 3 '];
  const connections = [...seen.values()];
  assert.equal(connections.length, 2);
  // Connection i of n starts at request ⌊i × 3 / n⌋: the first at k=1, the second at k=2, so
  // that a long list of different inputs reaches the server as different requests at once.
  const starts = connections.map((sent) => cycle.indexOf(sent[0] as string)).sort();
  assert.deepEqual(starts, [0, 1]);
  for (const sent of connections) {
    const from = cycle.indexOf(sent[0] as string);
    for (const [i, line] of sent.entries())
      assert.equal(line, cycle[(from + i) % 3], `request ${i}`);
  }
});

test('the load driver keeps no response body, so large answers measure the server', async () => {
  const size = 8 * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const large: RequestListener = (_req, res) => {
    res.writeHead(200, { 'content-length': size });
    Readable.from(Array.from({ length: size / chunk.length }, () => chunk)).pipe(res);
  };
  await withServer(large, async (url) => {
    // The internals dropResponseBodies reaches into are there in the autocannon installed.
    const { default: autocannon } = await import('autocannon');
    let applied: boolean | undefined;
    await new Promise((resolve, reject) => {
      autocannon(
        {
          url,
          connections: 1,
          amount: 1,
          setupClient: (c) => {
            applied = dropResponseBodies(c);
          },
        },
        (err, r) => (err ? reject(err) : resolve(r)),
      );
    });
    assert.equal(applied, true);
    // Every byte is still counted.
    const load = await runLoad({ url, connections: 2, durationSec: 0.5, timeoutSec: 5 });
    assert.ok(load.requestsTotal >= 1, `${load.requestsTotal} requests`);
    assert.ok(load.bytesTotal >= load.requestsTotal * size, `${load.bytesTotal} bytes`);
  });
});

test('time to first byte is measured on every response: the head, not the whole body', async () => {
  // The head and a first chunk at once, the rest 150 ms later.
  const slowTail: RequestListener = (_req, res) => {
    res.write('first');
    setTimeout(() => res.end('rest'), 150);
  };
  await withServer(slowTail, async (url) => {
    const load = await runLoad({ url, connections: 2, durationSec: 0.8, timeoutSec: 5 });
    assert.ok(load.requestsTotal >= 4, `${load.requestsTotal} requests`);
    // One sample per response, those answered after the window closed included.
    assert.equal(
      load.ttfbMs.length,
      load.requestsTotal + (load.requestsAfterClose ?? 0),
      'one sample per response',
    );
    for (const ms of load.ttfbMs) assert.ok(ms >= 0 && ms < 100, `first byte after ${ms} ms`);
    assert.ok(load.latencyP50Ms >= 150, `latency p50 ${load.latencyP50Ms} ms`);
  });
});
