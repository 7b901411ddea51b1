/**
 * The in-process probe: what the event loop of this server went through in a window.
 *
 * It runs inside the server child because only there can the loop's own delay be seen.
 * The harness resets it when the measurement window opens (so warm-up is excluded) and reads it
 * over IPC when the window closes.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { round } from '../../core/numbers.ts';
import { createLagHistograms } from './lag-histograms.ts';
import type { ProbeData, ProbeFrame, StallOptions, TimelinePoint } from './protocol.ts';
import { type StallWatchdog, startStallWatchdog } from './stall-watchdog.ts';

/** The sampler fires every 10 ms, monitorEventLoopDelay's default resolution. */
const RESOLUTION_MS = 10;

/**
 * How late a firing came: the time since the last one less the interval, which every interval
 * includes (monitorEventLoopDelay records it whole). Clamped because a firing can be early.
 */
const lateMs = (sinceLastMs: number) => Math.max(0, sinceLastMs - RESOLUTION_MS);

/** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every mainstream kernel. */
const PROC_TICKS_PER_SEC = 100;

/**
 * CPU time of this thread alone (the event loop's), in ms, or null where neither Node nor the OS
 * says. Unlike process.cpuUsage(), it leaves out the threadpool and worker threads, so it tells
 * work done on the loop from work moved off it; and unlike any timing, a busy machine does not
 * move it, since time the thread spends waiting for a core is not CPU time.
 */
function loopCpuMs(): number | null {
  const threadCpuUsage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
  if (threadCpuUsage) {
    const { user, system } = threadCpuUsage();
    return (user + system) / 1000;
  }
  // Node 20, which has no threadCpuUsage: on Linux the main thread's task has the process's id,
  // and utime and stime are the 12th and 13th fields after the command name, in clock ticks.
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / PROC_TICKS_PER_SEC : null;
  } catch {
    return null;
  }
}

export interface Probe {
  /**
   * Opens a new window. With `windowMs`, the probe closes the window itself when that time is
   * up and later reads return that reading.
   */
  reset(windowMs?: number): void;
  /** Asynchronous because what held the loop is kept on the stall watchdog's thread. */
  read(): Promise<ProbeData>;
  /**
   * What happened since the previous frame (or the start), and the next frame starts at once:
   * for `looplab live`, while the load runs. Leaves the window alone, but takes over the stall
   * watchdog's tally (the window's stalls are not read while frames are).
   */
  frame(): Promise<ProbeFrame>;
  stop(): void;
  /** Resolves once every part of the probe measures: await it before serving. */
  readonly ready: Promise<void>;
}

export interface ProbeOptions {
  /** Capture what held the loop; `root` is what its files are shown relative to. */
  stalls?: StallOptions & { root: string };
  /** Bytes the scenario has written to its own output so far (Scenario.output); read at the window's edges. */
  output?: () => number;
}

/** Starts measuring at once; call `reset()` to open a new window. */
export function createProbe(timelineIntervalMs: number, options: ProbeOptions = {}): Probe {
  const watchdog: StallWatchdog | undefined = options.stalls
    ? startStallWatchdog(options.stalls)
    : undefined;
  // The probe's own sampler feeds the lag histograms rather than monitorEventLoopDelay, whose one
  // sample per late firing cannot be corrected for the firings a stall made it miss.
  const lag = createLagHistograms(RESOLUTION_MS);
  // The frame's own histograms, fed by the same sampler, so a frame never disturbs a window.
  const frameLag = createLagHistograms(RESOLUTION_MS);
  let frameStart = performance.now();
  let frameElu = performance.eventLoopUtilization();
  let frameCpu = process.cpuUsage();

  let windowStart = 0;
  let eluStart = performance.eventLoopUtilization();
  let cpuStart = process.cpuUsage();
  let loopCpuStart = loopCpuMs();
  let outputStart = options.output?.() ?? 0;
  let timeline: TimelinePoint[] = [];
  let rssMax = 0;
  let heapMax = 0;
  let lastTick = 0;
  let pointStart = 0;
  let pointLagMax = 0;
  let eluPoint = eluStart;
  let timelineLagMax = 0;
  let closeTimer: NodeJS.Timeout | undefined;
  let closed: ProbeData | null = null;
  let windowStartEpochMs = 0;

  let samplesSinceHeap = 0;
  function sampleMemory(): void {
    // rss() alone is a cheap syscall; the full memoryUsage() walks V8's heap spaces, so the heap
    // is sampled once a second (every tenth point at the default interval) and at the edges.
    rssMax = Math.max(rssMax, process.memoryUsage.rss());
    if (samplesSinceHeap++ % 10 === 0) heapMax = Math.max(heapMax, process.memoryUsage().heapUsed);
  }

  function reset(windowMs?: number): void {
    clearTimeout(closeTimer);
    closed = null;
    // Why a timer in here rather than a read from the harness at the end of the load: when the
    // load stops, requests it already sent are still queued on this loop. A blocked loop runs
    // its timers before it reads those sockets again, so this closes the window on time, while
    // an IPC read could be served only after all of them.
    if (windowMs !== undefined) {
      closeTimer = setTimeout(() => {
        closed = snapshot(windowMs);
      }, windowMs);
      closeTimer.unref();
    }
    lag.reset();
    watchdog?.reset(windowMs);
    windowStart = performance.now();
    windowStartEpochMs = performance.timeOrigin + windowStart;
    lastTick = windowStart;
    pointStart = windowStart;
    pointLagMax = 0;
    eluStart = performance.eventLoopUtilization();
    eluPoint = eluStart;
    cpuStart = process.cpuUsage();
    loopCpuStart = loopCpuMs();
    outputStart = options.output?.() ?? 0;
    timeline = [];
    timelineLagMax = 0;
    rssMax = 0;
    heapMax = 0;
    samplesSinceHeap = 0;
    sampleMemory();
  }

  // One sampler feeds the histograms and the timeline. Node re-arms an interval from when its
  // callback ran, so a stall delays the next firing instead of bunching the missed ones after it.
  const sampler = setInterval(() => {
    const now = performance.now();
    const late = lateMs(now - lastTick);
    lastTick = now;
    lag.record(late);
    frameLag.record(late);
    pointLagMax = Math.max(pointLagMax, late);
    if (now - pointStart < timelineIntervalMs) return;
    const elu = performance.eventLoopUtilization(eluPoint).utilization;
    timeline.push({
      tMs: round(now - windowStart),
      lagMaxMs: round(pointLagMax),
      elu: round(elu, 4),
    });
    timelineLagMax = Math.max(timelineLagMax, pointLagMax);
    pointLagMax = 0;
    pointStart = now;
    eluPoint = performance.eventLoopUtilization();
    sampleMemory();
  }, RESOLUTION_MS);
  sampler.unref();

  /**
   * The window's figures; `plannedMs` when its closing timer took it, which may fire late: a
   * blocked loop runs it only when the block is over. A due timer keeps the loop from waiting
   * for I/O, so the loop was busy all through the lateness, and the utilisation of the planned
   * window is its idle time over the planned length: the lateness does not stretch the window
   * that requests/s and the pings divide by. The lag, CPU and memory keep the whole window (the
   * block that held the timer began inside it).
   */
  function snapshot(plannedMs?: number): ProbeData {
    samplesSinceHeap = 0;
    sampleMemory();
    const cpu = process.cpuUsage(cpuStart);
    const loopCpuEnd = loopCpuMs();
    // A block that has just ended has not reached the sampler yet: it is counted as the firing
    // it held back, so a window that ends in a stall (or is one) still shows it.
    const now = performance.now();
    const pending = lateMs(now - lastTick);
    if (pending > 0) {
      lag.record(pending);
      pointLagMax = Math.max(pointLagMax, pending);
      lastTick = now;
    }
    const l = lag.read();
    const lagMaxMs = Math.max(l.maxMs, timelineLagMax, pointLagMax);
    const loop = performance.eventLoopUtilization(eluStart);
    const lateMsPastPlan = plannedMs === undefined ? undefined : now - windowStart - plannedMs;
    const elu =
      plannedMs !== undefined && plannedMs > 0 && (lateMsPastPlan ?? 0) > 0
        ? Math.min(1, Math.max(0, 1 - loop.idle / plannedMs))
        : loop.utilization;
    return {
      windowMs: round(now - windowStart),
      windowStartEpochMs: round(windowStartEpochMs, 3),
      ...(lateMsPastPlan !== undefined && { windowEndLateMs: round(Math.max(0, lateMsPastPlan)) }),
      lagP50Ms: round(l.p50Ms),
      lagP99Ms: round(l.p99Ms),
      lagRawP50Ms: round(l.rawP50Ms),
      lagRawP99Ms: round(l.rawP99Ms),
      lagMaxMs: round(lagMaxMs),
      lagSamples: l.samples,
      elu: round(elu, 4),
      cpuUserMs: round(cpu.user / 1000),
      cpuSystemMs: round(cpu.system / 1000),
      loopCpuMs:
        loopCpuStart === null || loopCpuEnd === null ? null : round(loopCpuEnd - loopCpuStart),
      rssMaxBytes: rssMax,
      heapUsedMaxBytes: heapMax,
      ...(options.output && { outputBytes: options.output() - outputStart }),
      timelineIntervalMs,
      timeline: [...timeline],
    };
  }

  async function read(): Promise<ProbeData> {
    const data = closed ?? snapshot();
    const stalls = await watchdog?.read();
    return stalls ? { ...data, stalls } : data;
  }

  async function frame(): Promise<ProbeFrame> {
    // The stalls first, the figures after: the watchdog's reply reaches this thread only when its
    // loop gets to it, which on a busy loop can be hundreds of ms. Read the other way round, the
    // frame's window would close before that wait and reach looplab that much late. So the
    // figures are read once the reply is in, and the answer goes out at once. The stall tally's
    // frame ends where it was asked for, a little earlier: a stall caught in between goes into
    // the next frame's tally, so each is still told once.
    const stalls = await watchdog?.frame();
    const now = performance.now();
    // A block that has just ended has not reached the sampler yet: counted now, in the window
    // too, as the sampler would have counted it a moment later.
    const pending = lateMs(now - lastTick);
    if (pending > 0) {
      lag.record(pending);
      frameLag.record(pending);
      pointLagMax = Math.max(pointLagMax, pending);
      lastTick = now;
    }
    const l = frameLag.read();
    const elu = performance.eventLoopUtilization(frameElu).utilization;
    const cpu = process.cpuUsage(frameCpu);
    const frameMs = now - frameStart;
    frameLag.reset();
    frameStart = now;
    frameElu = performance.eventLoopUtilization();
    frameCpu = process.cpuUsage();
    const figures: ProbeFrame = {
      frameMs: round(frameMs),
      frameEndEpochMs: round(performance.timeOrigin + now, 3),
      lagP50Ms: round(l.p50Ms),
      lagP99Ms: round(l.p99Ms),
      lagMaxMs: round(l.maxMs),
      lagSamples: l.samples,
      elu: round(elu, 4),
      cpuUserMs: round(cpu.user / 1000),
      cpuSystemMs: round(cpu.system / 1000),
      rssBytes: process.memoryUsage.rss(),
    };
    return stalls ? { ...figures, stalls } : figures;
  }

  function stop(): void {
    watchdog?.stop();
    clearTimeout(closeTimer);
    clearInterval(sampler);
  }

  reset();
  return { reset, read, frame, stop, ready: watchdog?.ready ?? Promise.resolve() };
}
