/**
 * "What held the loop" on the HTML page: per variant that stalled, an expandable list of the
 * stacks captured during its stalls, each with a bar for its share of the stalled time. Inline
 * SVG for the bars, <details> to expand: no script, as the page's CSP demands.
 */
import { formatMs, formatPercent, plural } from '../../../core/numbers.ts';
import type { StallStack } from '../../../scenarios/probe/protocol.ts';
import { frameText, stallLine } from '../../report/stalls.ts';
import type { ResultEntry } from '../../report/types.ts';
import { esc } from '../chart/escape.ts';

/** A bar 0–100 units long; the CSS gives it its size and colour. */
function shareBar(share: number): string {
  const w = Math.max(0, Math.min(100, share * 100)).toFixed(1);
  return `<svg class="share" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true"><rect class="track" width="100" height="8"/><rect class="s0" width="${w}" height="8"/></svg>`;
}

function stackItem(stack: StallStack): string {
  const frames = stack.frames.map((f, i) => `<li>${esc(frameText(f, stack.frames[i - 1]))}</li>`);
  const figures = `${formatPercent(stack.share)} · ${formatMs(stack.ms)} · ${plural(stack.samples, 'sample')}`;
  return `<li>${shareBar(stack.share)} <span class="figures">${esc(figures)}</span><ol class="frames">${frames.join('')}</ol></li>`;
}

/** The block for one scenario's variants; '' when none of them stalled. */
export function stallsBlock(entries: readonly ResultEntry[]): string {
  const stalled = entries.filter((e) => e.stalls && e.stalls.count > 0);
  if (stalled.length === 0) return '';
  const items = stalled.map((e) => {
    const s = e.stalls as NonNullable<ResultEntry['stalls']>;
    const machine = s.machineMs ?? 0;
    const unsampled = s.totalMs - s.attributedMs - machine;
    const notes = [
      unsampled >= 0.005 * s.totalMs
        ? `${formatMs(unsampled)} of stalls ended before a sample could be taken.`
        : '',
      machine > 0
        ? `${formatMs(machine)} were stalls its code alone would not have made: its thread waited for a CPU core.`
        : '',
      s.cpuWaitMs !== null && s.cpuWaitMs > 0
        ? `In all, its thread waited for a CPU core ${formatPercent(s.cpuWaitMs / s.totalMs)} of the stalled time.`
        : '',
      `Sampling cost the loop ${formatMs(s.samplingMs)}.`,
    ];
    const note = `<p class="muted">${esc(notes.filter(Boolean).join(' '))}</p>`;
    return `<details class="stalls"><summary><strong>${esc(e.variant)}</strong>: ${esc(stallLine(s))}</summary>${note}<ol class="stacks">${s.stacks.map(stackItem).join('')}</ol></details>`;
  });
  return `<h3>What held the loop</h3><p class="muted">The stacks on the event loop while it was stalled, captured from inside the server; each bar is the stack's share of the stalled time. Node's own frames are folded into one.</p>${items.join('')}`;
}
