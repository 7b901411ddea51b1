import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_OPTIONS, QUICK_OPTIONS } from '../../bench/run/options.ts';
import { benchOptions, optionsFromFlags } from '../../scripts/options/bench.ts';
import { outputFlags, resolveOutputs, resumeCommand } from '../../scripts/options/outputs.ts';

describe('resolveOutputs', () => {
  it('maps --json/--md to files, and alone (or "-") to stdout', () => {
    assert.deepEqual(resolveOutputs(undefined, undefined), []);
    assert.deepEqual(resolveOutputs('out.json', 'out.md'), [
      { format: 'json', path: 'out.json' },
      { format: 'markdown', path: 'out.md' },
    ]);
    assert.deepEqual(resolveOutputs('', undefined), [{ format: 'json', path: undefined }]);
    assert.deepEqual(resolveOutputs('out.json', '-'), [
      { format: 'json', path: 'out.json' },
      { format: 'markdown', path: undefined },
    ]);
  });

  it('refuses two formats on stdout', () => {
    assert.throws(() => resolveOutputs('', ''), { code: 'LOOPLAB_ERR_BAD_OPTION' });
  });
});

describe('resumeCommand: what a stopped bench says finishes its journal', () => {
  it('writes the same files: the output flags given, stdout left out, odd paths quoted', () => {
    const outputs = resolveOutputs("it's out.json", '-');
    assert.deepEqual(outputFlags(outputs, 'r/out.html'), [
      `--json 'it'\\''s out.json'`,
      '--html r/out.html',
    ]);
    // A path that starts with - would be read as a flag.
    assert.deepEqual(outputFlags([], '-r.html'), ['--html ./-r.html']);
    assert.equal(
      resumeCommand(
        'r/out.json.journal.ndjson',
        outputFlags(resolveOutputs('r/a.json', 'r/a.md'), undefined),
      ),
      'looplab bench --resume r/out.json.journal.ndjson --json r/a.json --md r/a.md',
    );
  });
});

describe('benchOptions', () => {
  it('uses the defaults when nothing is given', () => {
    assert.deepEqual(benchOptions({}), DEFAULT_OPTIONS);
  });

  it('applies --quick, and an explicit flag wins over it', () => {
    assert.deepEqual(benchOptions({ quick: true }), { ...DEFAULT_OPTIONS, ...QUICK_OPTIONS });
    assert.equal(benchOptions({ quick: true, runs: 4 }).runs, 4);
  });

  it('maps every flag to its option', () => {
    assert.deepEqual(
      benchOptions({
        duration: 5,
        warmup: 0,
        connections: 20,
        runs: 2,
        pingRate: 10,
        timeout: 3,
        timelineInterval: 50,
      }),
      {
        durationSec: 5,
        warmupSec: 0,
        connections: 20,
        runs: 2,
        pingRateHz: 10,
        timeoutSec: 3,
        timelineIntervalMs: 50,
        stallThresholdMs: null,
      },
    );
  });

  it('leaves stall capture off unless asked: --stalls, or a threshold, which implies it', () => {
    assert.equal(benchOptions({}).stallThresholdMs, null);
    assert.equal(benchOptions({ stalls: true }).stallThresholdMs, 50);
    assert.equal(benchOptions({ stallThreshold: 80 }).stallThresholdMs, 80);
    assert.equal(benchOptions({ stalls: true, stallThreshold: 80 }).stallThresholdMs, 80);
    assert.equal(benchOptions({ stalls: false, stallThreshold: 80 }).stallThresholdMs, null);
  });

  it("keeps a lesson's stall capture on unless --no-stalls, at the lesson's threshold", () => {
    const lesson = { stallThresholdMs: 70 };
    assert.equal(optionsFromFlags({}, lesson).stallThresholdMs, 70);
    assert.equal(optionsFromFlags({ stalls: true }, lesson).stallThresholdMs, 70);
    assert.equal(optionsFromFlags({ stalls: false }, lesson).stallThresholdMs, null);
  });

  it('checks the stall threshold', () => {
    assert.throws(() => benchOptions({ stallThreshold: 5 }), {
      message: '--stall-threshold must be a number from 20 to 60000, got 5',
    });
  });

  it('validates what it maps', () => {
    assert.throws(() => benchOptions({ duration: 0 }), { code: 'LOOPLAB_ERR_BAD_OPTION' });
  });
});
