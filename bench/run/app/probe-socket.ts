/**
 * The Unix socket a `--cmd` app's preload reports to, in a private folder of its own (mkdtemp
 * makes it 0700): no other local user can connect to it, or plant a socket in its place.
 *
 * A Unix socket's path must fit in `sockaddr_un` (108 bytes on Linux, 104 on macOS, with the NUL
 * that ends it), and libuv cuts a longer one short without a word: under a long TMPDIR the socket
 * landed outside its private folder, where it stayed. Such a TMPDIR gives way to /tmp.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The longest socket path that fits everywhere looplab runs: macOS's 104 bytes, less the NUL. */
export const MAX_SOCKET_PATH_BYTES = 103;
const PREFIX = 'looplab-app-';
const SOCKET = 'probe.sock';

/** The folder to make the private folder in: `tmp`, unless the socket's path would not fit. */
export function socketFolderBase(tmp: string, fallback = '/tmp'): string {
  // mkdtemp adds six characters to the prefix.
  const longest = join(tmp, `${PREFIX}XXXXXX`, SOCKET);
  return Buffer.byteLength(longest) <= MAX_SOCKET_PATH_BYTES ? tmp : fallback;
}

export interface ProbeSocket {
  readonly server: Server;
  /** What the preload connects to. */
  readonly path: string;
  /** The private folder it sits in, ours alone (mkdtemp). */
  readonly dir: string;
  /** Stops listening and removes the private folder. */
  close(): Promise<void>;
}

/**
 * Listens on a fresh socket in a private folder; the folder is removed when listening fails.
 *
 * @throws the listen's error, or mkdtemp's.
 */
export async function openProbeSocket(onConnection: (s: Socket) => void): Promise<ProbeSocket> {
  const dir = await mkdtemp(join(socketFolderBase(tmpdir()), PREFIX));
  const path =
    process.platform === 'win32'
      ? `\\\\.\\pipe\\looplab-${process.pid}-${Date.now()}`
      : join(dir, SOCKET);
  const server = createServer(onConnection);
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, resolve);
    });
  } catch (err) {
    await remove();
    throw err;
  }
  server.unref();
  return {
    server,
    path,
    dir,
    close: async () => {
      server.close();
      await remove();
    },
  };
}
