/**
 * Compressible text: access-log lines, as a server writes them, and as a client would send a
 * batch of them. Deterministic for a seed, so every server and every variant sees the same bytes.
 */

const PATHS = ['/api/users', '/api/orders', '/static/app.js', '/health', '/api/search'];
const AGENTS = ['curl/8.5.0', 'Mozilla/5.0 (X11; Linux x86_64)', 'okhttp/4.12.0'];

/** One access-log line for request number `i` (newline included). */
export function logLine(i: number, seed = 0): string {
  let x = Math.imul(i + 1, 0x9e3779b1) ^ seed;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  const r = x >>> 0;
  const ms = Date.UTC(2024, 4, 1) + i * 37 + (r % 37);
  return (
    `${new Date(ms).toISOString()} INFO ${PATHS[r % PATHS.length]}/${r % 1000} ` +
    `status=${r % 17 === 0 ? 500 : 200} ms=${r % 250} ua="${AGENTS[r % AGENTS.length]}" ` +
    `req=${r.toString(16).padStart(8, '0')}\n`
  );
}

/** About `bytes` bytes of log lines (whole lines, cut to exactly `bytes`). */
export function logText(bytes: number, seed: number): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = logLine(i, seed);
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}
