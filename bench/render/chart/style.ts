/**
 * The charts' CSS, shared by the HTML report and the live page: the series palette (Okabe–Ito
 * hues, readable with colour blindness, lighter in dark mode), lines, bars, bands, markers, the
 * legend, and the switch between a chart's wide and narrow layouts (box.ts); and the page colours
 * the charts are drawn in, light and dark, which both pages use for the rest of the page too.
 */
export const CHART_CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1f;--muted:#5c5f66;--rule:#d8dbe0;--card:#f6f7f9;
--bad:#b3261e;--good:#1e7b34;--s0:#c0392b;--s1:#0072b2;--s2:#009e73;--s3:#cc79a7}
@media (prefers-color-scheme:dark){:root{--bg:#121316;--fg:#e8e9ec;--muted:#a3a7b0;--rule:#3a3d44;--card:#1c1e22;
--bad:#ff8a80;--good:#7bd88f;--s0:#ff7b6b;--s1:#56b4e9;--s2:#3fd0a0;--s3:#e7a6cb}}
.chart-box{container-type:inline-size;min-width:0}
svg.chart{width:100%;height:auto;display:block;font-size:12px}
.chart-narrow{display:none}
/* Below 560 px the wide drawing would shrink its text under 10 px: the narrow one shows instead. */
@container (max-width:559px){.chart-box>.chart-wide{display:none}.chart-box>.chart-narrow{display:block}}
svg text{fill:var(--fg)}svg .tick,svg .unit{fill:var(--muted)}svg .small{font-size:11px}
svg .grid{stroke:var(--rule);stroke-width:1}
svg .whisker{stroke:var(--fg);stroke-width:1.5;fill:none}
svg .line{fill:none;stroke-width:2}
svg .dash1{stroke-dasharray:6 3}svg .dash2{stroke-dasharray:2 2}svg .dash3{stroke-dasharray:8 3 2 3}
.band{fill:var(--muted)}
.s0{fill:var(--s0);stroke:var(--s0)}.s1{fill:var(--s1);stroke:var(--s1)}.s2{fill:var(--s2);stroke:var(--s2)}.s3{fill:var(--s3);stroke:var(--s3)}
svg .line.s0,svg .line.s1,svg .line.s2,svg .line.s3{fill:none}
svg rect.band{stroke:none;opacity:.18}svg .band-label{font-size:11px;paint-order:stroke;stroke:var(--bg);stroke-width:3px;stroke-linejoin:round}
svg .marker{stroke:var(--fg);stroke-width:1;stroke-dasharray:3 3}svg .marker-label{font-size:11px}
ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;margin:.3rem 0 0;padding:0;font-size:.9rem}
ul.legend li{display:flex;align-items:center;gap:.4rem;min-width:0;overflow-wrap:anywhere}
svg.swatch{width:28px;height:12px;flex:none}
`;
