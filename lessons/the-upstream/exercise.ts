/**
 * Exercise 12, the-upstream (looplab lesson 12).
 *
 * This handler answers `GET /?user=N` with the user's profile, orders and recommendations, which
 * it gets from three calls to an upstream service. Each call takes `latency` ms. It awaits them
 * one after another: the event loop is free while it waits, but every request waits three times.
 *
 * TODO: make the three calls together, and keep the response exactly as it is. Then check it
 * under load:  npx looplab verify the-upstream
 */

interface Context {
  params: { latency: number };
  /** GETs a path from the upstream over a keep-alive undici Pool; resolves to its JSON. */
  call(path: string): Promise<unknown>;
}

interface Request {
  query: Readonly<Record<string, string>>;
}

interface Response {
  status?: number;
  contentType?: string;
  body: string;
}

export default async function handle({ call }: Context, req: Request): Promise<Response> {
  const user = req.query.user ?? '';
  if (!/^\d{1,9}$/.test(user)) {
    return { status: 400, body: JSON.stringify({ error: 'user must be digits' }) };
  }
  // TODO: each await waits for its call to answer before the next call starts.
  const profile = await call(`/users/${user}`);
  const orders = await call(`/orders/${user}`);
  const recommendations = await call(`/recommendations/${user}`);
  return { body: JSON.stringify({ user: profile, orders, recommendations }) };
}
