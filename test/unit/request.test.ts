import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import noop from '../../scenarios/catalog/noop.ts';
import {
  asReceived,
  DEFAULT_MAX_BODY_BYTES,
  maxBodyBytes,
  normalizeRequest,
  scenarioRequests,
  splitUrl,
} from '../../scenarios/request.ts';
import { defineScenario } from '../../scenarios/types.ts';

const echo = { summary: 'x', handle: () => ({ body: '' }) };
const posting = defineScenario({
  id: 'posting',
  title: 't',
  teaches: 't',
  params: { size: { default: 3, unit: 'bytes', description: 'd' } },
  requests: ({ size }) => [
    { method: 'post', path: '/?a=1', headers: { 'X-Kind': 'big' }, body: 'x'.repeat(size) },
    { body: new Uint8Array([1, 2]) },
  ],
  maxBodyBytes: ({ size }) => size * 2,
  variants: { sync: echo, async: echo },
});

describe('scenario requests', () => {
  it('a scenario that declares none is sent one GET /', () => {
    assert.deepEqual(scenarioRequests(noop, {}), [
      { method: 'GET', path: '/', headers: {}, body: Buffer.alloc(0) },
    ]);
    assert.equal(maxBodyBytes(noop, {}), DEFAULT_MAX_BODY_BYTES);
  });

  it("a scenario's declared requests are built from its params, every default filled in", () => {
    assert.deepEqual(scenarioRequests(posting, { size: 4 }), [
      { method: 'POST', path: '/?a=1', headers: { 'X-Kind': 'big' }, body: Buffer.from('xxxx') },
      { method: 'GET', path: '/', headers: {}, body: Buffer.from([1, 2]) },
    ]);
    assert.equal(maxBodyBytes(posting, { size: 4 }), 8);
  });

  it('splits a URL into its path and query; a repeated name keeps its last value', () => {
    assert.deepEqual(splitUrl('/'), { path: '/', query: {} });
    assert.deepEqual(splitUrl('/ping?x'), { path: '/ping', query: { x: '' } });
    assert.deepEqual(splitUrl('/?path=%2Fa%0A&n=1&n=2'), {
      path: '/',
      query: { path: '/a\n', n: '2' },
    });
  });

  it('builds the request a handler receives, as the server would from the wire', () => {
    assert.deepEqual(asReceived(normalizeRequest({ path: '/?q=1', headers: { 'X-A': 'b' } })), {
      method: 'GET',
      path: '/',
      query: { q: '1' },
      headers: { 'x-a': 'b' },
      body: Buffer.alloc(0),
    });
    assert.deepEqual(asReceived(normalizeRequest({ method: 'put', body: 'abc' })).headers, {
      'content-length': '3',
    });
  });
});
