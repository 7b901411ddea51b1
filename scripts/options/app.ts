/**
 * bench's flags for a user's own server (`--cmd`, `--vs-cmd`, `--url` and the flags that go with
 * them), and their translation into an AppBenchSpec, with one clear error for each mistake.
 */
import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { checkCommand } from '../../bench/run/app/command.ts';
import type { AppBenchSpec, AppPath, AppSide } from '../../bench/run/app-bench.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';

export interface AppFlags {
  cmd?: string;
  vsCmd?: string;
  url?: string;
  path: string[];
  ping?: string;
  name: string;
  vsName: string;
  port?: number;
  method: string;
  header: string[];
  body?: string;
  /** Absent: the default of what is started (START_TIMEOUT_SEC). */
  startTimeout?: number;
}

const badOption = (message: string) => new LooplabError(ERROR_CODES.BAD_OPTION, message);

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * How long a server may take to listen, in seconds, when --start-timeout is left out: an app's
 * own start (a framework, a database connection, tsx) can take far longer than a scenario's.
 */
export const START_TIMEOUT_SEC = { app: 30, scenario: 15 } as const;

/** --start-timeout in ms, or the default of `what`. @throws {LooplabError} out of range. */
export function startTimeoutMs(
  flag: number | undefined,
  what: keyof typeof START_TIMEOUT_SEC,
): number {
  if (flag === undefined) return START_TIMEOUT_SEC[what] * 1000;
  if (!(flag >= 1 && flag <= 600)) {
    throw badOption(`--start-timeout must be a number from 1 to 600, got ${flag}`);
  }
  return flag * 1000;
}

/** @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION when a scenario-only flag comes with --cmd or --url. */
export function checkScenarioFlagsUnused(flags: {
  variant: string[];
  param: string[];
  cpuProf?: string;
}): void {
  const used = [
    flags.variant.length > 0 && '--variant',
    flags.param.length > 0 && '--param',
    flags.cpuProf !== undefined && '--cpu-prof',
  ].filter(Boolean);
  if (used.length > 0) {
    throw badOption(
      `${used.join(' and ')} apply to scenarios, not to --cmd or --url; leave it out`,
    );
  }
}

/** @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION when a flag for your own server comes without --cmd or --url. */
export function checkAppFlagsUnused(flags: AppFlags): void {
  const used = [
    flags.path.length > 0 && '--path',
    flags.ping !== undefined && '--ping',
    flags.port !== undefined && '--port',
    flags.header.length > 0 && '--header',
    flags.body !== undefined && '--body',
    flags.method.toUpperCase() !== 'GET' && '--method',
  ].filter(Boolean);
  if (used.length > 0) {
    throw badOption(
      `${used.join(' and ')} ${used.length === 1 ? 'goes' : 'go'} with --cmd or --url; scenarios answer GET / only`,
    );
  }
}

/**
 * The flags of your own server that `bench` and `live` share, defined once so both read them the
 * same way (`live` calls the port `--app-port`: its `--port` is the page's).
 */
export const cmdOption = {
  type: 'string',
  describe:
    'Your own server: the command that starts it (e.g. "node server.js", "npm start"); the probe is preloaded, no code change',
} as const;

export const pathOption = {
  type: 'string',
  array: true,
  nargs: 1,
  default: [] as string[],
  describe:
    'A route to load (repeatable), each measured on its own: "/orders", "POST /orders", "POST /orders @order.json"',
} as const;

export const appPortOption = {
  type: 'number',
  describe: 'The port to measure, when the app listens on more than one',
} as const;

export const methodOption = {
  type: 'string',
  default: 'GET',
  describe: 'The HTTP method for paths that do not name one',
} as const;

export const headerOption = {
  type: 'string',
  array: true,
  nargs: 1,
  default: [] as string[],
  describe: 'A header sent with every request (repeatable): "content-type: application/json"',
} as const;

export const bodyOption = {
  type: 'string',
  describe: "The body sent with requests whose method takes one: text, or @file for a file's bytes",
} as const;

export const startTimeoutOption = {
  type: 'number',
  describe: `Seconds a server may take to listen before its run fails (default: ${START_TIMEOUT_SEC.app} for --cmd, ${START_TIMEOUT_SEC.scenario} for a scenario)`,
} as const;

/** Adds the flags to bench. */
export function withAppFlags<T>(y: Argv<T>): Argv<T & AppFlags> {
  return y
    .option('cmd', cmdOption)
    .option('vs-cmd', {
      type: 'string',
      describe:
        'A second command, measured as a pair with --cmd (interleaved run by run) and compared with a paired test',
    })
    .option('url', {
      type: 'string',
      describe:
        'Benchmark a server that is already running, here or elsewhere (no probe: loop metrics are null)',
    })
    .option('path', pathOption)
    .option('ping', {
      type: 'string',
      describe:
        "The app's own cheap route for the bystander (e.g. /health); default: the probe serves one on a port of its own",
    })
    .option('name', {
      type: 'string',
      default: 'app',
      describe: 'The name of the app in the report (its "scenario")',
    })
    .option('vs-name', {
      type: 'string',
      default: 'vs',
      describe: "The name of --vs-cmd's side in the report",
    })
    .option('port', appPortOption)
    .option('method', methodOption)
    .option('header', headerOption)
    .option('body', bodyOption)
    .option('start-timeout', startTimeoutOption)
    .group(
      [
        'cmd',
        'vs-cmd',
        'url',
        'path',
        'ping',
        'name',
        'vs-name',
        'port',
        'method',
        'header',
        'body',
        'start-timeout',
      ],
      'Your own server:',
    ) as unknown as Argv<T & AppFlags>;
}

/** True when the flags ask for an app, not scenarios. */
export function wantsApp(flags: Pick<AppFlags, 'cmd' | 'vsCmd' | 'url'>): boolean {
  return flags.cmd !== undefined || flags.vsCmd !== undefined || flags.url !== undefined;
}

/** `content-type: application/json` → the name (lower-cased) and value. */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw badOption(`--header takes "name: value", got '${text}'`);
  }
  return [name.toLowerCase(), text.slice(colon + 1).trim()];
}

/** The longest `--path` a report keeps as a variant name (the schema's bound). */
const MAX_PATH_LABEL = 2048;

/** A path spec: `[METHOD] /path [@bodyfile]`, split. */
export interface PathSpec {
  label: string;
  method: string | undefined;
  path: string;
  bodyFile: string | undefined;
}

/** @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION for a path without its leading slash, or a bad method. */
export function parsePathSpec(text: string): PathSpec {
  const words = text.trim().split(/\s+/).filter(Boolean);
  let method: string | undefined;
  if (words[0] && !words[0].startsWith('/') && /^[A-Za-z]+$/.test(words[0])) {
    method = words.shift()?.toUpperCase();
  }
  const path = words.shift() ?? '';
  const bodyFile = words[0]?.startsWith('@') ? words.shift()?.slice(1) : undefined;
  if (!path.startsWith('/') || words.length > 0 || bodyFile === '') {
    throw badOption(
      `--path takes "[METHOD] /path [@bodyfile]" and the path starts with /, got '${text}'`,
    );
  }
  if (text.trim().length > MAX_PATH_LABEL) {
    throw badOption(`--path is longer than ${MAX_PATH_LABEL} characters; shorten it`);
  }
  if (method !== undefined && !METHODS.includes(method)) {
    throw badOption(`--path names an unknown method '${method}'; use one of ${METHODS.join(', ')}`);
  }
  return { label: text.trim(), method, path, bodyFile };
}

/**
 * An http(s) URL: its origin, and its path with the query.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION when it is not an http or https URL.
 */
export function parseUrl(text: string): { origin: string; path: string } {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw badOption(`--url takes an http:// or https:// URL, got '${text}'`);
  }
  return { origin: url.origin, path: `${url.pathname}${url.search}` };
}

async function readBody(text: string, flag: string): Promise<Buffer> {
  if (!text.startsWith('@')) return Buffer.from(text);
  const file = text.slice(1);
  try {
    return await readFile(file);
  } catch (cause) {
    throw new LooplabError(
      ERROR_CODES.NO_SUCH_FILE,
      `${flag} names ${file}, which cannot be read (${(cause as NodeJS.ErrnoException).code ?? cause})`,
      { cause },
    );
  }
}

/**
 * Checks the flags and builds what to run, reading body files; nothing is started.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION for a bad flag or combination,
 *   LOOPLAB_ERR_COMMAND_NOT_FOUND for a command that does not exist,
 *   LOOPLAB_ERR_NO_SUCH_FILE for a body file that cannot be read.
 */
export async function appSpec(
  flags: AppFlags,
  scenarios: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<AppBenchSpec> {
  if (flags.cmd !== undefined && flags.url !== undefined) {
    throw badOption('give --cmd (a command looplab starts) or --url (a running server), not both');
  }
  if (flags.vsCmd !== undefined && flags.cmd === undefined) {
    throw badOption('--vs-cmd is measured against --cmd; give --cmd too');
  }
  if (scenarios.length > 0) {
    throw badOption(
      `--cmd and --url benchmark your server, not scenarios; leave out ${scenarios.join(' ')}`,
    );
  }
  for (const [flag, name] of [
    ['--name', flags.name],
    ['--vs-name', flags.vsName],
  ] as const) {
    if (!NAME.test(name)) {
      throw badOption(`${flag} takes a kebab-case name like my-app, got '${name}'`);
    }
  }
  if (flags.vsCmd !== undefined && flags.name === flags.vsName) {
    throw badOption(`--name and --vs-name must differ; both are '${flags.name}'`);
  }
  if (
    flags.port !== undefined &&
    !(Number.isInteger(flags.port) && flags.port > 0 && flags.port < 65536)
  ) {
    throw badOption(`--port must be a port number from 1 to 65535, got ${flags.port}`);
  }
  const readyTimeoutMs = startTimeoutMs(flags.startTimeout, 'app');
  const defaultMethod = flags.method.toUpperCase();
  if (!METHODS.includes(defaultMethod)) {
    throw badOption(`--method must be one of ${METHODS.join(', ')}, got '${flags.method}'`);
  }
  if (flags.ping !== undefined && !flags.ping.startsWith('/')) {
    throw badOption(`--ping takes a path that starts with /, got '${flags.ping}'`);
  }
  const url = flags.url === undefined ? undefined : parseUrl(flags.url);
  for (const [flag, command] of [
    ['--cmd', flags.cmd],
    ['--vs-cmd', flags.vsCmd],
  ] as const) {
    if (command !== undefined) checkCommand(command, flag, process.cwd(), env.PATH ?? '');
  }

  const headers = Object.fromEntries(flags.header.map(parseHeader));
  const body = flags.body === undefined ? null : await readBody(flags.body, '--body');
  const specs =
    flags.path.length > 0 ? flags.path.map(parsePathSpec) : [parsePathSpec(url?.path ?? '/')];
  const paths: AppPath[] = [];
  for (const spec of specs) {
    const method = spec.method ?? defaultMethod;
    const takesBody = method !== 'GET' && method !== 'HEAD';
    paths.push({
      label: spec.label,
      request: {
        method,
        path: spec.path,
        headers,
        body: spec.bodyFile
          ? await readBody(`@${spec.bodyFile}`, '--path')
          : takesBody
            ? body
            : null,
      },
    });
  }

  const quote = (c: string) => JSON.stringify(c);
  const sides: AppSide[] = url
    ? [{ name: flags.name, label: `--url ${flags.url}`, command: null, url: url.origin }]
    : [
        {
          name: flags.name,
          label: `--cmd ${quote(flags.cmd as string)}`,
          command: flags.cmd as string,
          url: null,
        },
        ...(flags.vsCmd === undefined
          ? []
          : [
              {
                name: flags.vsName,
                label: `--vs-cmd ${quote(flags.vsCmd)}`,
                command: flags.vsCmd,
                url: null,
              },
            ]),
      ];
  return {
    sides,
    paths,
    ...(flags.port !== undefined && { port: flags.port }),
    pingPath: flags.ping ?? null,
    readyTimeoutMs,
    env,
  };
}

/**
 * Checks that a server answers at `origin` before minutes of load are aimed at it.
 *
 * @throws {LooplabError} LOOPLAB_ERR_URL_UNREACHABLE when nothing answers there.
 */
export async function checkReachable(
  origin: string,
  path: string,
  timeoutMs = 5000,
): Promise<void> {
  try {
    const res = await fetch(`${origin}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
  } catch (cause) {
    const code = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).name;
    throw new LooplabError(
      ERROR_CODES.URL_UNREACHABLE,
      `nothing answered at ${origin}${path} (${code}); start the server first, or check the URL`,
      { cause },
    );
  }
}
