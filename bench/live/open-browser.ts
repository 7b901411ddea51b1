/**
 * Opens the live page in the user's browser, when there is one to open: never in CI, and on
 * Linux and the BSDs never without a display (a server over SSH, a container), where the opener
 * would fail or start a text browser inside the terminal looplab prints to.
 *
 * The URL is passed as one argument to the opener, never inside a shell string: on Windows that
 * rules out `start`, a builtin of cmd.exe, which would read `&` or `^` in a URL as its own syntax,
 * so explorer.exe opens it instead.
 */
import { spawn } from 'node:child_process';

export interface Opener {
  command: string;
  args: string[];
}

/**
 * The command that opens `url` on `platform`, or null when looplab should not try: `CI` set (to
 * anything but an empty string), no DISPLAY or WAYLAND_DISPLAY on a Unix other than macOS, or a
 * URL that is not http(s) (an opener would run a file).
 */
export function browserOpener(
  url: string,
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
): Opener | null {
  if (!/^https?:\/\//i.test(url)) return null;
  if (env.CI !== undefined && env.CI !== '') return null;
  if (platform === 'darwin') return { command: 'open', args: [url] };
  if (platform === 'win32') return { command: 'explorer.exe', args: [url] };
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return null;
  return { command: 'xdg-open', args: [url] };
}

/**
 * Tries to open `url`, detached, without waiting for the opener or keeping this process alive
 * for it. Returns whether it tried: a missing opener fails quietly, since looplab has printed
 * the address anyway.
 */
export function openBrowser(
  url: string,
  platform: NodeJS.Platform = process.platform,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  const opener = browserOpener(url, platform, env);
  if (opener === null) return false;
  try {
    const child = spawn(opener.command, opener.args, {
      detached: true,
      stdio: 'ignore',
      shell: false,
      windowsHide: true,
    });
    child.on('error', () => {});
    child.unref();
  } catch {
    // spawn throws synchronously only for bad arguments; the address is printed either way.
  }
  return true;
}
