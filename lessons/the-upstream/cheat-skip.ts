/**
 * A cheating solution to the-upstream (verify must fail it): it never calls the upstream. It
 * knows what the upstream answers (the data is made up, and looplab's source is open), waits as
 * long as one call would, and answers. Its answers are right and every request takes the time a
 * parallel handler's does: only the upstream's own count of the calls can tell.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { upstreamAnswer } from '../../scenarios/upstream/protocol.ts';

interface Context {
  params: { latency: number };
}

interface Request {
  query: Readonly<Record<string, string>>;
}

const known = (path: string) => JSON.parse(upstreamAnswer(path) ?? 'null') as unknown;

export default async function handle({ params }: Context, req: Request) {
  const user = req.query.user ?? '';
  if (!/^\d{1,9}$/.test(user)) {
    return { status: 400, body: JSON.stringify({ error: 'user must be digits' }) };
  }
  await sleep(params.latency);
  return {
    body: JSON.stringify({
      user: known(`/users/${user}`),
      orders: known(`/orders/${user}`),
      recommendations: known(`/recommendations/${user}`),
    }),
  };
}
