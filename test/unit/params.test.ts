import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { LooplabError } from '../../core/errors.ts';
import {
  defaultParams,
  parseParamOverride,
  parseParamValue,
  resolveParams,
} from '../../scenarios/params.ts';
import { getScenario, scenarios } from '../../scenarios/registry.ts';
import type { AnyScenario, ParamSpec } from '../../scenarios/types.ts';

const busyWait = getScenario('busy-wait');
const fsRead = getScenario('fs-read');
const cpuBound = getScenario('cpu-bound');

const MS: ParamSpec = { default: 20, unit: 'ms', min: 1, max: 10_000, description: 'ms' };
const SIZE: ParamSpec = {
  default: 1024,
  unit: 'bytes',
  integer: true,
  min: 1,
  max: 1024 ** 3,
  description: 'size',
};
const COUNT: ParamSpec = { default: 10, unit: 'count', integer: true, description: 'count' };

/** Asserts fn throws a LooplabError with code LOOPLAB_ERR_BAD_PARAM and this message. */
function throwsBadParam(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof LooplabError, `expected a LooplabError, got ${String(err)}`);
    assert.equal(err.code, 'LOOPLAB_ERR_BAD_PARAM');
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

describe('parseParamOverride', () => {
  it('parses a plain name=value without a scenario key', () => {
    assert.deepEqual(parseParamOverride('ms=50'), { name: 'ms', raw: '50' });
  });

  it('parses scenario.name=value with a kebab-case scenario id', () => {
    assert.deepEqual(parseParamOverride('busy-wait.ms=50'), {
      scenario: 'busy-wait',
      name: 'ms',
      raw: '50',
    });
    assert.deepEqual(parseParamOverride('crypto-pbkdf2.iterations=1_000'), {
      scenario: 'crypto-pbkdf2',
      name: 'iterations',
      raw: '1_000',
    });
  });

  it('trims surrounding whitespace and keeps the raw value as written', () => {
    assert.deepEqual(parseParamOverride('  size=1.5MiB  '), { name: 'size', raw: '1.5MiB' });
  });

  it('keeps everything after the first = as the raw value', () => {
    assert.deepEqual(parseParamOverride('ms=5=6'), { name: 'ms', raw: '5=6' });
  });

  it('rejects a text without = with a message showing the expected form', () => {
    throwsBadParam(
      () => parseParamOverride('ms'),
      'malformed --param "ms"; write name=value, e.g. --param ms=50 or --param busy-wait.ms=50',
    );
  });

  for (const text of [
    '',
    'ms=',
    '  ms=  ',
    '=50',
    '1ms=5',
    '.ms=5',
    'busy wait.ms=5',
    'Busy-Wait.ms=5',
    'a.b.c=1',
    'ms-x=5',
  ]) {
    it(`rejects malformed ${JSON.stringify(text)}`, () => {
      throwsBadParam(() => parseParamOverride(text), /^malformed --param /);
    });
  }
});

describe('parseParamValue', () => {
  it('parses plain numbers, decimals and underscores', () => {
    assert.equal(parseParamValue('busy-wait', 'ms', MS, '50'), 50);
    assert.equal(parseParamValue('busy-wait', 'ms', MS, '2.5'), 2.5);
    assert.equal(parseParamValue('busy-wait', 'ms', MS, '1_000'), 1000);
    assert.equal(parseParamValue('x', 'n', COUNT, '1_000_000'), 1_000_000);
  });

  it('parses KiB, MiB and GiB suffixes for bytes params, case-insensitively', () => {
    assert.equal(parseParamValue('fs-read', 'size', SIZE, '64KiB'), 65_536);
    assert.equal(parseParamValue('fs-read', 'size', SIZE, '1MiB'), 1_048_576);
    assert.equal(parseParamValue('fs-read', 'size', SIZE, '1.5MiB'), 1_572_864);
    assert.equal(parseParamValue('fs-read', 'size', SIZE, '2 kib'), 2048);
    assert.equal(parseParamValue('fs-read', 'size', SIZE, '512b'), 512);
    assert.equal(parseParamValue('fs-read', 'size', SIZE, '1GiB'), 1024 ** 3);
    assert.equal(parseParamValue('fs-read', 'size', SIZE, '4096'), 4096);
  });

  it('does not accept byte suffixes on params that are not bytes', () => {
    throwsBadParam(
      () => parseParamValue('cpu-bound', 'n', COUNT, '64KiB'),
      '--param n=64KiB (cpu-bound): not a number (count)',
    );
  });

  it('rejects text that is not a number, naming the unit', () => {
    throwsBadParam(
      () => parseParamValue('busy-wait', 'ms', MS, 'abc'),
      '--param ms=abc (busy-wait): not a number (ms)',
    );
    throwsBadParam(
      () => parseParamValue('fs-read', 'size', SIZE, 'big'),
      '--param size=big (fs-read): not a number (bytes; KiB, MiB and GiB suffixes work)',
    );
  });

  for (const raw of ['NaN', 'Infinity', '-Infinity', '', '   ', '5ms', '1,000']) {
    it(`rejects ${JSON.stringify(raw)} as not a number`, () => {
      throwsBadParam(() => parseParamValue('x', 'n', COUNT, raw), /: not a number \(count\)$/);
    });
  }

  it('rejects a lone underscore as not a number', () => {
    throwsBadParam(() => parseParamValue('x', 'n', COUNT, '_'), /: not a number \(count\)$/);
  });

  it('rejects a fraction for an integer param', () => {
    throwsBadParam(
      () => parseParamValue('cpu-bound', 'n', COUNT, '2.5'),
      '--param n=2.5 (cpu-bound): must be a whole number (count)',
    );
    throwsBadParam(
      () => parseParamValue('fs-read', 'size', SIZE, '1.0001KiB'),
      '--param size=1.0001KiB (fs-read): must be a whole number (bytes; KiB, MiB and GiB suffixes work)',
    );
  });

  it('accepts a fractional suffix value that comes out whole', () => {
    assert.equal(parseParamValue('fs-read', 'size', SIZE, '0.5KiB'), 512);
  });

  it('accepts the bounds themselves and rejects values outside them', () => {
    assert.equal(parseParamValue('busy-wait', 'ms', MS, '1'), 1);
    assert.equal(parseParamValue('busy-wait', 'ms', MS, '10000'), 10_000);
    throwsBadParam(
      () => parseParamValue('busy-wait', 'ms', MS, '0'),
      '--param ms=0 (busy-wait): must be between 1 and 10000 (ms)',
    );
    throwsBadParam(
      () => parseParamValue('busy-wait', 'ms', MS, '10001'),
      '--param ms=10001 (busy-wait): must be between 1 and 10000 (ms)',
    );
    throwsBadParam(
      () => parseParamValue('fs-read', 'size', SIZE, '2GiB'),
      '--param size=2GiB (fs-read): must be between 1 and 1073741824 (bytes; KiB, MiB and GiB suffixes work)',
    );
  });

  it('writes a missing bound as an infinity', () => {
    throwsBadParam(
      () => parseParamValue('cpu-bound', 'n', { ...COUNT, min: 2 }, '1'),
      '--param n=1 (cpu-bound): must be between 2 and ∞ (count)',
    );
    throwsBadParam(
      () => parseParamValue('x', 'n', { ...COUNT, max: 5 }, '6'),
      '--param n=6 (x): must be between -∞ and 5 (count)',
    );
  });

  it('has no bounds when the spec sets none', () => {
    assert.equal(parseParamValue('x', 'n', COUNT, '-5'), -5);
    assert.equal(parseParamValue('x', 'n', COUNT, '0'), 0);
  });
});

describe('defaultParams', () => {
  it('maps every param of a scenario to its default', () => {
    assert.deepEqual(defaultParams(busyWait), { ms: 20 });
    assert.deepEqual(defaultParams(cpuBound), {
      n: 150_000,
      chunk: 10_000,
      threads: availableParallelism(),
    });
  });
});

describe('resolveParams', () => {
  // A second scenario with a param of the same name, but a tighter bound.
  const slowWait: AnyScenario = {
    ...busyWait,
    id: 'slow-wait',
    params: { ms: { ...MS, default: 50, max: 100 } },
  };

  it('gives every selected scenario its defaults when there are no overrides', () => {
    assert.deepEqual(resolveParams(scenarios, []), {
      'busy-wait': { ms: 20 },
      'fs-read': { size: 1_048_576 },
      'crypto-pbkdf2': { iterations: 20_000 },
      'cpu-bound': { n: 150_000, chunk: 10_000, threads: availableParallelism() },
      'json-parse': { size: 524_288, threads: availableParallelism() },
      redos: { evil: 20 },
      zlib: { size: 1_048_576 },
      'tick-starvation': { links: 1000, bytes: 16_384 },
      streams: { size: 16_777_216 },
      'sync-logging': { line: 256, durable: 1 },
      'websocket-broadcast': {
        clients: 20,
        rate: 20,
        late: 50,
        every: 200,
        rounds: 2000,
        threads: availableParallelism(),
      },
      'upstream-calls': { latency: 20 },
    });
  });

  it('bounds the WebSocket room: too many clients or too fast a rate is one coded line', () => {
    throwsBadParam(
      () => resolveParams(scenarios, [parseParamOverride('clients=500')]),
      '--param clients=500 (websocket-broadcast): must be between 1 and 100 (count)',
    );
    throwsBadParam(
      () => resolveParams(scenarios, [parseParamOverride('rate=0')]),
      '--param rate=0 (websocket-broadcast): must be between 0.1 and 100 (per-second)',
    );
  });

  it('returns an empty object for an empty selection', () => {
    assert.deepEqual(resolveParams([], []), {});
  });

  it('applies an override only to scenarios that have that param', () => {
    const result = resolveParams(scenarios, [parseParamOverride('size=64KiB')]);
    assert.deepEqual(result['fs-read'], { size: 65_536 });
    assert.deepEqual(result['busy-wait'], { ms: 20 });
    assert.deepEqual(result['crypto-pbkdf2'], { iterations: 20_000 });
  });

  it('applies an unqualified override to every selected scenario with the param', () => {
    const result = resolveParams([busyWait, fsRead, slowWait], [parseParamOverride('ms=75')]);
    assert.deepEqual(result, {
      'busy-wait': { ms: 75 },
      'fs-read': { size: 1_048_576 },
      'slow-wait': { ms: 75 },
    });
  });

  it('applies a scenario-qualified override to that scenario only', () => {
    const result = resolveParams([busyWait, slowWait], [parseParamOverride('busy-wait.ms=500')]);
    assert.deepEqual(result, { 'busy-wait': { ms: 500 }, 'slow-wait': { ms: 50 } });
  });

  it('validates an unqualified override against each scenario’s own spec', () => {
    throwsBadParam(
      () => resolveParams([busyWait, slowWait], [parseParamOverride('ms=500')]),
      '--param ms=500 (slow-wait): must be between 1 and 100 (ms)',
    );
  });

  it('lets a later override win', () => {
    const result = resolveParams([busyWait], ['ms=30', 'busy-wait.ms=40'].map(parseParamOverride));
    assert.deepEqual(result, { 'busy-wait': { ms: 40 } });
  });

  it('does not change the scenario’s declared defaults', () => {
    resolveParams([busyWait], [parseParamOverride('ms=99')]);
    assert.equal(busyWait.params.ms?.default, 20);
    assert.deepEqual(resolveParams([busyWait], []), { 'busy-wait': { ms: 20 } });
  });

  it('names every known scenario.param when no selected scenario has the param', () => {
    throwsBadParam(
      () => resolveParams(scenarios, [parseParamOverride('nope=1')]),
      'no selected scenario has a parameter "nope"; known: busy-wait.ms, fs-read.size, ' +
        'crypto-pbkdf2.iterations, cpu-bound.n, cpu-bound.chunk, cpu-bound.threads, ' +
        'json-parse.size, json-parse.threads, redos.evil, zlib.size, tick-starvation.links, ' +
        'tick-starvation.bytes, streams.size, sync-logging.line, sync-logging.durable, ' +
        'websocket-broadcast.clients, websocket-broadcast.rate, websocket-broadcast.late, ' +
        'websocket-broadcast.every, websocket-broadcast.rounds, websocket-broadcast.threads or ' +
        'upstream-calls.latency',
    );
  });

  it('rejects a qualified override for a scenario that is not selected', () => {
    throwsBadParam(
      () => resolveParams([busyWait], [parseParamOverride('fs-read.size=1KiB')]),
      'no selected scenario has a parameter "fs-read.size"; known: busy-wait.ms',
    );
  });

  it('rejects a qualified override naming another scenario’s param', () => {
    throwsBadParam(
      () => resolveParams([busyWait, fsRead], [parseParamOverride('busy-wait.size=1')]),
      'no selected scenario has a parameter "busy-wait.size"; known: busy-wait.ms or fs-read.size',
    );
  });

  it('says "none" when nothing is selected', () => {
    throwsBadParam(
      () => resolveParams([], [parseParamOverride('ms=1')]),
      'no selected scenario has a parameter "ms"; known: none',
    );
  });

  for (const name of ['toString', 'constructor', 'valueOf', 'hasOwnProperty']) {
    it(`rejects "${name}", which is no scenario's param`, () => {
      throwsBadParam(
        () => resolveParams(scenarios, [parseParamOverride(`${name}=5`)]),
        new RegExp(`^no selected scenario has a parameter "${name}"`),
      );
    });
  }
});
