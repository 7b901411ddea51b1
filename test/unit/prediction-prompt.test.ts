/** The lesson's question, on streams: what it takes, what it says to anything else. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { askPrediction } from '../../scripts/shared/prediction-prompt.ts';

const prediction = { choices: [{ text: 'a' }, { text: 'b' }, { text: 'c' }] };

/** Types `typed` ahead, then asks; the answer and everything it wrote. */
async function answer(typed: string, end = true) {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.on('data', (c: Buffer) => {
    written += c.toString();
  });
  input.write(typed);
  if (end) input.end();
  const chosen = await askPrediction(prediction, input, output);
  return { chosen, written };
}

describe('askPrediction', () => {
  it('takes a choice by its number, as a 0-based index', async () => {
    assert.equal((await answer('2\n')).chosen, 1);
    assert.equal((await answer('  3 \n')).chosen, 2);
  });

  it('says what it takes after an answer that is not a choice, and asks again', async () => {
    const { chosen, written } = await answer('7\nx\n\n1.5\n1\n', false);
    assert.equal(chosen, 0);
    assert.equal(written.match(/Your prediction \(1-3\): /g)?.length, 5);
    assert.deepEqual(
      [...written.matchAll(/"(.*)" is not one of the choices: type a number from 1 to 3\./g)].map(
        (m) => m[1],
      ),
      ['7', 'x', '1.5'],
      'an empty line only asks again',
    );
  });

  it('gives null when the input ends before an answer, and asks no more once it has', async () => {
    const { chosen, written } = await answer('0\n');
    assert.equal(chosen, null);
    assert.match(written, /"0" is not one of the choices/);
  });
});
