/**
 * `looplab live` end to end, as a learner meets it: the real CLI (`live busy-wait --no-open
 * --port 0`) prints its address, headless Chromium opens it, and the page draws frames of sync
 * and async (within 10 s, sync's lag p99 above 100 ms and async's below 20 ms: a measurement, so
 * this file runs in the measuring lane), and its stall list names `spin`; the `ms` knob goes from 20 to 50 on the page, the
 * timeline shows "ms 20 → 50" and new frames come after it from fresh servers; Stop on the page ends the CLI with exit 0, and no
 * server it started is left. Along the way it reads how long each frame took from its window's
 * close to the page's drawing of it, and says so; it checks only that the median frame reached
 * the page under 500 ms after its window closed (the machine may be shared: a single frame may
 * wait for a core). Skipped, saying why, only when no Chromium can start.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { parseEventLines } from '../../bench/live/ndjson.ts';
import { findChromium } from './chromium.ts';
import { type CliRun, isAlive, processesWith, runCli, waitForExit } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'looplab-live-e2e-'));
let browser: Browser | undefined;
let cli: CliRun | undefined;

after(async () => {
  await browser?.close();
  // A test that failed midway: the CLI reaps its servers on SIGTERM.
  if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
    cli.child.kill('SIGTERM');
    await cli.done;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves with the first match of `pattern` in what the CLI wrote to stdout. */
async function stdoutMatch(run: CliRun, pattern: RegExp, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = run.stdout().match(pattern);
    if (m) return m;
    if (Date.now() > until || run.child.exitCode !== null)
      throw new Error(`stdout never matched ${pattern}:\n${run.stdout()}\n${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The live processes carrying `marker` (every one the CLI started), less the CLI itself. */
async function marked(marker: string): Promise<number[]> {
  return (await processesWith(marker))
    .filter((pid) => pid !== cli?.child.pid && isAlive(pid))
    .sort((a, b) => a - b);
}

/**
 * The marked servers once there are `n` of them (up to 15 s): the address is printed as the
 * servers start, one after the other, and a restart stops one before it starts the next.
 */
async function markedWhen(marker: string, n: number): Promise<number[]> {
  const until = Date.now() + 15_000;
  let pids = await marked(marker);
  while (pids.length !== n && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    pids = await marked(marker);
  }
  return pids;
}

interface Drawn {
  variant: string;
  elapsedMs: number;
  /** From the frame's window closing to its event reaching the page (null: not known). */
  arrivedMs: number | null;
  /** To the page having drawn it. */
  delayMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : (s[Math.floor((s.length - 1) / 2)] as number);
};

test('looplab live in Chromium: frames drawn, ms 20 → 50 from the page, Stop ends it with exit 0 and nothing left', {
  timeout: 60_000,
}, async (t) => {
  try {
    const found = await findChromium();
    browser = await chromium.launch({ executablePath: found.executablePath, args: found.args });
  } catch (err) {
    t.skip(`no Chromium could start here: ${(err as Error).message.split('\n')[0]}`);
    return;
  }
  const started = Date.now();
  const phases: string[] = [];
  const phase = (name: string) =>
    phases.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const marker = `looplab-test-marker-${randomUUID()}`;
  const recording = join(dir, 'run.ndjson');
  cli = runCli(
    ['live', 'busy-wait', '--no-open', '--port', '0', '--max-time', '60', '--record', recording],
    { LOOPLAB_TEST_MARKER: marker },
  );
  const run = cli;
  const [, url] = (await stdoutMatch(
    run,
    /the page is at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/,
  )) as string[];
  const servers = await markedWhen(marker, 2);
  assert.equal(servers.length, 2, `a server per variant: ${servers.join(' ')}`);

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  phase('address printed');
  await page.goto(url as string);
  // Every frame drawn from here on: the Now table's rows say which frame each shows, and how
  // long after its window closed the page drew it.
  await page.evaluate(() => {
    const seen = new Map<
      string,
      { variant: string; elapsedMs: number; arrivedMs: number | null; delayMs: number }
    >();
    const from = Date.now();
    const read = () => {
      for (const row of document.querySelectorAll<HTMLElement>('#now tbody tr[data-variant]')) {
        const { variant = '', frameElapsedMs, arrivedDelayMs, drawnDelayMs } = row.dataset;
        if (frameElapsedMs === undefined || drawnDelayMs === undefined) continue;
        const d = {
          variant,
          elapsedMs: Number(frameElapsedMs),
          arrivedMs: arrivedDelayMs ? Number(arrivedDelayMs) : null,
          delayMs: Number(drawnDelayMs),
        };
        // Only frames whose window closed after this began: the history a page gets on
        // connecting was drawn late by design.
        if (Date.now() - d.delayMs >= from) seen.set(`${variant}@${frameElapsedMs}`, d);
      }
    };
    new MutationObserver(read).observe(document.getElementById('now') as HTMLElement, {
      subtree: true,
      childList: true,
      attributes: true,
    });
    (globalThis as unknown as { drawn: () => unknown[] }).drawn = () => [...seen.values()];
  });
  const drawnFrames = async () =>
    page.evaluate(() => (globalThis as unknown as { drawn: () => Drawn[] }).drawn());
  const drawnAfter = async (variant: string, elapsedMs: number) =>
    page.waitForFunction(
      ([v, ms]) =>
        Number(
          document.querySelector<HTMLElement>(`#now tr[data-variant="${v}"]`)?.dataset
            .frameElapsedMs ?? -1,
        ) > Number(ms),
      [variant, elapsedMs] as const,
      { timeout: 15_000 },
    );

  // Frames of both variants, drawn as lines on the charts.
  await drawnAfter('sync', 0);
  await drawnAfter('async', 0);
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('#charts figure[data-metric="lagP99Ms"] path.line')].filter(
        (p) => (p.getAttribute('d') ?? '').split('L').length > 1,
      ).length === 2,
    undefined,
    { timeout: 15_000 },
  );
  const lag = async (variant: string) =>
    page.$eval(`td[data-variant="${variant}"][data-metric="lagP99Ms"]`, (td) =>
      Number((td as HTMLElement).dataset.value),
    );
  /**
   * The figure the page is for. At ms=20, the bars the live issue set: within 10 s, sync's lag
   * p99 reads above 100 ms (ten connections queue on a loop that runs each request whole, so a
   * timer due meanwhile waits for several) and async's below 20 ms (its loop only starts timers).
   * After a change, in its direction only: sync's at least most of a request and over twice
   * async's. Read over the next frames, up to 10 s: the first loaded frame of a fresh server may
   * hold only a few answers. A sync that never held its loop fails, with what the page showed.
   */
  const lagsPointRight = async (
    requestMs: number,
    bars?: { syncAbove: number; asyncBelow: number },
  ) => {
    const holds = (s: number, a: number) =>
      bars ? s > bars.syncAbove && a < bars.asyncBelow : s >= 0.75 * requestMs && s > 2 * a;
    const want = bars
      ? `sync's lag p99 above ${bars.syncAbove} ms and async's below ${bars.asyncBelow} ms`
      : `sync's lag p99 at least ${0.75 * requestMs} ms and over twice async's`;
    const seen: string[] = [];
    const until = Date.now() + 10_000;
    for (;;) {
      const [sync, async] = [await lag('sync'), await lag('async')];
      const shown = `sync ${sync} ms, async ${async} ms`;
      if (seen.at(-1) !== shown) seen.push(shown);
      if (holds(sync, async)) {
        t.diagnostic(`lag p99 at ms=${requestMs}: ${shown}`);
        return;
      }
      if (Date.now() > until)
        assert.fail(
          `at ms=${requestMs}, not seen in 10 s: ${want}; the page showed ${seen.join('; ')}`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  /** Until sync's latest frame, after `elapsedMs`, has answers in it: its server is loaded. */
  const loadedAfter = (elapsedMs: number) =>
    page.waitForFunction(
      (ms) =>
        Number(
          document.querySelector<HTMLElement>('#now tr[data-variant="sync"]')?.dataset
            .frameElapsedMs,
        ) > ms &&
        Number(
          document.querySelector<HTMLElement>(
            'td[data-variant="sync"][data-metric="requestsPerSec"]',
          )?.dataset.value,
        ) > 0,
      elapsedMs,
      { timeout: 15_000 },
    );
  await loadedAfter(0);
  await lagsPointRight(20, { syncAbove: 100, asyncBelow: 20 });
  // The stall list names the code that held sync's loop, as it was caught.
  const stall = await page.waitForFunction(
    () =>
      [...document.querySelectorAll('#stalls > li')]
        .map((li) => (li.querySelector('button') ?? li).textContent ?? '')
        .find((text) => /^sync .*: spin \(busy-wait\.ts:\d+\)/.test(text)) ?? false,
    undefined,
    { timeout: 15_000 },
  );
  t.diagnostic(`a stall as listed: ${await stall.jsonValue()}`);

  // The knob, on the page, as a learner turns it.
  phase('first frames drawn');
  const ms = page.getByLabel('ms', { exact: true });
  assert.equal(await ms.inputValue(), '20');
  await ms.fill('50');
  await ms.press('Enter');
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('#charts text.marker-label')].some(
        (m) => m.textContent === 'ms 20 → 50',
      ),
    undefined,
    { timeout: 10_000 },
  );
  const markerEvent = parseEventLines(readFileSync(recording, 'utf8')).events.find(
    (e) => e.type === 'marker',
  );
  assert.ok(markerEvent?.type === 'marker', 'the recording holds the marker');
  assert.equal(markerEvent.text, 'ms 20 → 50');
  // New frames after it, for both, from fresh servers.
  phase('marker drawn');
  await drawnAfter('sync', markerEvent.elapsedMs);
  await drawnAfter('async', markerEvent.elapsedMs);
  const restarted = await markedWhen(marker, 2);
  assert.equal(restarted.length, 2, `a server per variant: ${restarted.join(' ')}`);
  assert.deepEqual(
    restarted.filter((p) => servers.includes(p)),
    [],
    'fresh servers after the change',
  );
  // The fresh servers are loaded once both have started: a frame with answers in it.
  await loadedAfter(markerEvent.elapsedMs);
  await lagsPointRight(50);
  const drawn = await drawnFrames();
  assert.deepEqual(problems, [], 'no error on the page');

  // Stop, on the page: the CLI ends, exit 0, with every server it started gone.
  phase('after the change');
  await page.locator('#stop').click();
  const { code, signal } = await run.done;
  assert.equal(code, 0, `exit ${code} ${signal}:\n${run.stderr()}`);
  assert.match(run.stderr(), /stopped \(stopped from the page\)/);
  assert.deepEqual(await waitForExit([...servers, ...restarted], 3000), [], 'servers left');
  const until = Date.now() + 3000;
  let left = await marked(marker);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    left = await marked(marker);
  }
  assert.deepEqual(left, [], 'processes of the run left behind');

  // The frame-to-page delay, from each frame's window closing to the page having drawn it.
  phase('stopped');
  const { events } = parseEventLines(readFileSync(recording, 'utf8'));
  for (const variant of ['sync', 'async']) {
    const delays = drawn.filter((d) => d.variant === variant).map((d) => d.delayMs);
    const arrived = drawn.flatMap((d) =>
      d.variant === variant && d.arrivedMs !== null ? [d.arrivedMs] : [],
    );
    assert.ok(delays.length > 0, `${variant}: frames drawn while watched`);
    const first = Math.min(...drawn.filter((d) => d.variant === variant).map((d) => d.elapsedMs));
    const last = Math.max(...drawn.filter((d) => d.variant === variant).map((d) => d.elapsedMs));
    const sent = events.filter(
      (e) =>
        e.type === 'frame' && e.variant === variant && e.elapsedMs >= first && e.elapsedMs <= last,
    ).length;
    t.diagnostic(
      `${variant}: frame-to-page delay median ${median(delays)} ms, max ${Math.max(...delays)} ms ` +
        `(arrived: median ${median(arrived)} ms, max ${Math.max(...arrived)} ms), ` +
        `over ${delays.length} frames drawn (of ${sent} sent in that span)`,
    );
    // The "Prompt": a frame reaches the page under 500 ms after its window closes. The
    // median, not each frame: this lane runs at nice 10 on a shared machine, where one frame can
    // wait seconds for a core; a server that held its frames back would move the median.
    assert.ok(arrived.length > 0, `${variant}: no frame's arrival was seen`);
    const arrivedMedian = median(arrived) as number;
    assert.ok(
      arrivedMedian < 500,
      `${variant}: frames reached the page a median ${arrivedMedian} ms after their window closed`,
    );
  }
  phase('done');
  t.diagnostic(phases.join(', '));
});
