/**
 * Lesson 14, the-detective: an app the learner did not write, four things in it that hold the
 * event loop, and the tools an engineer uses on their own server to find them.
 *
 * The app (app/) is a small shop on `node:http`: a catalogue served from a page cache that a
 * timer rebuilds every 2 s, a fuzzy search, the sign-up form's address check and a login. Each
 * blocker lives in one module, so that a test can build the solution with one blocker left.
 * No route's comment names its blocker: `bench --cmd … --stalls` does.
 */
import { seededRandom } from '../../bench/run/load/open-schedule.ts';
import type { RequestSpec } from '../../bench/run/process/target.ts';
import { defineAppLesson } from '../engine/app-lesson.ts';
import type { Claim } from '../engine/types.ts';

/** The app's catalogue: its products, 50 to a page (app/catalog.js). */
export const PRODUCTS = 10_000;
const PAGE_SIZE = 50;
const PAGES = Math.ceil(PRODUCTS / PAGE_SIZE);
/** The shop's users (app/users.json): shopperN@example.com, password correct-horse-N. */
const USERS = 200;
/**
 * The form checks an address as it is typed: a long one, the moment its `@` goes in, makes the
 * check's regular expression try about 2^n ways to split its `n` characters before it says no.
 * 25 took 40 to 70 ms here, 26 twice that: the slowest route by far, whatever the machine's day.
 */
export const TYPED_LENGTH = 26;
/**
 * Addresses the load never sends that cost the untouched check as much (40 to 120 ms here): what
 * follows the `@`, a character no address has. A fix guarded against the load's shape alone
 * still backtracks on these; one that cannot backtrack answers each in a millisecond or two.
 */
const HARD_SHAPES: readonly [length: number, tail: string][] = [
  [25, '@x'],
  [25, '!'],
  [22, '@ex.c'],
  [20, '@mail.example.c'],
  [25, '@@'],
  [26, ' '],
  // And before a valid domain: a check that looks at the domain first still backtracks on these.
  [22, '!@example.com'],
  [22, ' @shop.test'],
];
/**
 * Requests in each route's list: more than a window sends at these routes' speeds, so that an
 * app that remembers answers meets few repeats (each connection starts at its own place).
 */
const LOAD_REQUESTS = 2000;

const get = (path: string): RequestSpec => ({ method: 'GET', path, headers: {}, body: null });
const json = (method: string, path: string, body: unknown): RequestSpec => ({
  method,
  path,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify(body)),
});
const pick = <T>(rand: () => number, items: readonly T[]): T =>
  items[Math.floor(rand() * items.length)] as T;
const times = <T>(n: number, make: (i: number) => T): T[] =>
  Array.from({ length: n }, (_, i) => make(i));

/** Words shoppers type: some in the catalogue's names, some misspelt, some in none. */
const WORDS = [
  'red',
  'blue',
  'wool',
  'linen',
  'scarf',
  'lamp',
  'oak',
  'chair',
  'jacket',
  'mug',
  'silver',
  'ring',
  'crimson',
  'cotton',
  'boots',
  'leather',
  'bag',
  'green',
  'desk',
  'candle',
  'jaket',
  'scraf',
  'lether',
  'teapot',
  'velvet',
  'cushion',
  'walnut',
  'shelf',
  'bamboo',
  'kettle',
  'black',
  'white',
  'grey',
  'navy',
  'cosy',
  'blanket',
  'wol',
  'sofa',
  'table',
  'rug',
  'vase',
  'glass',
  'copper',
  'brass',
  'plate',
  'bowl',
  'towel',
  'pillow',
  'socks',
  'hat',
  'gloves',
  'belt',
  'wallet',
  'watch',
  'clock',
  'mirror',
  'basket',
  'stool',
  'bench',
  'jug',
] as const;
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz0123456789'];

const search = (rand: () => number) => {
  // Two words: three cost twice as much to score, and the load's cost would vary with the draw.
  const words = times(2, () => pick(rand, WORDS));
  return get(`/search?q=${encodeURIComponent(words.join(' '))}`);
};
/** A long address as the form sends it when its `@` is typed (or `tail`): new every time. */
const typing = (rand: () => number, n = TYPED_LENGTH, tail = '@') =>
  `${times(n, () => pick(rand, LETTERS)).join('')}${tail}`;
const address = (rand: () => number) =>
  `${times(5 + Math.floor(rand() * 6), () => pick(rand, LETTERS)).join('')}@${pick(rand, ['example.com', 'mail.example.org', 'shop.test'])}`;
const check = (email: string) => get(`/signup/check?email=${encodeURIComponent(email)}`);
const user = (rand: () => number) => 1 + Math.floor(rand() * USERS);
const login = (n: number, password = `correct-horse-${n}`) =>
  json('POST', '/login', { email: `shopper${n}@example.com`, password });

const claims: Claim[] = [
  {
    text: '/products answers fast in the closed loop: its latency p99 is under half its /ping p99',
    left: { measurement: 'shop', variant: 'products', metric: 'latencyP99Ms' },
    op: '<',
    right: { measurement: 'shop', variant: 'products', metric: 'pingP99Ms' },
    factor: 0.5,
    whenItFails:
      'Ten connections ask one after another, so a stall holds ten requests, a few of the ' +
      'thousands answered in the window: the latency p99 misses it. /ping is sent on a clock, ' +
      'whatever the loop does, so a stall of a twentieth of the time is in its p99. It fails ' +
      'when no rebuild fell in the window, or a busy machine slowed every request.',
  },
  {
    text: "/products's loop lag p99 is over 5× its latency p50: the loop stalls on a route that does nothing slow",
    left: { measurement: 'shop', variant: 'products', metric: 'lagP99Ms' },
    op: '>',
    right: { measurement: 'shop', variant: 'products', metric: 'latencyP50Ms' },
    factor: 5,
    whenItFails:
      'The cache is rebuilt on a timer, whatever the requests, and the loop does nothing else ' +
      'meanwhile. It fails when the rebuild was cheap on this machine, or fell outside the window.',
  },
  ...(['search', 'signup', 'login'] as const).map(
    (route): Claim => ({
      text: `${route === 'signup' ? '/signup/check' : route === 'login' ? 'POST /login' : '/search'} keeps its loop busy over 90% of the time: its requests queue for the loop`,
      left: { measurement: 'shop', variant: route, metric: 'elu' },
      op: '>',
      right: 0.9,
      factor: 1,
      whenItFails:
        'Each request holds the loop for tens of ms, and ten connections always have one ' +
        'waiting. It fails only when the work was cheap on this machine.',
    }),
  ),
];

export default defineAppLesson({
  id: 'the-detective',
  title: 'The detective: find what blocks an app you did not write',
  starter: 'app',
  solution: 'solution',
  main: 'server.js',
  name: 'shop',
  // The load's kinds of request, one of each: a page, a two-word query, a long address typed up
  // to its @, a user's login.
  paths: [
    '/products?page=7',
    '/search?q=wool%20scarf',
    '/signup/check?email=maximilian.alexander.smith%40',
    'POST /login @requests/login.json',
  ],
  routes: [
    {
      key: 'products',
      label: '/products',
      requests: (seed) => {
        const rand = seededRandom(seed);
        return times(LOAD_REQUESTS, () => get(`/products?page=${1 + Math.floor(rand() * PAGES)}`));
      },
    },
    {
      key: 'search',
      label: '/search',
      requests: (seed) => {
        const rand = seededRandom(seed);
        return times(LOAD_REQUESTS, () => search(rand));
      },
    },
    {
      key: 'signup',
      label: '/signup/check',
      // Three in four as a long address is typed, at its `@`; one in four whole.
      requests: (seed) => {
        const rand = seededRandom(seed);
        return times(LOAD_REQUESTS, (i) => check(i % 4 === 3 ? address(rand) : typing(rand)));
      },
    },
    {
      key: 'login',
      label: 'POST /login',
      // Every user once, from a place of the session's: the connections start a tenth of the
      // list apart, so no two log the same user in within a window.
      requests: (seed) => times(USERS, (i) => login(((seed + i) % USERS) + 1)),
    },
  ],
  blockers: [
    {
      id: 'catalogue',
      route: 'products',
      module: 'catalog.js',
      kind: 'periodic',
      what: 'the page cache rebuilt on a timer',
      hint:
        '/products does almost nothing per request, yet its loop lag and /ping stall every few ' +
        'seconds: something no request causes. Find the timer in the stacks, and do its work in ' +
        'slices small enough that the loop turns between them (or off the loop); it must still ' +
        'run, every time.',
    },
    {
      id: 'search',
      route: 'search',
      module: 'search.js',
      kind: 'request',
      what: "the search's scoring",
      hint:
        "/search's work is JavaScript, and `async` does not move it anywhere: an async function " +
        'runs on the loop until its first await. Work that is only computing leaves the loop on ' +
        'another thread, or is cut into slices the loop can serve others between (lesson 4).',
    },
    {
      id: 'signup',
      route: 'signup',
      module: 'email-check.js',
      kind: 'request',
      what: 'the address check',
      hard: (seed) => {
        const rand = seededRandom(seed);
        return HARD_SHAPES.map(([n, tail]) => check(typing(rand, n, tail)));
      },
      hint:
        'Look at the addresses the load sends /signup/check, and at what the check does with ' +
        'one that never matches (lesson 6). The check itself must stop backtracking: on another ' +
        'thread it would still take a core for as long. The same addresses must still pass and fail.',
    },
    {
      id: 'login',
      route: 'login',
      module: 'login.js',
      kind: 'request',
      what: "the login's password check",
      hint:
        'Node has two ways to derive a key from a password; one of them runs on the threadpool ' +
        '(lesson 3).',
    },
  ],
  catalogue: {
    read: (page) => get(`/products?page=${page}`),
    write: (item, value) => json('PUT', `/products/${item}/stock`, { stock: value }),
    pageOf: (item) => Math.floor((item - 1) / PAGE_SIZE) + 1,
    shown: (body, item) => {
      const products = (body as { products?: { id: number; stock: number }[] }).products;
      return products?.find((p) => p.id === item)?.stock ?? null;
    },
    items: PRODUCTS,
    pages: PAGES,
    // A rebuild every 2 s, and a rebuild in slices takes longer than one in a piece.
    freshWithinMs: 4500,
  },
  prediction: {
    question:
      "Ten connections load four of the shop's routes, one route at a time, each in a fresh " +
      'app, with the requests its users send. Which route serves the fewest requests a second?',
  },
  claims,
  edges: (seed) => edgeRequests(seed),
  exercise: {
    task:
      "Four things hold this shop's event loop, each in a different module. Find them with " +
      'looplab bench --cmd and --stalls, fix each without changing a single answer, and prove ' +
      'it with --vs-cmd. verify runs your folder and the untouched shop under the same load, ' +
      'route by route, and says which are fixed.',
  },
});

/** Requests verify compares both apps' answers to besides the load's: the edges of each route. */
function edgeRequests(seed: number): RequestSpec[] {
  const rand = seededRandom(seed);
  return [
    get('/products'),
    get('/products?page=0'),
    get(`/products?page=${PAGES}`),
    get(`/products?page=${PAGES + 1}`),
    get('/search?q='),
    get('/search'),
    ...times(12, () => search(rand)),
    get(`/search?q=${encodeURIComponent('Crème brûlée 🍮')}`),
    check(''),
    check('plainaddress'),
    check('a@b.c'),
    check('first.last+tag@sub.example.co.uk'),
    // Valid, with long local parts: a length cap before the old check answers these wrongly.
    check('maximilian.alexander.smith@example.com'),
    check(`${'a'.repeat(64)}@example.com`),
    check(`${'b'.repeat(240)}@example.com`),
    check(`${'c'.repeat(243)}@example.com`),
    check('x@@example.com'),
    check('ünïcødé@example.com'),
    check(typing(rand, 12)),
    ...times(12, () => check(address(rand))),
    login(user(rand), 'wrong-password'),
    login(USERS + 1),
    login(user(rand), ''),
    json('POST', '/login', { email: 'shopper1@example.com' }),
    {
      method: 'POST',
      path: '/login',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{not json'),
    },
    ...times(6, () => login(user(rand))),
  ];
}
