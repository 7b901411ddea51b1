/**
 * The live page's Now table figures: the loop's utilisation to two decimals, so that its digits
 * line up across variants (1.00 beside 0.14, not 1 beside 0.136); the rest as before.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { figure, nowFigure } from '../../bench/live/page/draw.ts';

describe("the Now table's figures", () => {
  it('gives ELU two decimals, whatever its value', () => {
    assert.deepEqual(
      [1, 0.136, 0, 0.5, 0.995].map((x) => nowFigure('elu', x)),
      ['1.00', '0.14', '0.00', '0.50', '0.99'],
    );
    assert.equal(nowFigure('elu', null), '–');
  });

  it('gives every other figure 3 significant digits, as before', () => {
    assert.deepEqual(
      [
        nowFigure('lagP99Ms', 222.4),
        nowFigure('cpuCores', 0.605),
        nowFigure('requestsPerSec', 1234.5),
      ],
      ['222', '0.605', '1,235'],
    );
    assert.equal(nowFigure('rssBytes', 73.51), figure(73.51));
  });
});
