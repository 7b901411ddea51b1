/**
 * `--slo "p99<50ms"`: a latency requirement on the corrected percentiles, which gives each sweep
 * the highest rate that met it (knee.ts, sloRate).
 */
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { round } from '../../core/numbers.ts';
import type { LatencyPercentiles, Slo } from './types.ts';

/** How a user may name each percentile: p99.9 and p999 are one. */
const PERCENTILES: Record<string, Exclude<keyof LatencyPercentiles, 'min'>> = {
  p50: 'p50',
  p90: 'p90',
  p99: 'p99',
  'p99.9': 'p999',
  p999: 'p999',
  max: 'max',
};

const badSlo = (what: string, text: string) =>
  new LooplabError(ERROR_CODES.BAD_OPTION, `--slo ${what}, e.g. p99<50ms; got '${text}'`);

/**
 * `p99<50ms`, `p99.9 < 0.2s`, `max<1s`: a percentile (p50, p90, p99, p99.9 or max), `<`, and a bound
 * above 0 in ms or s.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION for anything else, naming what is wrong.
 */
export function parseSlo(text: string): Slo {
  const t = text.trim();
  const m = /^([a-z][a-z0-9.]*)\s*([<>=]+)?\s*(.*)$/i.exec(t);
  if (!m || t === '') throw badSlo('takes a percentile, < and a time', text);
  const [, name = '', op, rest = ''] = m;
  const percentile = PERCENTILES[name.toLowerCase()];
  if (!percentile) throw badSlo(`takes p50, p90, p99, p99.9 or max, not '${name}'`, text);
  if (op === undefined) throw badSlo(`needs '<' and a time after ${name}`, text);
  if (op !== '<')
    throw badSlo(`takes '<' (the percentile must stay under the bound), not '${op}'`, text);
  if (rest === '') throw badSlo(`needs a time after '<'`, text);
  const bound = /^(-?\d+(?:\.\d+)?|-?\.\d+)\s*(ms|s)?$/i.exec(rest);
  if (!bound) throw badSlo(`needs a time in ms or s after '<', not '${rest}'`, text);
  const [, num = '', unit] = bound;
  if (unit === undefined) throw badSlo(`needs a unit on '${num}', ms or s`, text);
  const value = Number(num);
  if (!(value > 0)) throw badSlo('needs a bound above 0', text);
  // round: 0.3 s is 300 ms, not 300.00000000000006.
  return {
    text: t,
    percentile,
    underMs: unit.toLowerCase() === 's' ? round(value * 1000, 6) : value,
  };
}
