/** When `looplab live` opens the browser, and with what: the decision, exactly. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserOpener, openBrowser } from '../../bench/live/open-browser.ts';

const URL = 'http://127.0.0.1:8123/?token=abc_DEF-123';

describe('opening the browser', () => {
  it('uses the platform opener, the URL one argument of it', () => {
    assert.deepEqual(browserOpener(URL, 'darwin', {}), { command: 'open', args: [URL] });
    assert.deepEqual(browserOpener(URL, 'win32', {}), { command: 'explorer.exe', args: [URL] });
    assert.deepEqual(browserOpener(URL, 'linux', { DISPLAY: ':0' }), {
      command: 'xdg-open',
      args: [URL],
    });
    assert.deepEqual(browserOpener(URL, 'linux', { WAYLAND_DISPLAY: 'wayland-0' }), {
      command: 'xdg-open',
      args: [URL],
    });
    assert.deepEqual(browserOpener(URL, 'freebsd', { DISPLAY: ':1' }), {
      command: 'xdg-open',
      args: [URL],
    });
  });

  it('does not try in CI, without a display on Linux, or for what is not http(s)', () => {
    assert.equal(browserOpener(URL, 'linux', {}), null);
    assert.equal(browserOpener(URL, 'linux', { DISPLAY: '' }), null);
    assert.equal(browserOpener(URL, 'freebsd', {}), null);
    for (const platform of ['darwin', 'win32', 'linux'] as const)
      assert.equal(browserOpener(URL, platform, { CI: 'true', DISPLAY: ':0' }), null, platform);
    assert.equal(browserOpener(URL, 'linux', { CI: '1', DISPLAY: ':0' }), null);
    // CI set to nothing is not set.
    assert.notEqual(browserOpener(URL, 'linux', { CI: '', DISPLAY: ':0' }), null);
    assert.equal(browserOpener('file:///etc/passwd', 'darwin', {}), null);
    assert.equal(browserOpener('javascript:alert(1)', 'win32', {}), null);
  });

  it('says whether it tried, and does not start anything when it should not', () => {
    assert.equal(openBrowser(URL, 'linux', { CI: 'true', DISPLAY: ':0' }), false);
    assert.equal(openBrowser(URL, 'linux', {}), false);
  });
});
