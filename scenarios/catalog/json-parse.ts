/**
 * json-parse: a large JSON body parsed, and a large answer serialised, on the loop or off it.
 *
 * `JSON.parse` and `JSON.stringify` have no asynchronous form: they run start to end on the
 * thread that calls them, at a cost that grows with the document. On the loop's thread a
 * half-megabyte order holds every other request for tens of milliseconds. `async` sends the
 * body to a pool of worker threads, which parse, price and serialise it and hand the bytes back:
 * the loop only copies the body out and writes the answer, at the price of a copy each way and
 * of the cores the workers take.
 */
import { moduleUrl } from '../../core/module-url.ts';
import { type BaseContext, defineScenario } from '../types.ts';
import { orderRequests, priceOrder } from './lib/order-document.ts';
import { THREADS_PARAM, WorkerPool } from './lib/worker-pool.ts';

interface Context extends BaseContext<'size' | 'threads'> {
  pool?: WorkerPool<{ body: Uint8Array }, Uint8Array>;
  /** For lesson 5's exercise: the work, and the worker script the pool runs. */
  priceOrder: typeof priceOrder;
  workerUrl: URL;
}

const WORKER = moduleUrl(import.meta.url, './lib/json-worker');

export default defineScenario<'size' | 'threads', Context>({
  id: 'json-parse',
  title: 'JSON.parse and JSON.stringify on the loop vs on worker threads',
  teaches:
    'JSON.parse and JSON.stringify are synchronous and their cost grows with the document: a ' +
    'large body blocks the loop while it is parsed and while the answer is serialised. Worker ' +
    'threads keep the loop free, at the price of copying the data and of the cores they use.',
  params: {
    size: {
      default: 512 * 1024,
      unit: 'bytes',
      integer: true,
      min: 64,
      max: 64 * 1024 * 1024,
      description: 'size of each JSON order posted',
    },
    threads: THREADS_PARAM,
  },
  requests: ({ size }) => orderRequests(size),
  // The order, plus room for the last item that crosses the size.
  maxBodyBytes: ({ size }) => size + 1024,
  setup: (params, variant) => ({
    params,
    priceOrder,
    workerUrl: WORKER,
    pool: variant === 'async' ? new WorkerPool(WORKER, params.threads) : undefined,
  }),
  teardown: ({ pool }) => pool?.close(),
  operation: (_ctx, req) => priceOrder(req.body.toString()),
  variants: {
    sync: {
      summary: 'JSON.parse, price, JSON.stringify in the handler',
      handle: (_ctx, req) => ({ body: priceOrder(req.body.toString()) }),
    },
    async: {
      summary: 'the same on a worker_threads pool',
      async handle({ pool }, req) {
        if (!pool) throw new Error('json-parse async: setup did not start the worker pool');
        return { body: await pool.run({ body: req.body }) };
      },
    },
  },
});
