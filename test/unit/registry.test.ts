import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseParamValue } from '../../scenarios/params.ts';
import {
  allScenarios,
  getScenario,
  getVariant,
  scenarioIds,
  scenarios,
  variantNames,
} from '../../scenarios/registry.ts';
import { throwsCoded } from './fixtures.ts';

describe('registry lookups', () => {
  it('lists the eleven scenarios in benchmark order', () => {
    assert.deepEqual(scenarioIds(), [
      'busy-wait',
      'fs-read',
      'crypto-pbkdf2',
      'cpu-bound',
      'json-parse',
      'redos',
      'zlib',
      'tick-starvation',
      'streams',
      'sync-logging',
      'websocket-broadcast',
      'upstream-calls',
    ]);
  });

  it('getScenario returns the registered object', () => {
    for (const s of scenarios) assert.equal(getScenario(s.id), s);
  });

  it('getScenario names the valid ids for an unknown id', () => {
    throwsCoded(
      () => getScenario('nope'),
      'LOOPLAB_ERR_UNKNOWN_SCENARIO',
      'unknown scenario "nope"; choose busy-wait, fs-read, crypto-pbkdf2, cpu-bound, json-parse, ' +
        'redos, zlib, tick-starvation, streams, sync-logging, websocket-broadcast or upstream-calls (see: looplab scenarios)',
    );
  });

  for (const id of ['', 'BUSY-WAIT', 'busy-wait ', 'busy']) {
    it(`getScenario rejects ${JSON.stringify(id)}`, () => {
      throwsCoded(() => getScenario(id), 'LOOPLAB_ERR_UNKNOWN_SCENARIO', /^unknown scenario /);
    });
  }

  it('variantNames lists sync and async first, then any extra variant', () => {
    assert.deepEqual(variantNames(getScenario('busy-wait')), ['sync', 'async']);
    assert.deepEqual(variantNames(getScenario('cpu-bound')), ['sync', 'async', 'partitioned']);
  });

  it('getVariant returns the variant object', () => {
    const s = getScenario('cpu-bound');
    assert.equal(getVariant(s, 'sync'), s.variants.sync);
    assert.equal(getVariant(s, 'partitioned'), s.variants.partitioned);
  });

  it('getVariant names the scenario’s variants for an unknown variant', () => {
    throwsCoded(
      () => getVariant(getScenario('busy-wait'), 'worker'),
      'LOOPLAB_ERR_UNKNOWN_VARIANT',
      'scenario "busy-wait" has no variant "worker"; choose sync or async',
    );
    throwsCoded(
      () => getVariant(getScenario('cpu-bound'), 'Sync'),
      'LOOPLAB_ERR_UNKNOWN_VARIANT',
      'scenario "cpu-bound" has no variant "Sync"; choose sync, async or partitioned',
    );
  });

  for (const name of ['toString', 'constructor', 'hasOwnProperty']) {
    it(`getVariant rejects "${name}"`, () => {
      throwsCoded(
        () => getVariant(getScenario('busy-wait'), name),
        'LOOPLAB_ERR_UNKNOWN_VARIANT',
        `scenario "busy-wait" has no variant "${name}"; choose sync or async`,
      );
    });
  }
});

describe('registry invariants', () => {
  it('has unique ids, calibration scenarios included', () => {
    assert.equal(new Set(allScenarios.map((s) => s.id)).size, allScenarios.length);
    assert.equal(getScenario('noop'), allScenarios.at(-1));
  });

  for (const s of allScenarios) {
    describe(s.id, () => {
      it('has a kebab-case id', () => {
        assert.match(s.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      });

      it('has a non-empty title and a one-paragraph teaches text', () => {
        assert.ok(s.title.trim().length > 0, 'title is empty');
        assert.ok(s.teaches.trim().length > 0, 'teaches is empty');
        assert.doesNotMatch(s.teaches, /\n\s*\n/, 'teaches has more than one paragraph');
      });

      it('has sync and async variants, each with a summary and a handler', () => {
        for (const name of ['sync', 'async']) {
          assert.ok(Object.hasOwn(s.variants, name), `no ${name} variant`);
        }
        for (const [name, v] of Object.entries(s.variants)) {
          assert.equal(typeof v.handle, 'function', `${name}.handle`);
          assert.ok(v.summary.trim().length > 0, `${name}.summary is empty`);
        }
      });

      it('has param defaults that satisfy their own spec', () => {
        for (const [name, spec] of Object.entries(s.params)) {
          assert.ok(spec.description.trim().length > 0, `${name}: empty description`);
          if (spec.min !== undefined && spec.max !== undefined) {
            assert.ok(spec.min <= spec.max, `${name}: min > max`);
          }
          assert.equal(
            parseParamValue(s.id, name, spec, String(spec.default)),
            spec.default,
            `${name}: default does not round-trip`,
          );
        }
      });
    });
  }
});
