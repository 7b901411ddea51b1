/**
 * A cheating solution to the-upstream (verify must fail it): it makes the three calls together
 * once per user, and answers every later request for that user from memory. Its answers are
 * right and fast, but it no longer calls the upstream per request: the upstream's own count of
 * the calls, and the time each answer takes, tell.
 */

interface Context {
  call(path: string): Promise<unknown>;
}

interface Request {
  query: Readonly<Record<string, string>>;
}

const answers = new Map<string, Promise<string>>();

async function build(call: Context['call'], user: string): Promise<string> {
  const [profile, orders, recommendations] = await Promise.all([
    call(`/users/${user}`),
    call(`/orders/${user}`),
    call(`/recommendations/${user}`),
  ]);
  return JSON.stringify({ user: profile, orders, recommendations });
}

export default async function handle({ call }: Context, req: Request) {
  const user = req.query.user ?? '';
  if (!/^\d{1,9}$/.test(user)) {
    return { status: 400, body: JSON.stringify({ error: 'user must be digits' }) };
  }
  let answer = answers.get(user);
  if (!answer) {
    answer = build(call, user);
    answers.set(user, answer);
  }
  return { body: await answer };
}
