/**
 * websocket-broadcast: a chat room over WebSockets, where one slow message holds up everyone's.
 *
 * Every message a client sends is moderated (lib/moderation.ts: CPU in proportion to its length)
 * and broadcast to every connected client. One message in `every` is a long paste whose
 * moderation costs tens of milliseconds. `sync` moderates in the message handler: while it works
 * on the paste, the loop reads no other socket, so every client's chat lines, and the health
 * check `/ping`, wait for it. `async` moderates on a worker_threads pool: the paste still takes
 * as long, but the loop goes on relaying everyone else's lines meanwhile.
 */
import { moduleUrl } from '../../core/module-url.ts';
import { type BaseContext, defineScenario } from '../types.ts';
import { chatMessages } from './lib/chat-messages.ts';
import { broadcastBody, moderate, roundsFor } from './lib/moderation.ts';
import { ROOM_PARAMS, roomLoad } from './lib/room-params.ts';
import { THREADS_PARAM, WorkerPool } from './lib/worker-pool.ts';

type P = 'clients' | 'rate' | 'every' | 'rounds' | 'late' | 'threads';

interface Context extends BaseContext<P> {
  pool?: WorkerPool<{ message: Uint8Array; rounds: number }, string>;
  /** For the lesson's exercise, which does the same work: the pieces, and the pool's worker. */
  moderate: typeof moderate;
  roundsFor: typeof roundsFor;
  broadcastBody: typeof broadcastBody;
  /** The worker script: `{ id, message, rounds }` in, `{ id, result }` (the fingerprint) out. */
  moderationWorker: string;
}

const WORKER = moduleUrl(import.meta.url, './lib/moderation-worker');

export default defineScenario<P, Context>({
  id: 'websocket-broadcast',
  title: 'A WebSocket chat room: moderating each message on the loop or on a worker',
  teaches:
    'A real-time server relays every client through one event loop. A handler that holds the ' +
    'loop for one slow message delays every other client’s messages, and the health check too; ' +
    'moving the work to a worker keeps the room flowing while the slow message is processed.',
  protocol: 'websocket',
  params: {
    ...ROOM_PARAMS,
    every: {
      default: 200,
      unit: 'count',
      integer: true,
      min: 2,
      max: 10_000,
      description: 'one message in this many is a 16 KiB paste; the rest are chat lines',
    },
    rounds: {
      default: 2000,
      unit: 'iterations',
      integer: true,
      min: 1,
      max: 1_000_000,
      description: 'SHA-256 rounds of moderation per KiB of message',
    },
    threads: THREADS_PARAM,
  },
  messageLoad: roomLoad,
  requests: (params) =>
    chatMessages(params.every).map((text) => ({
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: text,
    })),
  // Only `async` gets a pool: idle workers would add their memory to the other variants' RSS.
  setup: (params, variant) => ({
    params,
    moderate,
    roundsFor,
    broadcastBody,
    moderationWorker: WORKER.href,
    pool: variant === 'async' ? new WorkerPool(WORKER, params.threads) : undefined,
  }),
  teardown: ({ pool }) => pool?.close(),
  operation: ({ params }, { body }) => moderate(body, roundsFor(body.length, params.rounds)),
  variants: {
    sync: {
      summary: 'moderates each message in the handler, on the loop',
      handle: ({ params }, { body }) => ({
        body: broadcastBody(body, moderate(body, roundsFor(body.length, params.rounds))),
      }),
    },
    async: {
      summary: 'moderates each message on a worker_threads pool',
      async handle({ params, pool }, { body }) {
        if (!pool) throw new Error('websocket-broadcast async: setup did not start the pool');
        const rounds = roundsFor(body.length, params.rounds);
        // A copy of the message's own bytes: a Buffer may be a view into a larger one, which a
        // postMessage would copy whole.
        const message = new Uint8Array(body);
        return { body: broadcastBody(body, await pool.run({ message, rounds })) };
      },
    },
  },
});
