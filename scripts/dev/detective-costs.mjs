// The costs of the four blockers in lessons/the-detective/app, and a check that
// the solution answers the same to every request.
//
//   node scripts/dev/detective-costs.mjs                # measure + compare
//   node scripts/dev/detective-costs.mjs --write-users  # (re)write users.json in app/ and solution/
//
// Imports the starter's and the solution's modules directly (no HTTP). The
// timings are medians of 10 after a warm-up, on whatever machine runs this.
import crypto from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const APP = new URL('../../lessons/the-detective/app/', import.meta.url);
const SOLUTION = new URL('../../lessons/the-detective/solution/', import.meta.url);

// Must match ITERATIONS in login.js (checked below: a right password must log in).
const ITERATIONS = 40_000;
const USERS = 200;
export const ATTACK_N = 25;
export const ATTACK = `${'a'.repeat(ATTACK_N)}@`;

if (process.argv.includes('--write-users')) {
  const users = [];
  for (let n = 1; n <= USERS; n++) {
    const salt = crypto.createHash('sha256').update(`detective-salt-${n}`).digest().subarray(0, 16);
    const hash = crypto.pbkdf2Sync(`correct-horse-${n}`, salt, ITERATIONS, 64, 'sha512');
    users.push({
      email: `shopper${n}@example.com`,
      name: `Shopper ${n}`,
      salt: salt.toString('hex'),
      hash: hash.toString('hex'),
    });
  }
  const text = `${JSON.stringify(users, null, 2)}\n`;
  writeFileSync(new URL('users.json', APP), text);
  writeFileSync(new URL('users.json', SOLUTION), text);
  console.log(`wrote ${USERS} users (ITERATIONS=${ITERATIONS})`);
  process.exit(0);
}

const starter = {
  catalog: await import(new URL('catalog.js', APP)),
  search: await import(new URL('search.js', APP)),
  email: await import(new URL('email-check.js', APP)),
  login: await import(new URL('login.js', APP)),
};
const fixed = {
  catalog: await import(new URL('catalog.js', SOLUTION)),
  search: await import(new URL('search.js', SOLUTION)),
  email: await import(new URL('email-check.js', SOLUTION)),
  login: await import(new URL('login.js', SOLUTION)),
};

async function median(fn, runs = 10) {
  await fn(); // warm-up
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[runs >> 1], min: times[0], max: times[runs - 1] };
}
const fmt = ({ median: m, min, max }) =>
  `${m.toFixed(1)} ms (min ${min.toFixed(1)}, max ${max.toFixed(1)})`;

console.log(`products: ${starter.catalog.productNames().length}`);
starter.catalog.startCatalog();
starter.catalog.stopCatalog();
fixed.catalog.startCatalog();
fixed.catalog.stopCatalog();
console.log(`pages: ${starter.catalog.pageCount()}`);
console.log(`rss after both catalogues: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);

console.log('\nstarter, on the main thread:');
console.log(
  `  search('wool scarf')            ${fmt(await median(() => starter.search.search('wool scarf')))}`,
);
console.log(
  `  search('cosy crimson blanket')  ${fmt(await median(() => starter.search.search('cosy crimson blanket')))}`,
);
console.log(
  `  checkEmail(attack, n=${ATTACK_N})     ${fmt(await median(() => starter.email.checkEmail(ATTACK)))}`,
);
console.log(
  `  checkEmail(valid)               ${fmt(await median(() => starter.email.checkEmail('shopper12@example.com')))}`,
);
console.log(
  `  login(right password)           ${fmt(await median(() => starter.login.login('shopper7@example.com', 'correct-horse-7')))}`,
);
console.log(
  `  rebuildPages()                  ${fmt(await median(() => starter.catalog.rebuildPages()))}`,
);

// The solution's rebuild: how long it takes in all, and the longest the loop
// was held meanwhile (the histogram of event-loop delay, 1 ms resolution).
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
const rebuildFixed = await median(() => fixed.catalog.rebuildPages());
h.disable();
console.log('\nsolution:');
console.log(`  rebuildPages() in slices        ${fmt(rebuildFixed)}`);
console.log(
  `  longest loop delay meanwhile    ${(h.max / 1e6).toFixed(1)} ms (p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms)`,
);
console.log(
  `  checkEmail(attack)              ${fmt(await median(() => fixed.email.checkEmail(ATTACK)))}`,
);
console.log(
  `  search('wool scarf') (worker)   ${fmt(await median(() => fixed.search.search('wool scarf')))}`,
);

// ---- same answers ----
let seed = 7;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = (list) => list[Math.floor(random() * list.length)];
const WORDS = [
  'wool',
  'scarf',
  'wol',
  'scraf',
  'crimson',
  'mug',
  'blue',
  'oak',
  'lamp',
  'cosy',
  'teapot',
  'café',
  'naïve',
  'ß',
  'İstanbul',
  'ΣΊΣΥΦΟΣ',
  '日本',
  '🦄',
  'x',
  'walnut',
  'tote',
  'BAG',
  'a-b',
  'copper',
  'kettle',
  'ceramic',
  'cashmere',
  'sweater',
  '',
];
function randomQuery() {
  const n = 1 + Math.floor(random() * 4);
  return Array.from({ length: n }, () => pick(WORDS)).join(pick([' ', '  ', '\t', ' ']));
}
function randomEmail() {
  return pick([
    () => `shopper${Math.floor(random() * 300)}@example.com`,
    () => `${'a'.repeat(Math.floor(random() * 18))}@`,
    () => `${'a'.repeat(Math.floor(random() * 18))}!`,
    () => 'first.last+tag@sub.domain.co.uk',
    () => 'no-at-sign.example.com',
    () => 'two@@example.com',
    () => 'user@localhost',
    () => 'user@example.c',
    () => 'user@-dash-.example.org',
    () => 'ünïcode@example.com',
    () => 'user@exämple.com',
    () => '.dot.@example.com',
    () => `${'b'.repeat(250)}@example.com`,
    () => 'user@example.com\n',
    () => '',
    () => '🦄@🦄.com',
    () => `u${Math.floor(random() * 1000)}@a${Math.floor(random() * 9)}.io`,
  ])();
}
function randomLogin() {
  const n = 1 + Math.floor(random() * 230);
  return pick([
    () => [`shopper${n}@example.com`, `correct-horse-${n}`],
    () => [`SHOPPER${n}@Example.com`, `correct-horse-${n}`],
    () => [`shopper${n}@example.com`, `correct-horse-${n + 1}`],
    () => [`shopper${n}@example.com`, ''],
    () => [`shopper${n}@example.com`, 'pässwörd 🦄'],
    () => ['nobody@example.com', 'correct-horse-1'],
  ])();
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const mismatches = [];
const N = 200;
for (let i = 0; i < N; i++) {
  const q = randomQuery() || 'x';
  const [a, b] = await Promise.all([starter.search.search(q), fixed.search.search(q)]);
  if (!same(a, b)) mismatches.push(['search', q]);
}
for (let i = 0; i < N; i++) {
  const e = randomEmail();
  const [a, b] = await Promise.all([starter.email.checkEmail(e), fixed.email.checkEmail(e)]);
  if (a !== b) mismatches.push(['email', e, a, b]);
}
let logins = 0;
for (let i = 0; i < N; i++) {
  const [e, p] = randomLogin();
  const [a, b] = await Promise.all([starter.login.login(e, p), fixed.login.login(e, p)]);
  if (a.ok) logins++;
  if (!same(a, b)) mismatches.push(['login', e, p]);
}
// Change some stock in both, rebuild both, compare every page.
for (let i = 0; i < 50; i++) {
  const id = 1 + Math.floor(random() * 20_050);
  const stock = Math.floor(random() * 500);
  if (starter.catalog.setStock(id, stock) !== fixed.catalog.setStock(id, stock))
    mismatches.push(['setStock', id]);
}
await Promise.all([starter.catalog.rebuildPages(), fixed.catalog.rebuildPages()]);
if (starter.catalog.pageCount() !== fixed.catalog.pageCount()) mismatches.push(['pageCount']);
for (let n = 0; n <= starter.catalog.pageCount() + 1; n++) {
  const [a, b] = [starter.catalog.page(n), fixed.catalog.page(n)];
  if (a === undefined ? b !== undefined : !b || !a.equals(b)) mismatches.push(['page', n]);
}
console.log(
  `\nsame answers: ${N} searches, ${N} emails, ${N} logins (${logins} right), ${starter.catalog.pageCount()} pages: ` +
    (mismatches.length === 0 ? 'all identical' : `${mismatches.length} DIFFER`),
);
for (const m of mismatches.slice(0, 10)) console.log('  ', JSON.stringify(m));
if (logins === 0) console.log('  no login succeeded: ITERATIONS here and in login.js differ?');
process.exitCode = mismatches.length === 0 && logins > 0 ? 0 : 1;
