/**
 * `--rates`: the offered rates a sweep steps through, as a list (`10,20,40`), a range
 * (`10:200:10`) or `auto` (geometric steps until the knee, then one past it).
 */
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { formatRate, formatSignificant } from '../../core/numbers.ts';

/** The rates to run, ascending, or auto's plan (the steps follow from what each step shows). */
export type RatePlan =
  | { kind: 'fixed'; ratesPerSec: number[] }
  | { kind: 'auto'; startPerSec: number; factor: number; maxPerSec: number };

/**
 * auto starts at 10 req/s: low load for nearly any route (a 10 ms request keeps the loop 10% busy),
 * so the first step is the baseline the knee's latency test multiplies.
 */
export const AUTO_START_PER_SEC = 10;
/**
 * ×1.5 a step: the knee is placed within 50% of its rate, and 20,000 req/s is reached in 19 steps;
 * ×2 halves the steps but leaves the knee anywhere in a factor of two.
 */
export const AUTO_FACTOR = 1.5;
/** auto stops here whatever it sees: the region of the generator's own ceiling on one core. */
export const AUTO_MAX_PER_SEC = 20_000;

/** The most steps a sweep takes: at a few seconds a step, 200 is already a quarter of an hour's load. */
export const MAX_STEPS = 200;
/** A rate above this is a typo (no Node loop answers a million requests a second). */
export const MAX_RATE_PER_SEC = 1_000_000;

const badRates = (what: string, got: string) =>
  new LooplabError(ERROR_CODES.BAD_OPTION, `--rates ${what}; got ${got}`);

/** `'0'`, or `'x' in '10,x'` when the value has more than the bad part. */
const quote = (part: string, text: string): string =>
  part === text.trim() ? `'${part}'` : `'${part}' in '${text}'`;

const NUMBER = /^\d+(?:\.\d+)?$|^\.\d+$/;

/** One rate of a list or a range, positive and finite; `role` names it when it is empty. */
function rate(part: string, text: string, role: string): number {
  const p = part.trim();
  if (p === '') throw badRates(`has an empty ${role}, e.g. 10,20,40 or 10:200:10`, `'${text}'`);
  if (/^-\d/.test(p)) throw badRates('takes rates above 0, e.g. 10,20,40', quote(p, text));
  if (!NUMBER.test(p))
    throw badRates('takes numbers of requests a second, e.g. 10,20,40', quote(p, text));
  const value = Number(p);
  if (value <= 0) throw badRates('takes rates above 0, e.g. 10,20,40', quote(p, text));
  if (value > MAX_RATE_PER_SEC)
    throw badRates(`takes rates up to ${MAX_RATE_PER_SEC} req/s, e.g. 10,20,40`, quote(p, text));
  return value;
}

/** Float steps (0.1 + 0.2) kept to what a person typed: a millionth of a request a second. */
const tidy = (x: number): number => Math.round(x * 1e6) / 1e6;

function parseRange(text: string): number[] {
  const parts = text.split(':');
  if (parts.length !== 3)
    throw badRates(`takes a range as start:end:step, e.g. 10:200:10`, `'${text}'`);
  const [start, end, step] = [
    rate(parts[0] as string, text, 'start'),
    rate(parts[1] as string, text, 'end'),
    rate(parts[2] as string, text, 'step'),
  ];
  if (end < start)
    throw badRates('range must end at or above its start, e.g. 10:200:10', `'${text}'`);
  // Inclusive of the end when the steps land on it, within float error.
  const count = Math.floor((end - start) / step + 1e-9) + 1;
  if (count > MAX_STEPS)
    throw badRates(
      `range takes at most ${MAX_STEPS} steps (this one ${count}): a larger step, e.g. 10:200:10`,
      `'${text}'`,
    );
  return Array.from({ length: count }, (_, i) => tidy(start + i * step));
}

function parseList(text: string): number[] {
  const rates = text.split(',').map((part) => rate(part, text, 'rate'));
  for (let i = 1; i < rates.length; i++) {
    if ((rates[i] as number) <= (rates[i - 1] as number))
      throw badRates(
        `must ascend, each rate once (${rates[i]} comes after ${rates[i - 1]}), e.g. 10,20,40`,
        `'${text}'`,
      );
  }
  if (rates.length > MAX_STEPS)
    throw badRates(`takes at most ${MAX_STEPS} rates (this list ${rates.length})`, `'${text}'`);
  return rates;
}

/**
 * `10,20,40` (ascending), `10:200:10` (start:end:step, inclusive) or `auto`.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION for an empty value, a rate that is not a positive
 *   number, a list out of order, a range ending below its start, or more than 200 steps.
 */
export function parseRates(text: string): RatePlan {
  const t = text.trim();
  if (t === '')
    throw badRates('takes rates like 10,20,40, a range like 10:200:10, or auto', `'${text}'`);
  if (t.toLowerCase() === 'auto')
    return {
      kind: 'auto',
      startPerSec: AUTO_START_PER_SEC,
      factor: AUTO_FACTOR,
      maxPerSec: AUTO_MAX_PER_SEC,
    };
  if (t.includes(':') && t.includes(','))
    throw badRates('takes a list (10,20,40) or a range (10:200:10), not both', `'${text}'`);
  return { kind: 'fixed', ratesPerSec: t.includes(':') ? parseRange(t) : parseList(t) };
}

/**
 * auto's next rate after `prevPerSec`: ×factor, whole requests a second (10, 15, 23, 35, …), the
 * maximum itself as the last step; null once the maximum has been run.
 */
export function nextAutoRate(
  prevPerSec: number,
  plan: Extract<RatePlan, { kind: 'auto' }>,
): number | null {
  if (prevPerSec >= plan.maxPerSec) return null;
  // At least one more request a second, so a small start still climbs.
  const next = Math.max(Math.round(prevPerSec * plan.factor), Math.floor(prevPerSec) + 1);
  return Math.min(next, plan.maxPerSec);
}

/** A rate for a message: whole rates as typed (`80`, `4,617`), others as formatRate (`49.6`). */
export function rateText(perSec: number): string {
  return Number.isInteger(perSec) ? perSec.toLocaleString('en-US') : formatRate(perSec);
}

/**
 * The most requests one hold may ask for: the generator keeps a record of every request of a
 * window (its due and sent times, its answer's) until the window is read, so rate × hold is
 * memory. Two million is 100,000/s held 20 s, or 20,000/s (auto's top) held 100 s.
 */
export const MAX_HOLD_REQUESTS = 2_000_000;

/**
 * Refuses a plan whose fastest step would ask more than MAX_HOLD_REQUESTS in one hold, or whose
 * slowest would expect less than one request in it: a hold the draw leaves empty is given one
 * request (open-schedule.ts), so such a step would read as a rate of a request a hold, not the
 * rate asked.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION naming the rate, the hold and a way out.
 */
export function checkHoldRequests(plan: RatePlan, holdSec: number): void {
  const bottom = plan.kind === 'auto' ? plan.startPerSec : Math.min(...plan.ratesPerSec);
  if (bottom * holdSec < 1)
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `--rates ${rateText(bottom)} req/s with --hold ${holdSec} expects ${formatSignificant(bottom * holdSec)} of a request in a hold, where a step measures one at least: rates from ${formatSignificant(1 / holdSec)} req/s (one request a hold), or a longer --hold`,
    );
  const top = plan.kind === 'auto' ? plan.maxPerSec : Math.max(...plan.ratesPerSec);
  const requests = top * holdSec;
  if (requests > MAX_HOLD_REQUESTS)
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `--rates up to ${formatRate(top)} req/s with --hold ${holdSec} asks ${Math.round(requests).toLocaleString('en-US')} requests in one hold; looplab keeps every request of a hold in memory and takes at most ${MAX_HOLD_REQUESTS.toLocaleString('en-US')}: a shorter --hold or lower rates`,
    );
}
