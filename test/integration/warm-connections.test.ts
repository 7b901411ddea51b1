import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Client } from 'undici';
import { warmConnections } from '../../bench/run/load/warm-connections.ts';

// Answers with the client's port: which connection carried each call. Held calls wait for
// release(), so that a test can keep connections busy.
let held: (() => void)[] = [];
let accepted = 0;
const server = createServer((req, res) => {
  const answer = () => res.end(String(req.socket.remotePort));
  if (req.url === '/hold') held.push(answer);
  else answer();
});
server.on('connection', () => accepted++);
let origin = '';
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const portOf = async (client: Client, path = '/') => {
  const res = await client.request({ path, method: 'GET' });
  return Number(await res.body.text());
};

test('fill opens the connections before they are needed, and each call takes the one idle longest', async () => {
  accepted = 0;
  const connections = warmConnections(origin);
  try {
    const warmed: number[] = [];
    await connections.fill(5, async (client) => {
      warmed.push(await portOf(client));
    });
    assert.equal(connections.opened(), 5);
    assert.equal(accepted, 5);
    assert.equal(new Set(warmed).size, 5);
    // Ten calls one after another go round all five in turn: none sits idle while another works.
    const used: number[] = [];
    for (let i = 0; i < 10; i++) used.push(await connections.use((c) => portOf(c)));
    assert.deepEqual(used.slice(5), used.slice(0, 5));
    assert.deepEqual([...used.slice(0, 5)].sort(), [...warmed].sort());
    assert.equal(accepted, 5, 'no connection opened after the fill');
  } finally {
    await connections.close();
  }
});

test('a call with every connection busy opens another, up to the most, then waits for one', async () => {
  accepted = 0;
  held = [];
  const connections = warmConnections(origin, 3);
  try {
    const calls = Array.from({ length: 5 }, () => connections.use((c) => portOf(c, '/hold')));
    // Three calls reach the server, each on its own connection; two wait on our side.
    while (held.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(held.length, 3);
    assert.equal(connections.opened(), 3);
    let done = false;
    const all = Promise.all(calls).finally(() => {
      done = true;
    });
    // The two waiting get a connection as soon as one is freed.
    while (!done) {
      for (const answer of held.splice(0)) answer();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const ports = await all;
    assert.equal(new Set(ports).size, 3);
    assert.equal(accepted, 3);
  } finally {
    await connections.close();
  }
});

test('destroy ends every connection at once, a call held by the server failing, where close would wait', async () => {
  held = [];
  const connections = warmConnections(origin);
  await connections.fill(3, async (client) => void (await portOf(client)));
  const call = connections.use((c) => portOf(c, '/hold'));
  while (held.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
  const startedAt = Date.now();
  await connections.destroy();
  await assert.rejects(call);
  assert.ok(Date.now() - startedAt < 1000, `destroy took ${Date.now() - startedAt} ms`);
  for (const answer of held) answer();
});
