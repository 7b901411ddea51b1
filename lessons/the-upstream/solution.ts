/**
 * Reference solution to the-upstream: start the three calls, then await them together. The
 * three waits overlap, so a request takes about one call's latency instead of three.
 */

interface Context {
  call(path: string): Promise<unknown>;
}

interface Request {
  query: Readonly<Record<string, string>>;
}

export default async function handle({ call }: Context, req: Request) {
  const user = req.query.user ?? '';
  if (!/^\d{1,9}$/.test(user)) {
    return { status: 400, body: JSON.stringify({ error: 'user must be digits' }) };
  }
  const [profile, orders, recommendations] = await Promise.all([
    call(`/users/${user}`),
    call(`/orders/${user}`),
    call(`/recommendations/${user}`),
  ]);
  return { body: JSON.stringify({ user: profile, orders, recommendations }) };
}
