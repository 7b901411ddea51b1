/** `serve --host`: loopback by default, anything else only with --allow-remote. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkHost, isLoopback, urlHost } from '../../scripts/options/host.ts';
import { throwsCoded } from './fixtures.ts';

describe('serve --host', () => {
  it('knows loopback addresses', () => {
    for (const h of ['localhost', '127.0.0.1', '127.8.9.10', '::1', '[::1]', '::ffff:127.0.0.1'])
      assert.equal(isLoopback(h), true, h);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', '128.0.0.1', '::2', 'example.com'])
      assert.equal(isLoopback(h), false, h);
  });

  it('refuses a non-loopback address without --allow-remote, saying why', () => {
    throwsCoded(() => checkHost('0.0.0.0', false), 'LOOPLAB_ERR_BAD_OPTION', /--allow-remote/);
    throwsCoded(() => checkHost('::', false), 'LOOPLAB_ERR_BAD_OPTION', /no authentication/);
    assert.equal(checkHost('0.0.0.0', true), '0.0.0.0');
    assert.equal(checkHost('[::1]', false), '::1');
  });

  it('refuses what is not an address, even with --allow-remote', () => {
    throwsCoded(() => checkHost('example.com', true), 'LOOPLAB_ERR_BAD_OPTION', /IP address/);
    throwsCoded(() => checkHost('', true), 'LOOPLAB_ERR_BAD_OPTION', /IP address/);
  });

  it('writes a URL a person can curl', () => {
    assert.equal(urlHost('0.0.0.0'), '127.0.0.1');
    assert.equal(urlHost('::1'), '[::1]');
    assert.equal(urlHost('127.0.0.2'), '127.0.0.2');
  });
});
