/**
 * The bench flags, declared once: `bench` takes all of them, `lesson` and `verify` the three that
 * set how long a measurement takes, over their own defaults. Each flag names the option it sets,
 * so the flags and the options they map to cannot drift apart.
 */
import type { Argv } from 'yargs';
import type { BenchOptions } from '../../bench/report/types.ts';
import {
  DEFAULT_OPTIONS,
  QUICK_OPTIONS,
  STALL_THRESHOLD_MS,
  validateOptions,
} from '../../bench/run/options.ts';

interface BenchFlag {
  /** The BenchOptions field this flag sets. */
  key: keyof BenchOptions;
  describe: string;
  /** What `lesson` and `verify` say instead, where they say less. */
  brief?: string;
  /** The default --help shows, where DEFAULT_OPTIONS holds none. */
  shownDefault?: number;
}

const BENCH_FLAGS = {
  duration: { key: 'durationSec', describe: 'Seconds of measured load per run' },
  warmup: { key: 'warmupSec', describe: 'Seconds of unmeasured load before each run' },
  connections: { key: 'connections', describe: 'Concurrent connections' },
  runs: {
    key: 'runs',
    describe: 'Runs per variant, each on a fresh server, interleaved',
    brief: 'Runs per variant, interleaved',
  },
  'ping-rate': { key: 'pingRateHz', describe: 'Bystander /ping calls per second' },
  timeout: { key: 'timeoutSec', describe: 'Seconds before a request counts as timed out' },
  'timeline-interval': {
    key: 'timelineIntervalMs',
    describe: 'Milliseconds per lag-timeline point',
  },
  workers: {
    key: 'workers',
    describe:
      "Run autocannon on this many worker threads of its own, when one thread is saturated [default: autocannon on looplab's thread]",
  },
  'stall-threshold': {
    key: 'stallThresholdMs',
    describe:
      'Milliseconds the loop must be late before the stack holding it is captured; implies --stalls',
    shownDefault: STALL_THRESHOLD_MS,
  },
} as const satisfies Record<string, BenchFlag>;

type FlagName = keyof typeof BENCH_FLAGS;

/** The flags as yargs gives them to a handler (camel-cased), each a number when given. */
export interface BenchFlags {
  duration?: number;
  warmup?: number;
  connections?: number;
  runs?: number;
  pingRate?: number;
  timeout?: number;
  timelineInterval?: number;
  workers?: number;
  stallThreshold?: number;
  /** --no-stalls: no watchdog, no stacks. */
  stalls?: boolean;
}

/** The flags `lesson` and `verify` take: a lesson's other options are its own. */
export const LESSON_FLAGS: readonly FlagName[] = ['duration', 'warmup', 'runs'];

/** The description bench's --help shows: with its default, where there is one to show. */
function withDefault(flag: BenchFlag): string {
  const shown = flag.shownDefault ?? DEFAULT_OPTIONS[flag.key];
  return shown == null ? flag.describe : `${flag.describe} [default: ${shown}]`;
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Adds bench flags to a command: every one by default, with its default in the help (bench);
 * or only `names`, without defaults, since the lesson decides them (lesson, verify).
 */
export function withBenchFlags<T>(
  y: Argv<T>,
  names: readonly FlagName[] = Object.keys(BENCH_FLAGS) as FlagName[],
): Argv<T & BenchFlags> {
  const all = names.length === Object.keys(BENCH_FLAGS).length;
  let out = y as Argv<T & BenchFlags>;
  for (const name of names) {
    const flag: BenchFlag = BENCH_FLAGS[name];
    out = out.option(name, {
      type: 'number',
      describe: all ? withDefault(flag) : (flag.brief ?? flag.describe),
    }) as Argv<T & BenchFlags>;
  }
  return all ? withStallsFlag(out) : out;
}

function withStallsFlag<T>(y: Argv<T>): Argv<T> {
  return y.option('stalls', {
    type: 'boolean',
    describe:
      'Name the code that held the loop: a watchdog thread in each server captures the stack whenever the loop stalls (off by default, as it adds ~10 MiB to peak RSS; see docs/stalls.md)',
  });
}

/** The two stall flags alone, for a command that takes no other bench flag (serve). */
export function withStallFlags<T>(
  y: Argv<T>,
): Argv<T & Pick<BenchFlags, 'stalls' | 'stallThreshold'>> {
  const flag = BENCH_FLAGS['stall-threshold'];
  return withStallsFlag(y).option('stall-threshold', {
    type: 'number',
    describe: `${flag.describe} [default: ${flag.shownDefault}]`,
  }) as Argv<T & Pick<BenchFlags, 'stalls' | 'stallThreshold'>>;
}

/** The options the numeric flags given set, and only those (--stalls aside). */
export function givenOptions(flags: BenchFlags): Partial<Record<keyof BenchOptions, number>> {
  const given: Partial<Record<keyof BenchOptions, number>> = {};
  for (const [name, flag] of Object.entries(BENCH_FLAGS) as [FlagName, BenchFlag][]) {
    const value = flags[camel(name) as Exclude<keyof BenchFlags, 'stalls'>];
    if (value !== undefined) given[flag.key] = value;
  }
  return given;
}

/**
 * The options in force: the defaults, then `base` (--quick, or a lesson's own), then every flag
 * given explicitly.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION for a flag out of range.
 */
export function optionsFromFlags(
  flags: BenchFlags,
  base: Partial<BenchOptions> = {},
): BenchOptions {
  const given = givenOptions(flags);
  // --stalls turns capture on at the base's threshold or the usual one; a threshold alone
  // implies it; --no-stalls wins over both.
  const stalls =
    flags.stalls === false
      ? { stallThresholdMs: null }
      : flags.stalls && given.stallThresholdMs === undefined
        ? { stallThresholdMs: base.stallThresholdMs ?? STALL_THRESHOLD_MS }
        : {};
  return validateOptions({ ...DEFAULT_OPTIONS, ...base, ...given, ...stalls });
}

/** bench's options: `--quick` over the defaults, then the flags. */
export function benchOptions(flags: BenchFlags & { quick?: boolean }): BenchOptions {
  return optionsFromFlags(flags, flags.quick ? QUICK_OPTIONS : {});
}
