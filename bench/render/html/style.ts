/**
 * The page's only stylesheet, inlined: light and dark (prefers-color-scheme), fluid to a phone's
 * width; the colours and the charts' own rules come from the chart renderer (bench/render/chart/style.ts).
 */
import { CHART_CSS } from '../chart/style.ts';

export const CSS = `${CHART_CSS}
*{box-sizing:border-box}
body{margin:0 auto;max-width:64rem;padding:1rem;background:var(--bg);color:var(--fg);
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;margin:2rem 0 .5rem;border-top:1px solid var(--rule);padding-top:1rem}
h3{font-size:1.05rem;margin:1.2rem 0 .3rem}
.muted{color:var(--muted)}code{font-family:ui-monospace,monospace;font-size:.9em}
.verdict{background:var(--card);border-left:4px solid var(--s1);padding:.5rem .8rem;margin:.5rem 0}
.warn{border-left-color:var(--bad)}
ul.diagnosis{padding-left:1.2rem}.unhealthy{color:var(--bad)}.healthy{color:var(--good)}
figure{margin:.8rem 0}figcaption{font-weight:600;margin-bottom:.2rem}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;margin:.4rem 0;font-size:.9rem}
th,td{padding:.2rem .6rem;border-bottom:1px solid var(--rule);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}caption{text-align:left;color:var(--muted);padding:.2rem 0}
details{margin:.2rem 0 1rem}summary{cursor:pointer;color:var(--muted)}
details.stalls summary{color:var(--fg)}ol.stacks{padding-left:1.2rem}ol.stacks>li{margin:.4rem 0}
svg.share{width:8rem;height:.6rem;vertical-align:middle}svg.share .track{fill:var(--rule)}
ol.frames{list-style:none;padding-left:1rem;margin:.1rem 0;font-family:ui-monospace,monospace;font-size:.85em;overflow-wrap:anywhere}
details.stalls summary{overflow-wrap:anywhere}
ol.frames li+li::before{content:"← ";color:var(--muted)}
dl.env{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.5rem 0}dl.env dt{color:var(--muted)}dl.env dd{margin:0}
.side{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));gap:1rem}
.side>div{min-width:0}
`;
