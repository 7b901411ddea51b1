// Password login against the user list. Passwords are stored as salted
// PBKDF2-SHA512 hashes, never in clear.
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

// crypto.pbkdf2 runs on libuv's threadpool: the event loop keeps serving other
// requests while the hash is computed (pbkdf2Sync held it for the whole hash).
const pbkdf2 = promisify(crypto.pbkdf2);

const ITERATIONS = 40_000;
const KEY_LENGTH = 64;

const users = new Map(
  JSON.parse(readFileSync(new URL('./users.json', import.meta.url), 'utf8')).map((u) => [
    u.email.toLowerCase(),
    u,
  ]),
);

export async function login(email, password) {
  const user = users.get(String(email).toLowerCase());
  if (!user) return { ok: false };
  const hash = await pbkdf2(
    password,
    Buffer.from(user.salt, 'hex'),
    ITERATIONS,
    KEY_LENGTH,
    'sha512',
  );
  const stored = Buffer.from(user.hash, 'hex');
  if (!crypto.timingSafeEqual(hash, stored)) return { ok: false };
  return { ok: true, name: user.name };
}
