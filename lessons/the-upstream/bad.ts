/**
 * A known-bad solution to the-upstream (verify must fail it): it looks parallel, but each
 * `await` inside the array runs before the next element is even built, so the calls still go
 * one after another and `Promise.all` only receives answers that are already in.
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
    await call(`/users/${user}`),
    await call(`/orders/${user}`),
    await call(`/recommendations/${user}`),
  ]);
  return { body: JSON.stringify({ user: profile, orders, recommendations }) };
}
