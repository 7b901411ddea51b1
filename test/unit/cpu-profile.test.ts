import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CpuProfile,
  formatSelfTimes,
  profileFileName,
  topSelfTime,
} from '../../bench/profile/cpu-profile.ts';

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
});

// A small profile shaped as Node writes one: spin appears under two call paths (ids 3 and 5).
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('handle', 'file:///app/dist/scenarios/busy-wait.js', 29) },
    { id: 3, callFrame: frame('spin', 'file:///app/dist/scenarios/busy-wait.js', 16) },
    { id: 4, callFrame: frame('(idle)') },
    { id: 5, callFrame: frame('spin', 'file:///app/dist/scenarios/busy-wait.js', 16) },
    { id: 6, callFrame: frame('(garbage collector)') },
    { id: 7, callFrame: frame('', 'node:internal/timers', 3) },
  ],
  samples: [3, 3, 5, 2, 4, 4, 6, 7, 3],
  timeDeltas: [1000, 1000, 1000, 500, 2000, 2000, 250, 250, 1000],
  startTime: 0,
  endTime: 9000,
};

describe('topSelfTime', () => {
  it('sums self time per function over its call paths, largest first, idle left out', () => {
    assert.deepEqual(topSelfTime(PROFILE), [
      { name: 'spin (busy-wait.js:17)', selfMs: 4, share: 0.444 },
      { name: 'handle (busy-wait.js:30)', selfMs: 0.5, share: 0.056 },
      { name: '(garbage collector)', selfMs: 0.25, share: 0.028 },
      { name: '(anonymous) (timers:4)', selfMs: 0.25, share: 0.028 },
    ]);
  });

  it('keeps only the first `limit` functions', () => {
    assert.deepEqual(
      topSelfTime(PROFILE, 1).map((r) => r.name),
      ['spin (busy-wait.js:17)'],
    );
  });

  it('gives nothing for a profile without samples, and refuses something else', () => {
    assert.deepEqual(topSelfTime({ ...PROFILE, samples: [], timeDeltas: [] }), []);
    assert.throws(() => topSelfTime({} as CpuProfile), /not a V8 CPU profile/);
  });
});

describe('profile files and lines', () => {
  it('names each run file by scenario, variant and run', () => {
    assert.equal(profileFileName('busy-wait', 'sync', 2), 'busy-wait-sync-run2.cpuprofile');
  });

  it('formats share and milliseconds in columns', () => {
    assert.equal(
      formatSelfTimes([{ name: 'spin (busy-wait.js:17)', selfMs: 1834.2, share: 0.912 }]),
      '   91.2%   1834 ms  spin (busy-wait.js:17)',
    );
  });
});
