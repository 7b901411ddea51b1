/**
 * Lesson 6, evil-regex: one crafted request can stop the whole server.
 *
 * A regular expression runs on the loop's thread like any other JavaScript, and a backtracking
 * engine can take exponential time on an input that almost matches: `/(\/.+)+$/` on `/a/a/…/a`
 * and a newline tries every way of splitting the slashes between the groups before it fails.
 * One such request in four is enough to hold every other request, and `/ping`, for as long as
 * it takes. `/\/.+$/` matches the same strings and cannot blow up.
 */
import type { MetricName } from '../../bench/report/metrics.ts';
import { unseenRequests } from '../../scenarios/catalog/lib/redos-inputs.ts';
import redos from '../../scenarios/catalog/redos.ts';
import { defineLesson, responsiveCriteria } from '../engine/types.ts';

const main = 'main';
const op = (variant: string, metric: MetricName) => ({ measurement: main, variant, metric });

export default defineLesson({
  id: 'evil-regex',
  title: 'Regular expressions: one request can stop the server',
  scenario: redos,
  bench: { durationSec: 2, warmupSec: 0.5, runs: 2 },
  measurements: [
    {
      key: main,
      label: 'one evil path in four (20 × /a)',
      params: { evil: 20 },
      variants: ['sync', 'async'],
    },
  ],
  prediction: {
    question:
      'Three requests in four carry an ordinary path; the fourth carries 41 characters built to ' +
      "backtrack. What share of the rewrite's requests per second will the nested regex serve?",
    quantity: {
      of: op('sync', 'requestsPerSec'),
      per: op('async', 'requestsPerSec'),
      unit: '× rewrite',
    },
    choices: [
      { text: 'under a tenth', max: 0.1 },
      { text: 'a tenth to a half', min: 0.1, max: 0.5 },
      { text: 'most of them (over half): a regex is cheap', min: 0.5 },
    ],
  },
  claims: [
    {
      text: 'the rewrite serves more than 10× the requests of the nested regex',
      left: op('async', 'requestsPerSec'),
      op: '>',
      right: op('sync', 'requestsPerSec'),
      factor: 10,
      whenItFails:
        'Each evil path costs the nested regex twice as much per /a. On a fast machine 20 of ' +
        'them may take only a few milliseconds; try --param evil=22.',
    },
    {
      text: "while the evil paths arrive, the rewrite's loop lag p99 stays under 10 ms",
      left: op('async', 'lagP99Ms'),
      op: '<',
      right: 10,
      factor: 1,
      whenItFails:
        'The rewrite gives up on an evil path after a few hundred steps. Lag above 10 ms means ' +
        'the loop waited for something else: a core, on a machine where every core was busy.',
    },
    {
      text: "the rewrite's loop lag p99 is under a quarter of the nested regex's",
      left: op('async', 'lagP99Ms'),
      op: '<',
      right: op('sync', 'lagP99Ms'),
      factor: 0.25,
      whenItFails:
        "If the nested regex's lag was low too, the evil paths did not take long on this " +
        'machine: each /a doubles their cost, so try --param evil=22.',
    },
    {
      text: "the bystander's /ping p99 with the rewrite is under a quarter of the nested regex's",
      left: op('async', 'pingP99Ms'),
      op: '<',
      right: op('sync', 'pingP99Ms'),
      factor: 0.25,
      whenItFails:
        '/ping waits behind every evil path the loop is working through. If it was fast with ' +
        'both, the evil paths were cheap here (try --param evil=22), or both waited for cores.',
    },
  ],
  exercise: {
    task:
      'The handler tests the path in the query with /(\\/.+)+$/, which backtracks exponentially ' +
      'on a path like /a/a/…/a followed by a newline. Rewrite the regular expression so that it ' +
      'matches exactly the same strings without nested quantifiers, and answer as before.',
    hint:
      '`.+` already matches slashes, so the group and its `+` add nothing to what can match, only ' +
      'ways to match it. A lazy `.+?` tries the same ways in another order, and a length cap does ' +
      'not help either: 41 characters are enough.',
  },
  verify: {
    params: { evil: 20 },
    reference: 'sync',
    // The rewrite makes the work cheap, so no cost floor applies. What a cache of verdicts or a
    // special case for the load's evil path cannot do is answer a path it has never seen.
    work: {
      kind: 'unseen',
      task: 'tests the path it is sent',
      requests: ({ evil = 20 }, seed) => unseenRequests(evil, seed),
      factor: 0.25,
    },
    criteria: responsiveCriteria('sync', {
      lag: 'The regular expression still backtracks on the evil path: look for a quantifier inside a quantified group.',
      ping: '/ping waits while an evil path is tested: remove the nested quantifier.',
    }),
  },
});
