/**
 * `looplab lesson N --live`: the lesson's runs on `looplab live`'s page while the terminal lesson
 * runs as before. The page server is live's own (127.0.0.1, the token, the Host check); what it
 * streams is each run's window, watched (bench/live/runs-source.ts).
 */
import { openBrowser } from '../../bench/live/open-browser.ts';
import { type PageServer, startPageServer } from '../../bench/live/page-server.ts';
import { type RunsSource, runsSource } from '../../bench/live/runs-source.ts';
import { DEFAULT_FRAME_INTERVAL_MS } from '../../bench/live/session.ts';
import type { BenchOptions } from '../../bench/report/types.ts';
import type { BenchHooks } from '../../bench/run/benchmark.ts';
import { measurementParams } from '../../lessons/engine/measure.ts';
import type { Lesson, Measurement } from '../../lessons/engine/types.ts';
import { lessonNumber } from '../../lessons/registry.ts';
import { err } from './context.ts';

/** The lane of a measurement's variant: its name, and its measurement's when there are several. */
export function laneOf(lesson: Lesson, m: Measurement, variant: string): string {
  return lesson.measurements.length > 1 ? `${variant} (${m.key})` : variant;
}

export interface LessonLive {
  /** The page's address, with its token. */
  readonly url: string;
  /** Opens the page in the browser, as `looplab live` does (not with --no-open, CI, no display). */
  open(): void;
  /** The hooks that show `m`'s runs on the page. */
  hooks(m: Measurement): Pick<BenchHooks, 'onRunStart' | 'watchWindow'>;
  /** The lesson's runs are over: the page says so, and its server closes. */
  end(reason: string): Promise<void>;
}

/** Serves the page for `lesson`'s runs; nothing is measured until its hooks are given to them. */
export async function startLessonLive(
  lesson: Lesson,
  options: BenchOptions,
  flags: { open: boolean; port?: number },
): Promise<LessonLive> {
  const first = lesson.measurements[0];
  const source: RunsSource = runsSource({
    scenario: lesson.scenario.id,
    lanes: lesson.measurements.flatMap((m) => m.variants.map((v) => laneOf(lesson, m, v))),
    params: first ? measurementParams(lesson, first.params) : {},
    connections: options.connections,
    frameIntervalMs: DEFAULT_FRAME_INTERVAL_MS,
    lesson: { number: lessonNumber(lesson), id: lesson.id, title: lesson.title },
  });
  const page: PageServer = await startPageServer(source, { port: flags.port ?? 0 });
  let ended = false;
  return {
    url: page.url,
    open() {
      if (flags.open && openBrowser(page.url)) err('looplab lesson: opening it in your browser\n');
    },
    hooks(m) {
      const several = lesson.measurements.length > 1;
      return {
        onRunStart(job, index, total) {
          const lane = laneOf(lesson, m, job.variant);
          source.runStarts(
            `${several ? `${m.label}: ` : ''}run ${index + 1} of ${total}: ${job.variant}`,
            lane,
          );
        },
        watchWindow: (job, server, o) => source.watch(laneOf(lesson, m, job.variant), server, o),
      };
    },
    async end(reason) {
      if (ended) return;
      ended = true;
      source.end(reason);
      await page.close();
      await source.close();
    },
  };
}
