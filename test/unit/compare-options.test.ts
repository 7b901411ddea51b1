import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_COMPARE_METRICS } from '../../bench/compare/defaults.ts';
import {
  compareOptionsFromFlags,
  parseAlpha,
  parseMetrics,
  parseThresholds,
} from '../../bench/compare/options.ts';
import { METRIC_NAMES } from '../../bench/report/metrics.ts';
import { throwsCoded } from './fixtures.ts';

const BAD = 'LOOPLAB_ERR_BAD_OPTION';

describe('parseThresholds', () => {
  it('reads a default and per-metric percentages', () => {
    assert.deepEqual(parseThresholds(['5%', 'lagP99Ms=25%', 'elu=2.5%']), {
      threshold: 0.05,
      thresholds: { lagP99Ms: 0.25, elu: 0.025 },
    });
    assert.deepEqual(parseThresholds([]), {});
  });

  it('requires the % sign, since 0.1 could mean 10% or 0.1%', () => {
    throwsCoded(
      () => parseThresholds(['0.1']),
      BAD,
      "--threshold takes a percentage like 10% or lagP99Ms=25%, got '0.1'",
    );
    throwsCoded(() => parseThresholds(['elu=-5%']), BAD, /--threshold elu= takes a percentage/);
  });

  it('names the metrics when one is unknown', () => {
    throwsCoded(
      () => parseThresholds(['lag=25%']),
      BAD,
      /unknown metric 'lag'; metrics: requestsPerSec, /,
    );
  });
});

describe('parseMetrics', () => {
  it('defaults to the key metrics, takes lists, repeats and all', () => {
    assert.deepEqual(parseMetrics([]), DEFAULT_COMPARE_METRICS);
    assert.deepEqual(parseMetrics(['requestsPerSec, lagP99Ms', 'elu', 'elu']), [
      'requestsPerSec',
      'lagP99Ms',
      'elu',
    ]);
    assert.deepEqual(parseMetrics(['all']), METRIC_NAMES);
  });

  it('refuses an unknown metric', () => {
    throwsCoded(() => parseMetrics(['rps']), BAD, /unknown metric 'rps'; use all or some of/);
  });
});

describe('parseAlpha', () => {
  it('takes (0, 1) only', () => {
    assert.equal(parseAlpha(0.01), 0.01);
    assert.equal(parseAlpha(undefined), undefined);
    for (const bad of [0, 1, -0.1, Number.NaN]) throwsCoded(() => parseAlpha(bad), BAD, /--alpha/);
  });
});

describe('compareOptionsFromFlags', () => {
  it('combines the three flags', () => {
    assert.deepEqual(
      compareOptionsFromFlags({ alpha: 0.01, threshold: ['20%'], metrics: ['elu'] }),
      { alpha: 0.01, threshold: 0.2, metrics: ['elu'] },
    );
  });
});
