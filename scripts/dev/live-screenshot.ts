/**
 * Takes the README's screenshot of `looplab live` (docs/images/live.png): a real `looplab live
 * busy-wait --no-open` run, its page opened in the headless Chromium the browser tests use
 * (test/integration/chromium.ts), shot at 1280 px wide once about 10 s of frames are drawn; and
 * the whole page at 360 px wide (a phone's), in the temp dir in pieces 1,200 px tall, small
 * enough to look at. Then Stop on the page ends the run, as a learner would.
 *
 * Usage: node dist/scripts/dev/live-screenshot.js [out=docs/images/live.png] [seconds=10]
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { findChromium } from '../../test/integration/chromium.ts';

const out = process.argv[2] ?? 'docs/images/live.png';
const seconds = Number(process.argv[3] ?? 10);
const narrow = (i: number) => join(tmpdir(), `looplab-live-360-${i}.png`);
const PIECE_PX = 1200;
const cli = fileURLToPath(new URL('../cli.js', import.meta.url));

const child = spawn(process.execPath, [cli, 'live', 'busy-wait', '--no-open', '--port', '0'], {
  env: { ...process.env, NO_COLOR: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let stdout = '';
child.stdout.on('data', (c: Buffer) => {
  stdout += c.toString();
});
const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

const found = await findChromium();
const browser = await chromium.launch({ executablePath: found.executablePath, args: found.args });
try {
  let url: string | undefined;
  for (let i = 0; i < 300 && !url; i++) {
    url = stdout.match(/the page is at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/)?.[1];
    if (!url) await sleep(100);
  }
  if (!url) throw new Error(`looplab live printed no address:\n${stdout}`);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await sleep(seconds * 1000);
  // The viewport only: what a reader of the README sees first, at a size it can show.
  await page.screenshot({ path: out });
  await page.setViewportSize({ width: 360, height: 800 });
  await sleep(1000);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const pieces: string[] = [];
  for (let y = 0; y < height; y += PIECE_PX) {
    const path = narrow(pieces.length + 1);
    const clip = { x: 0, y, width: 360, height: Math.min(PIECE_PX, height - y) };
    await page.screenshot({ path, fullPage: true, clip });
    pieces.push(path);
  }
  await page.locator('#stop').click();
  console.log(`${out} (1280 px); at 360 px: ${pieces.join(' ')}`);
} finally {
  await browser.close();
  // Stopped from the page; if it never got there, SIGTERM reaps its servers all the same.
  const timer = setTimeout(() => child.kill('SIGTERM'), 15_000);
  await exited;
  clearTimeout(timer);
}
