import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { resolveClinic } from '../../bench/profile/doctor.ts';
import {
  describeDoctorVerdict,
  eventLoopVerdict,
  flaggedChecks,
  parseDoctorAnalysis,
} from '../../bench/profile/doctor-analysis.ts';
import { throwsCoded } from './fixtures.ts';

// As Doctor 13 writes it into its HTML (taken from a real busy-wait sync run).
const PAGE =
  '<script>var data = {"traceEvent": [],"processStat": [],' +
  '"analysis": {"interval":[1795310624991,1795310629034],"issues":{"delay":"performance","cpu":"none",' +
  '"memory":{"external":"none","rss":"none","heapTotal":"none","heapUsed":"none"},"handles":"none",' +
  '"loopUtilization":"none"},"issueCategory":"event-loop"}\n}</script>';

describe('parseDoctorAnalysis', () => {
  it("reads Doctor's category and issues from its page", () => {
    const a = parseDoctorAnalysis(PAGE);
    assert.equal(a?.issueCategory, 'event-loop');
    assert.equal(a?.issues.delay, 'performance');
  });

  it('gives null for a page without an analysis, or with an unknown category', () => {
    assert.equal(parseDoctorAnalysis('<html></html>'), null);
    assert.equal(
      parseDoctorAnalysis('"analysis": {"interval":[0,1],"issues":{},"issueCategory":"weird"}'),
      null,
    );
  });
});

describe('describeDoctorVerdict', () => {
  it('names the category and the checks that fired, nested ones with their path', () => {
    assert.deepEqual(
      flaggedChecks({ delay: 'performance', memory: { rss: 'performance', heapUsed: 'none' } }),
      ['delay', 'memory.rss'],
    );
    const a = parseDoctorAnalysis(PAGE);
    assert.ok(a);
    assert.match(
      describeDoctorVerdict(a),
      /^Doctor detected an event-loop issue: .* \(checks that fired: delay\)$/,
    );
  });

  it('says nothing of the event loop when Doctor found no issue', () => {
    const text = describeDoctorVerdict({ issueCategory: 'none', issues: { delay: 'none' } });
    assert.equal(text, 'Doctor detected no issue');
  });
});

describe('resolveClinic', () => {
  it('finds the installed clinic', () => {
    assert.match(resolveClinic(), /clinic[\\/]bin\.js$/);
  });

  it('says how to install clinic where it cannot be found', () => {
    throwsCoded(
      () => resolveClinic(pathToFileURL(join(tmpdir(), 'nowhere', 'x.js')).href),
      'LOOPLAB_ERR_CLINIC_MISSING',
      'Clinic.js is not installed (it is optional); install it with: npm install --save-dev clinic',
    );
  });
});

describe('eventLoopVerdict', () => {
  it("reports Doctor's loop checks even when another category took precedence", () => {
    const a = {
      issueCategory: 'gc' as const,
      issues: { delay: 'performance', loopUtilization: 'none' },
    };
    assert.equal(
      eventLoopVerdict(a),
      "event loop: blocked; Doctor's delay check (median delay >= 10 ms or max >= 100 ms) fired",
    );
  });

  it('names both checks when both fired, and is null when neither did', () => {
    assert.match(
      eventLoopVerdict({
        issueCategory: 'event-loop',
        issues: { delay: 'performance', loopUtilization: 'performance' },
      }) ?? '',
      /delay check .* and utilisation check \(median >= 95%\) fired$/,
    );
    assert.equal(
      eventLoopVerdict({ issueCategory: 'io', issues: { delay: 'none', cpu: 'performance' } }),
      null,
    );
  });
});
