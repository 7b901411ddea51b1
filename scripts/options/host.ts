/**
 * `serve --host`: the address the server binds. Loopback unless the user says otherwise.
 *
 * A scenario server blocks its event loop on purpose and answers anyone who asks, without
 * authentication: on any other address, every machine that can reach this one could hold it
 * busy, or read its files through a learner's handler. So a non-loopback address needs
 * `--allow-remote`, and the refusal says why.
 */
import { isIP } from 'node:net';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';

/** Whether `host` is a loopback address: `localhost`, 127.0.0.0/8, `::1` or IPv4-mapped 127.x. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}

/**
 * The address to bind, checked.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION for a host that is not an address, or that is not
 *   loopback without `allowRemote`.
 */
export function checkHost(host: string, allowRemote: boolean): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare !== 'localhost' && isIP(bare) === 0) {
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `--host must be an IP address or localhost, got "${host.slice(0, 80)}"`,
    );
  }
  if (!isLoopback(bare) && !allowRemote) {
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `--host ${bare} is not a loopback address: other machines could reach a server that blocks ` +
        'on purpose and has no authentication; add --allow-remote if you mean it, or use 127.0.0.1',
    );
  }
  return bare;
}

/** A URL's host part: an IPv6 address in brackets; an unspecified address as 127.0.0.1 for curl. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return isIP(host) === 6 ? `[${host}]` : host;
}
