/**
 * TEMPORARY stand-ins for the open-load generator and sweep-core's pure functions, so the run
 * layer can be run end to end before they land; deleted once they are merged.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import type { OutgoingRequest } from '../../scenarios/request.ts';
import type { LoadResult } from '../report/types.ts';
import { LatencyHistogram } from '../stats/histogram.ts';
import type {
  Arrivals,
  Knee,
  LatencyPercentiles,
  Slo,
  SweepStep,
  TheoryPoint,
} from '../sweep/types.ts';

export interface OpenLoadOptions {
  url: string;
  requests: readonly OutgoingRequest[];
  arrivals: Arrivals;
  maxConnections: number;
  timeoutSec: number;
  seed?: number;
  signal?: AbortSignal;
}
export interface OpenWindow {
  load: LoadResult;
  step: Omit<SweepStep, 'elu' | 'lagP99Ms' | 'pingP99Ms' | 'limitedBy' | 'limitedWhy'>;
  generatorLimited: string | null;
  connectionsExhausted: boolean;
}
export interface OpenLoad {
  run(
    ratePerSec: number,
    durationSec: number,
    o?: { onStart?: () => void; settle?: boolean },
  ): Promise<OpenWindow>;
  close(): Promise<void>;
}

function pct(h: LatencyHistogram): LatencyPercentiles | null {
  if (h.count === 0) return null;
  const at = (p: number) => h.percentile(p) as number;
  return { p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: h.maxMs as number };
}

export async function startOpenLoad(options: OpenLoadOptions): Promise<OpenLoad> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxConnections });
  const url = new URL(options.url);
  return {
    async run(rate, durationSec, o = {}) {
      const corrected = new LatencyHistogram();
      const uncorrected = new LatencyHistogram();
      let due = 0;
      let sent = 0;
      let answered = 0;
      let answeredInWindow = 0;
      let errors = 0;
      let timeouts = 0;
      let non2xx = 0;
      let lastAnswer = 0;
      let exhausted = false;
      const out = new Set<Promise<void>>();
      const start = performance.now();
      const end = start + durationSec * 1000;
      o.onStart?.();
      let next = start;
      let i = 0;
      const send = (dueAt: number) => {
        due++;
        if (out.size >= options.maxConnections) exhausted = true;
        const r = options.requests[i++ % options.requests.length] as OutgoingRequest;
        const p = new Promise<void>((resolve) => {
          let sentAt = performance.now();
          const req = http.request(
            {
              host: url.hostname,
              port: url.port,
              method: r.method,
              path: r.path,
              headers: r.headers,
              agent,
              timeout: options.timeoutSec * 1000,
            },
            (res) => {
              res.resume();
              res.on('end', () => {
                const now = performance.now();
                answered++;
                if (now <= end) answeredInWindow++;
                lastAnswer = now - start;
                if (res.statusCode && (res.statusCode < 200 || res.statusCode > 299)) non2xx++;
                corrected.record(now - dueAt);
                uncorrected.record(now - sentAt);
                resolve();
              });
            },
          );
          req.on('socket', () => {
            sentAt = performance.now();
            sent++;
          });
          req.on('timeout', () => {
            timeouts++;
            corrected.record(options.timeoutSec * 1000);
            req.destroy();
          });
          req.on('error', () => {
            errors++;
            resolve();
          });
          req.end(r.body.length > 0 ? r.body : undefined);
        });
        out.add(p);
        void p.finally(() => out.delete(p));
      };
      while (!options.signal?.aborted) {
        const now = performance.now();
        while (next <= now && next < end) {
          send(next);
          const gap = 1000 / rate;
          next += options.arrivals === 'uniform' ? gap : -Math.log(1 - Math.random()) * gap;
        }
        if (next >= end) break;
        await new Promise((r) => setTimeout(r, Math.max(0, Math.min(5, next - now))));
      }
      const elapsedMs = performance.now() - start;
      if (o.settle) await Promise.all(out);
      const lat = pct(corrected);
      const load: LoadResult = {
        elapsedMs,
        requestsTotal: answered,
        requestsSent: sent,
        bytesTotal: 0,
        latencyP50Ms: lat?.p50 ?? 0,
        latencyP90Ms: lat?.p90 ?? 0,
        latencyP99Ms: lat?.p99 ?? 0,
        latencyMaxMs: lat?.max ?? 0,
        errors,
        timeouts,
        non2xx,
        ttfbMs: [],
        ...(answered > 0 && { lastAnswerMs: Math.min(lastAnswer, elapsedMs) }),
      };
      return {
        load,
        step: {
          offeredPerSec: rate,
          achievedPerSec: Math.round((answeredInWindow / (elapsedMs / 1000)) * 10) / 10,
          due,
          sent,
          answered,
          latencyMs: lat,
          uncorrectedLatencyMs: pct(uncorrected),
          errors,
          timeouts,
          generator: {
            elu: 0,
            sendLagP99Ms: 0,
            sendLagMaxMs: 0,
            connections: Object.values(agent.sockets).flat().length,
            maxConnections: options.maxConnections,
          },
        },
        generatorLimited: null,
        connectionsExhausted: exhausted,
      };
    },
    async close() {
      agent.destroy();
    },
  };
}

// ---- sweep-core stand-ins ----

export type RatePlan = { kind: 'list'; rates: number[] } | { kind: 'auto' };

const bad = (m: string) => new LooplabError(ERROR_CODES.BAD_OPTION, m);

export function parseRates(text: string): RatePlan {
  if (text === 'auto') return { kind: 'auto' };
  const range = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(text);
  if (range) {
    const [a, b, s] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (!(a > 0 && b >= a && s > 0)) throw bad(`--rates ${text}: needs 0 < from ≤ to, step > 0`);
    const rates: number[] = [];
    for (let r = a; r <= b + 1e-9; r += s) rates.push(r);
    return { kind: 'list', rates };
  }
  const rates = text.split(',').map(Number);
  if (rates.some((r) => !(r > 0))) throw bad(`--rates takes positive rates, got '${text}'`);
  return { kind: 'list', rates };
}

export function parseSlo(text: string): Slo {
  const m = /^(p50|p90|p99|p999|max)\s*<\s*(\d+(?:\.\d+)?)\s*ms$/.exec(text.trim());
  if (!m) throw bad(`--slo takes e.g. "p99<50ms", got '${text}'`);
  return { text, percentile: m[1] as keyof LatencyPercentiles, underMs: Number(m[2]) };
}

export function findKnee(steps: readonly SweepStep[], k: number): Knee {
  const base = steps[0]?.latencyMs?.p99 ?? null;
  let last: number | null = null;
  for (const s of steps) {
    const reasons: Knee['reasons'] = [];
    if (base !== null && (s.latencyMs?.p99 ?? Number.POSITIVE_INFINITY) > k * base)
      reasons.push('latency');
    if (s.elu !== null && s.elu >= 0.9) reasons.push('utilisation');
    if ((s.achievedPerSec ?? 0) < 0.95 * s.offeredPerSec) reasons.push('throughput');
    if (reasons.length > 0)
      return { atPerSec: s.offeredPerSec, reasons, lastGoodPerSec: last, baselineP99Ms: base };
    last = s.offeredPerSec;
  }
  return { atPerSec: null, reasons: [], lastGoodPerSec: last, baselineP99Ms: base };
}

export function sloRate(steps: readonly SweepStep[], slo: Slo | null): number | null {
  if (!slo) return null;
  let best: number | null = null;
  for (const s of steps) {
    const v = s.latencyMs?.[slo.percentile];
    if (v !== undefined && v < slo.underMs && (s.achievedPerSec ?? 0) >= 0.95 * s.offeredPerSec)
      best = Math.max(best ?? 0, s.offeredPerSec);
  }
  return best;
}

/** auto: the next rate, or null to stop (one step past the knee). */
export function autoNextRate(steps: readonly SweepStep[], k: number): number | null {
  if (steps.length === 0) return 10;
  const knee = findKnee(steps, k);
  if (knee.atPerSec !== null && steps.at(-1)?.offeredPerSec !== knee.atPerSec) return null;
  const last = steps.at(-1)?.offeredPerSec ?? 10;
  return last >= 100_000 ? null : last * 2;
}

export function classifyLimit(
  w: { generatorLimited: string | null; connectionsExhausted: boolean },
  step: Pick<SweepStep, 'offeredPerSec' | 'achievedPerSec' | 'elu'>,
): { limitedBy: SweepStep['limitedBy']; limitedWhy: string | null } {
  if (w.generatorLimited) return { limitedBy: 'generator', limitedWhy: w.generatorLimited };
  if (step.elu !== null && step.elu >= 0.9)
    return { limitedBy: 'server', limitedWhy: `the loop was busy ${step.elu} of the time` };
  if (w.connectionsExhausted)
    return {
      limitedBy: 'generator',
      limitedWhy: 'every connection was busy: raise --max-connections',
    };
  return { limitedBy: null, limitedWhy: null };
}

export function theory(serviceMs: number, rates: readonly number[]): TheoryPoint[] {
  return rates.map((r) => {
    const rho = (r * serviceMs) / 1000;
    return {
      offeredPerSec: r,
      predictedMeanMs: rho >= 1 ? null : serviceMs + (rho * serviceMs) / (2 * (1 - rho)),
    };
  });
}

export function median(xs: readonly (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}
