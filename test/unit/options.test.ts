import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BenchOptions } from '../../bench/report/types.ts';
import { DEFAULT_OPTIONS, QUICK_OPTIONS, validateOptions } from '../../bench/run/options.ts';
import { LooplabError } from '../../core/errors.ts';

const withOption = (key: keyof BenchOptions, value: unknown): BenchOptions =>
  ({ ...DEFAULT_OPTIONS, [key]: value }) as BenchOptions;

function throwsBadOption(options: BenchOptions, message: string): void {
  assert.throws(
    () => validateOptions(options),
    (err: unknown) => {
      assert.ok(err instanceof LooplabError, `expected a LooplabError, got ${String(err)}`);
      assert.equal(err.code, 'LOOPLAB_ERR_BAD_OPTION');
      assert.equal(err.message, message);
      return true;
    },
  );
}

// [option, flag, kind, min, max]
const BOUNDS: [keyof BenchOptions, string, string, number, number][] = [
  ['durationSec', '--duration', 'a number', 0.1, 3600],
  ['warmupSec', '--warmup', 'a number', 0, 600],
  ['connections', '--connections', 'a whole number', 1, 10_000],
  ['runs', '--runs', 'a whole number', 1, 1000],
  ['pingRateHz', '--ping-rate', 'a number', 0.1, 1000],
  ['timeoutSec', '--timeout', 'a number', 1, 600],
  ['timelineIntervalMs', '--timeline-interval', 'a whole number', 10, 60_000],
  ['stallThresholdMs', '--stall-threshold', 'a number', 20, 60_000],
];

describe('validateOptions', () => {
  it('accepts the defaults and returns the same object', () => {
    assert.equal(validateOptions(DEFAULT_OPTIONS), DEFAULT_OPTIONS);
  });

  it('accepts stall capture off (null, or absent as in older callers)', () => {
    assert.equal(validateOptions(withOption('stallThresholdMs', null)).stallThresholdMs, null);
    assert.equal(
      validateOptions(withOption('stallThresholdMs', undefined)).stallThresholdMs,
      undefined,
    );
  });

  it('accepts the --quick options', () => {
    const quick = { ...DEFAULT_OPTIONS, ...QUICK_OPTIONS };
    assert.equal(validateOptions(quick), quick);
  });

  it('checks every option', () => {
    assert.deepEqual(BOUNDS.map(([key]) => key).sort(), Object.keys(DEFAULT_OPTIONS).sort());
  });

  for (const [key, flag, kind, min, max] of BOUNDS) {
    describe(key, () => {
      it(`accepts ${min} and ${max}`, () => {
        assert.equal(validateOptions(withOption(key, min))[key], min);
        assert.equal(validateOptions(withOption(key, max))[key], max);
      });

      const below = min === 0 ? -1 : min / 2;
      it(`rejects ${below}, naming ${flag} and its range`, () => {
        throwsBadOption(
          withOption(key, below),
          `${flag} must be ${kind} from ${min} to ${max}, got ${below}`,
        );
      });

      it(`rejects ${max + 1}`, () => {
        throwsBadOption(
          withOption(key, max + 1),
          `${flag} must be ${kind} from ${min} to ${max}, got ${max + 1}`,
        );
      });

      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        it(`rejects ${bad}`, () => {
          throwsBadOption(
            withOption(key, bad),
            `${flag} must be ${kind} from ${min} to ${max}, got ${bad}`,
          );
        });
      }

      it('rejects a value that is not of type number', () => {
        throwsBadOption(
          withOption(key, String(max)),
          `${flag} must be ${kind} from ${min} to ${max}, got ${max}`,
        );
      });

      if (kind === 'a whole number') {
        it('rejects a fraction', () => {
          const v = min + 0.5;
          throwsBadOption(
            withOption(key, v),
            `${flag} must be ${kind} from ${min} to ${max}, got ${v}`,
          );
        });
      } else {
        it('accepts a fraction', () => {
          const v = min + 0.5;
          assert.equal(validateOptions(withOption(key, v))[key], v);
        });
      }
    });
  }
});

describe('validateOptions: --workers', () => {
  const split = (connections: number, workers: number) =>
    ({ ...DEFAULT_OPTIONS, connections, workers }) as BenchOptions;

  it('accepts a split that gives every worker the same connections', () => {
    assert.equal(validateOptions(split(10, 2)).workers, 2);
    assert.equal(validateOptions(split(10, 10)).workers, 10);
    assert.equal(validateOptions(split(1, 1)).workers, 1);
  });

  it('refuses a split that would change the connections, saying what would run', () => {
    // autocannon gives each worker floor(10 / 3) = 3: 9 connections, not 10.
    throwsBadOption(
      split(10, 3),
      '--workers 3 must divide --connections 10: each worker runs the same number of connections (3 here, 9 in all); use --connections 9 or 12',
    );
    // More workers than connections: each still runs one, 2 in all.
    throwsBadOption(
      split(1, 2),
      '--workers 2 must divide --connections 1: each worker runs the same number of connections (1 here, 2 in all); use --connections 2',
    );
  });
});
