/**
 * Every variant of a scenario returns the same response for the same request, so that the
 * benchmark compares the same job done two ways. Picks up every scenario in the registry.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { request } from 'undici';
import { reapAll, startServer } from '../../bench/run/child.ts';
import { resolveParams } from '../../scenarios/params.ts';
import { allScenarios, variantNames } from '../../scenarios/registry.ts';
import type { AnyScenario, Params } from '../../scenarios/types.ts';

after(reapAll);

/** Small parameters: equivalence does not need the full cost, only the same work. */
const SMALL: Record<string, Record<string, string>> = {
  'busy-wait': { ms: '2' },
  'fs-read': { size: '64KiB' },
  'crypto-pbkdf2': { iterations: '1000' },
  'cpu-bound': { n: '20000', chunk: '1000', threads: '1' },
};

function smallParams(s: AnyScenario): Params {
  const overrides = Object.entries(SMALL[s.id] ?? {}).map(([name, raw]) => ({ name, raw }));
  return resolveParams([s], overrides)[s.id] ?? {};
}

async function fetchOnce(url: string) {
  const res = await request(url);
  const body = Buffer.from(await res.body.arrayBuffer());
  return {
    status: res.statusCode,
    contentType: res.headers['content-type'],
    length: body.length,
    sha256: createHash('sha256').update(body).digest('hex'),
  };
}

for (const scenario of allScenarios) {
  describe(`${scenario.id} variants are equivalent`, () => {
    test('same status, content type and body for every variant', async () => {
      const params = smallParams(scenario);
      const responses: Record<string, Awaited<ReturnType<typeof fetchOnce>>> = {};
      for (const variant of variantNames(scenario)) {
        const server = await startServer({
          scenario: scenario.id,
          variant,
          params,
          port: 0,
          probe: true,
          timelineIntervalMs: 100,
        });
        try {
          const first = await fetchOnce(server.url);
          // Twice: a variant that only gets it right the first time (cold cache, lazy pool) is caught too.
          const second = await fetchOnce(server.url);
          assert.deepEqual(second, first, `${variant} answers differently on a second request`);
          assert.equal(first.status, 200, `${variant} status`);
          assert.ok(first.length > 0, `${variant} returned an empty body`);
          const ping = await request(`${server.url}ping`);
          assert.equal(await ping.body.text(), 'pong');
          responses[variant] = first;
        } finally {
          await server.stop();
        }
      }
      const [reference, ...others] = Object.entries(responses);
      assert.ok(reference);
      for (const [variant, response] of others) {
        assert.deepEqual(response, reference[1], `${variant} differs from ${reference[0]}`);
      }
    });
  });
}

test('the fs-read variants read the whole file', async () => {
  const server = await startServer({
    scenario: 'fs-read',
    variant: 'async',
    params: { size: 100_000 },
    port: 0,
    probe: true,
    timelineIntervalMs: 100,
  });
  try {
    const res = await request(server.url);
    assert.equal(((await res.body.json()) as { bytes: number }).bytes, 100_000);
  } finally {
    await server.stop();
  }
});

test('an unknown path is a 404 naming the routes', async () => {
  const server = await startServer({
    scenario: 'busy-wait',
    variant: 'sync',
    params: { ms: 1 },
    port: 0,
    probe: false,
    timelineIntervalMs: 100,
  });
  try {
    const res = await request(`${server.url}nope`);
    assert.equal(res.statusCode, 404);
    assert.deepEqual(await res.body.json(), { error: 'not found', routes: ['/', '/ping'] });
  } finally {
    await server.stop();
  }
});
