/**
 * upstream-calls: a REST handler that needs three calls to another service, each taking
 * `latency` ms.
 *
 * The harness starts the upstream as a process of its own (scenarios/upstream/), so its waiting
 * is real. `sync` calls it synchronously: the loop's thread sleeps through 3 × latency per
 * request, and serves nobody meanwhile. `async` awaits the three calls one after another: the loop
 * is free, but each request still takes 3 × latency. `parallel` starts all three at once and
 * awaits them together: about 1 × latency. `no-keepalive` is `parallel` over a pool that opens a
 * new connection for every call, to show what reusing connections saves.
 */
import { type BaseContext, defineScenario, type ScenarioRequest } from '../types.ts';
import { callsFor, combine, type UpstreamClient, upstreamClient } from './lib/upstream-client.ts';

interface Context extends BaseContext<'latency'>, UpstreamClient {
  /** The upstream's origin (`http://127.0.0.1:1234`), for a handler that brings its own client. */
  upstream: string;
}

/** Four users in rotation: the calls depend on the request, as a real API's do. */
const USERS = [1, 2, 3, 4];

const userOf = (req: ScenarioRequest) => req.query.user ?? '';
const badRequest = { status: 400, body: JSON.stringify({ error: 'user must be digits' }) };
const isUser = (user: string) => /^\d{1,9}$/.test(user);

/** sync's three calls, blocking: also the operation micro times (an upstream of its own). */
const callAllSync = ({ callSync }: Context, user: string) =>
  combine(callsFor(user).map((path) => callSync(path)));

async function together({ call }: Context, req: ScenarioRequest) {
  const user = userOf(req);
  if (!isUser(user)) return badRequest;
  return { body: combine(await Promise.all(callsFor(user).map(call))) };
}

export default defineScenario<'latency', Context>({
  id: 'upstream-calls',
  title: 'Three calls to an upstream: blocking, one after another, or together',
  teaches:
    'A handler that waits on other services spends its time waiting, not computing. A ' +
    'synchronous call holds the loop for the whole wait; awaiting the calls one after another ' +
    'frees the loop but still takes 3 × the latency per request; issuing them together takes ' +
    'about 1 × the latency, and keep-alive spares a new connection per call.',
  params: {
    latency: {
      default: 20,
      unit: 'ms',
      min: 1,
      max: 10_000,
      description: "the upstream's answer time per call (a timer in its own process)",
    },
  },
  requests: () => USERS.map((id) => ({ path: `/?user=${id}` })),
  upstream: ({ latency }) => ({ latencyMs: latency }),
  setup: async (params, variant, { upstream }) => {
    if (!upstream) throw new Error('upstream-calls: the harness started no upstream');
    return {
      params,
      upstream,
      ...(await upstreamClient(upstream, variant !== 'no-keepalive', variant === 'sync')),
    };
  },
  teardown: (ctx) => ctx.close(),
  operation: (ctx, req) => callAllSync(ctx, userOf(req)),
  variants: {
    sync: {
      summary: 'three synchronous calls (Atomics.wait on a worker), one after another',
      handle(ctx, req) {
        const user = userOf(req);
        if (!isUser(user)) return badRequest;
        return { body: callAllSync(ctx, user) };
      },
    },
    async: {
      summary: 'awaits three undici calls one after another (keep-alive pool)',
      async handle({ call }, req) {
        const user = userOf(req);
        if (!isUser(user)) return badRequest;
        const parts: unknown[] = [];
        for (const path of callsFor(user)) parts.push(await call(path));
        return { body: combine(parts) };
      },
    },
    parallel: {
      summary: 'issues the three undici calls together, Promise.all (keep-alive pool)',
      handle: together,
    },
    'no-keepalive': {
      summary: 'parallel, but a new connection for every call (undici pipelining: 0)',
      handle: together,
    },
  },
});
