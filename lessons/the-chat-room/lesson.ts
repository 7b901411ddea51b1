/**
 * Lesson 11, the-chat-room: one slow message holds up every client's.
 *
 * A WebSocket server relays every client through its one event loop. A message handler that does
 * its work on the loop holds it for as long as the work takes: no other socket is read, no other
 * broadcast goes out, and the health check waits too. One slow message in two hundred is enough to
 * make the room's tail latency the slow message's. Moving the work to a worker thread does not
 * make the slow message faster; it lets everyone else's through while it is processed.
 */
import websocketBroadcast from '../../scenarios/catalog/websocket-broadcast.ts';
import { bystanderCriterion, type Check, defineLesson } from '../engine/types.ts';

const main = 'main';
const op = (variant: string, metric: Check['left']['metric']) =>
  ({ measurement: main, variant, metric }) as const;

export default defineLesson({
  id: 'the-chat-room',
  title: 'Real time: one slow message handler holds up the whole room',
  scenario: websocketBroadcast,
  bench: { durationSec: 2, warmupSec: 0.5, runs: 2 },
  measurements: [
    {
      key: main,
      label: '20 clients, 1 paste in 200 messages',
      params: {},
      variants: ['sync', 'async'],
    },
  ],
  prediction: {
    question:
      'Twenty clients chat; one message in 200 is a long paste whose moderation takes tens of ' +
      'milliseconds. With sync, how does the delivery p99 (the time by which 99% of all messages ' +
      "reached every client) compare with async's?",
    quantity: {
      of: op('sync', 'deliveryP99Ms'),
      per: op('async', 'deliveryP99Ms'),
      unit: '× async',
    },
    choices: [
      {
        text: 'about the same (under 2×): 99% of messages are quick chat lines either way',
        max: 2,
      },
      { text: 'somewhat worse (2× to 5×)', min: 2, max: 5 },
      { text: 'much worse (5× or more)', min: 5 },
    ],
  },
  claims: [
    {
      text: "async's delivery p99 is under a quarter of sync's",
      left: op('async', 'deliveryP99Ms'),
      op: '<',
      right: op('sync', 'deliveryP99Ms'),
      factor: 0.25,
      whenItFails:
        'The worker needs a core of its own. On a machine whose cores are all busy (the load ' +
        'driver, the server and the worker share two here), the loop waits for the scheduler ' +
        'while the paste is moderated, and its lines arrive late anyway.',
    },
    {
      text: "sync makes many more deliveries late: async's late count is under half of sync's",
      left: op('async', 'messagesLate'),
      op: '<',
      right: op('sync', 'messagesLate'),
      factor: 0.5,
      whenItFails:
        'When the paste takes little more than the late threshold, few of the lines queued ' +
        'behind it pass the threshold; a faster machine makes the paste shorter.',
    },
    {
      text: 'the paste itself is slow either way: async’s delivery max is at least half of sync’s',
      left: op('async', 'deliveryMaxMs'),
      op: '>',
      right: op('sync', 'deliveryMaxMs'),
      factor: 0.5,
      whenItFails:
        'With spare cores a worker may moderate the paste faster than a loop that also relays ' +
        'everyone’s lines; the slowest delivery then shrinks too.',
    },
    {
      text: "the median message is as quick either way: sync's delivery p50 is under twice async's",
      left: op('sync', 'deliveryP50Ms'),
      op: '<',
      right: op('async', 'deliveryP50Ms'),
      factor: 2,
      whenItFails:
        'If the pastes held the loop for more than half of the time, most lines would queue ' +
        'behind one; then even the median suffers.',
    },
    {
      text: "sync's loop lag p99 is over four times async's",
      left: op('async', 'lagP99Ms'),
      op: '<',
      right: op('sync', 'lagP99Ms'),
      factor: 0.25,
      whenItFails:
        'The loop lag p99, corrected for the samples a stall held back, sees stalls only when ' +
        'they hold the loop more than 1% of the time. With a rarer paste, or a quicker one, ' +
        'sync’s stalls fall under the 99th percentile; its lag max still shows them.',
    },
    {
      text: "the health check suffers with sync: /ping p99 with async is under a quarter of sync's",
      left: op('async', 'pingP99Ms'),
      op: '<',
      right: op('sync', 'pingP99Ms'),
      factor: 0.25,
      whenItFails:
        '/ping needs the loop and a core. When the worker and the driver hold both cores, /ping ' +
        'waits for the scheduler even though the loop is free.',
    },
    {
      text: 'the work did not go away: the server spent at least as much CPU with async (all threads)',
      left: op('async', 'cpuUserMs'),
      op: '>',
      right: op('sync', 'cpuUserMs'),
      factor: 0.9,
      whenItFails:
        'Both moderate the same messages; async adds a copy to and from the worker. CPU time ' +
        'is measured over the window, so a paste that straddles its end can tip a short run.',
    },
  ],
  exercise: {
    task:
      'The handler moderates each message on the event loop. Moderate it on a worker thread ' +
      '(ctx.moderationWorker is a worker script that does it) and broadcast exactly as before.',
    hint:
      'Start one Worker from ctx.moderationWorker (new URL(...)) at the first message, post it ' +
      '{ id, message, rounds } and resolve the promise of that id when { id, result } comes ' +
      'back. An async function that calls ctx.moderate still moderates on the loop.',
  },
  verify: {
    // Five clients and a paste in every 50 messages: the moderation, not the relaying of each
    // message to the room, is most of the loop's CPU time, so moving it shows.
    params: { clients: 5, rate: 40, every: 50 },
    reference: 'sync',
    // A repeat of the paste, not the CPU per message: the relaying, the probe and /ping cost a
    // message as much as its moderation at this load, and on a busy machine a cache that skipped
    // the moderation used 0.55 of sync's CPU per message, past a bar of half. A paste asked again
    // takes its moderation's time (tens of ms) unless it is remembered (a ms or two).
    work: { kind: 'repeat', task: 'pays for its moderation', factor: 0.5 },
    // The loop thread's share of the server's own CPU, not a ratio to sync's loop CPU: on a busy
    // machine the worker solution's loop CPU per message rose to 0.64 of sync's, past a bar of
    // half, while its share stayed where it was. Measured here: the solution 0.35-0.38 of its
    // own CPU on the loop's thread, the known-bad handler 0.80-0.84 (sync 0.77-0.79: the probe,
    // the watchdog and V8's threads take the rest).
    offLoop: {
      factor: 0.6,
      of: 'own',
      hint: 'The moderation still runs on the event loop: look for ctx.moderate in your handler.',
    },
    criteria: [
      bystanderCriterion(
        'sync',
        '/ping waits while a message is moderated on the loop: post it to the worker instead.',
        0.75,
      ),
    ],
  },
});
