/**
 * Every variant of a scenario returns the same response for the same request, so that the
 * benchmark compares the same job done two ways: the same status, content type, length and
 * SHA-256 of the body (streamed or whole), to every request the load sends. Picks up every
 * scenario in the registry.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { request } from 'undici';
import { type Answer, describeRequest, fetchAnswer } from '../../bench/run/answer.ts';
import { reapAll, startServer } from '../../bench/run/process/child.ts';
import { resolveParams } from '../../scenarios/params.ts';
import { allScenarios, variantNames } from '../../scenarios/registry.ts';
import { scenarioRequests } from '../../scenarios/request.ts';
import type { AnyScenario, Params } from '../../scenarios/types.ts';

after(reapAll);

/** Small parameters: equivalence does not need the full cost, only the same work. */
const SMALL: Record<string, Record<string, string>> = {
  'busy-wait': { ms: '2' },
  'fs-read': { size: '64KiB' },
  'crypto-pbkdf2': { iterations: '1000' },
  'cpu-bound': { n: '20000', chunk: '1000', threads: '1' },
  'json-parse': { size: '64KiB', threads: '1' },
  redos: { evil: '12' },
  zlib: { size: '64KiB' },
  'tick-starvation': { links: '100', bytes: '1KiB' },
  streams: { size: '1MiB' },
  'websocket-broadcast': { every: '4', threads: '1' },
  'upstream-calls': { latency: '2' },
};

function smallParams(s: AnyScenario): Params {
  const overrides = Object.entries(SMALL[s.id] ?? {}).map(([name, raw]) => ({ name, raw }));
  return resolveParams([s], overrides)[s.id] ?? {};
}

for (const scenario of allScenarios) {
  describe(`${scenario.id} variants are equivalent`, () => {
    test('same status, content type and body for every variant, to every request', async () => {
      const params = smallParams(scenario);
      const responses: Record<string, Answer[]> = {};
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
          const origin = server.url.slice(0, -1);
          const answers: Answer[] = [];
          for (const r of scenarioRequests(scenario, params)) {
            const first = await fetchAnswer(origin, r);
            // Twice: a variant that only gets it right the first time (cold cache, lazy pool) is caught too.
            const second = await fetchAnswer(origin, r);
            const what = `${variant} to ${describeRequest(r)}`;
            assert.deepEqual(second, first, `${what} answers differently on a second request`);
            assert.equal(first.status, 200, `${what}: status`);
            assert.ok(first.bytes > 0, `${what}: an empty body`);
            answers.push(first);
          }
          const ping = await request(`${server.url}ping`);
          assert.equal(await ping.body.text(), 'pong');
          responses[variant] = answers;
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
