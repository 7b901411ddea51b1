import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { getScenario } from '../../scenarios/registry.ts';
import { type Selection, selectScenarios } from '../../scenarios/select.ts';
import { throwsCoded } from './fixtures.ts';

/** A selection with its scenario named by id, after checking it is the registry's own object. */
function byId(selection: Selection[]) {
  return selection.map((s) => {
    assert.equal(s.scenario, getScenario(s.scenario.id), 'the registry object, not a copy');
    return { ...s, scenario: s.scenario.id };
  });
}

describe('selectScenarios', () => {
  it('selects every scenario and variant, in registry order, with defaults', () => {
    assert.deepEqual(byId(selectScenarios([], [], [])), [
      { scenario: 'busy-wait', variants: ['sync', 'async'], params: { ms: 20 } },
      { scenario: 'fs-read', variants: ['sync', 'async'], params: { size: 1_048_576 } },
      { scenario: 'crypto-pbkdf2', variants: ['sync', 'async'], params: { iterations: 20_000 } },
      {
        scenario: 'cpu-bound',
        variants: ['sync', 'async', 'partitioned'],
        params: { n: 150_000, chunk: 10_000, threads: availableParallelism() },
      },
      {
        scenario: 'json-parse',
        variants: ['sync', 'async'],
        params: { size: 524_288, threads: availableParallelism() },
      },
      { scenario: 'redos', variants: ['sync', 'async'], params: { evil: 20 } },
      { scenario: 'zlib', variants: ['sync', 'async', 'stream'], params: { size: 1_048_576 } },
      {
        scenario: 'tick-starvation',
        variants: ['sync', 'promise', 'async'],
        params: { links: 1000, bytes: 16_384 },
      },
      { scenario: 'streams', variants: ['sync', 'async', 'stream'], params: { size: 16_777_216 } },
      { scenario: 'sync-logging', variants: ['sync', 'async'], params: { line: 256, durable: 1 } },
      {
        scenario: 'websocket-broadcast',
        variants: ['sync', 'async'],
        params: {
          clients: 20,
          rate: 20,
          late: 50,
          every: 200,
          rounds: 2000,
          threads: availableParallelism(),
        },
      },
      {
        scenario: 'upstream-calls',
        variants: ['sync', 'async', 'parallel', 'no-keepalive'],
        params: { latency: 20 },
      },
    ]);
  });

  it('keeps the order the ids were given in', () => {
    const got = selectScenarios(['cpu-bound', 'busy-wait'], [], []);
    assert.deepEqual(
      byId(got).map((s) => s.scenario),
      ['cpu-bound', 'busy-wait'],
    );
  });

  it('collapses duplicate ids, keeping the first', () => {
    const got = selectScenarios(['fs-read', 'busy-wait', 'fs-read'], [], []);
    assert.deepEqual(
      byId(got).map((s) => s.scenario),
      ['fs-read', 'busy-wait'],
    );
  });

  it('filters variants, keeping the scenario’s own variant order', () => {
    assert.deepEqual(
      selectScenarios(['busy-wait', 'cpu-bound'], ['async'], []).map((s) => s.variants),
      [['async'], ['async']],
    );
    assert.deepEqual(
      selectScenarios(['cpu-bound'], ['partitioned', 'sync'], []).map((s) => s.variants),
      [['sync', 'partitioned']],
    );
  });

  it('rejects a variant filter that a selected scenario lacks', () => {
    throwsCoded(
      () => selectScenarios([], ['partitioned'], []),
      'LOOPLAB_ERR_UNKNOWN_VARIANT',
      'scenario "busy-wait" has no variant "partitioned"; choose sync or async',
    );
  });

  it('rejects an unknown scenario id', () => {
    throwsCoded(
      () => selectScenarios(['busy-wait', 'nope'], [], []),
      'LOOPLAB_ERR_UNKNOWN_SCENARIO',
      /^unknown scenario "nope"; choose busy-wait, fs-read, crypto-pbkdf2, cpu-bound, json-parse, /,
    );
  });

  it('applies --param texts to the selected scenarios', () => {
    assert.deepEqual(
      byId(selectScenarios(['busy-wait', 'fs-read'], [], ['ms=5', 'fs-read.size=2KiB'])),
      [
        { scenario: 'busy-wait', variants: ['sync', 'async'], params: { ms: 5 } },
        { scenario: 'fs-read', variants: ['sync', 'async'], params: { size: 2048 } },
      ],
    );
  });

  it('rejects a param that no selected scenario has, and a malformed one', () => {
    throwsCoded(
      () => selectScenarios(['busy-wait'], [], ['size=1']),
      'LOOPLAB_ERR_BAD_PARAM',
      'no selected scenario has a parameter "size"; known: busy-wait.ms',
    );
    throwsCoded(() => selectScenarios([], [], ['ms']), 'LOOPLAB_ERR_BAD_PARAM', /^malformed/);
  });

  it('rejects a variant filter naming an Object.prototype member', () => {
    throwsCoded(
      () => selectScenarios([], ['toString'], []),
      'LOOPLAB_ERR_UNKNOWN_VARIANT',
      /has no variant "toString"/,
    );
  });
});
