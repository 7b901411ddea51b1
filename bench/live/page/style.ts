/**
 * The live page's stylesheet, served as /style.css: the charts' CSS and palette from the shared
 * renderer (light and dark), then the page's own layout: the charts in a grid (three across at
 * 1280 px, one at a phone's width), controls large enough to hit, a visible keyboard focus, and
 * on a narrow screen the Now table as tiles, a variant's figures each beside its name, since its
 * nine columns cannot fit and a table that scrolls sideways hides most of them.
 */
import { CHART_CSS } from '../../render/chart/style.ts';

export const LIVE_CSS = `${CHART_CSS}
*{box-sizing:border-box}
body{margin:0 auto;max-width:100rem;padding:.8rem 1rem;background:var(--bg);color:var(--fg);
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
h1{font-size:1.5rem;margin:.3rem 0}h2{font-size:1.15rem;margin:1.2rem 0 .4rem}
.muted{color:var(--muted)}code{font-family:ui-monospace,monospace;font-size:.9em}
[hidden]{display:none!important}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
p.state{margin:.2rem 0}#status{font-weight:600}#status[data-state=running]{color:var(--good)}
.controls{display:flex;flex-wrap:wrap;gap:.6rem 1.5rem;align-items:flex-start}
.buttons{display:flex;flex-wrap:wrap;gap:.5rem;padding-top:.9rem}
button{font:inherit;min-height:2.5rem;min-width:5rem;padding:.3rem .9rem;border:1px solid var(--fg);border-radius:.3rem;
background:var(--card);color:var(--fg);cursor:pointer}
a.button{display:inline-flex;align-items:center;justify-content:center;font:inherit;min-height:2.5rem;min-width:5rem;padding:.3rem .9rem;
border:1px solid var(--fg);border-radius:.3rem;background:var(--card);color:var(--fg);text-decoration:none}
a.button:not([href]){color:var(--muted);border-color:var(--rule)}
.saved-note{background:var(--card);border-left:4px solid var(--s1);padding:.4rem .7rem;margin:.5rem 0}
button:disabled{cursor:not-allowed;color:var(--muted);border-color:var(--rule)}
button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid var(--s1);outline-offset:2px}
fieldset{border:1px solid var(--rule);border-radius:.3rem;margin:0;padding:.4rem .8rem .7rem;display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:flex-end}
legend{padding:0 .3rem}
.knobs{display:contents}.knob{display:flex;flex-wrap:wrap;gap:.2rem .4rem;align-items:baseline}
.knob label{font-weight:600}.knob .unit,.knob small{color:var(--muted)}
input{font:inherit;width:7rem;min-height:2.5rem;padding:.2rem .4rem;border:1px solid var(--muted);border-radius:.3rem;background:var(--bg);color:var(--fg)}
.error{color:var(--bad);margin:.3rem 0;flex-basis:100%}.error:empty{display:none}
ul.warnings{list-style:none;padding:0;margin:.5rem 0}ul.warnings:empty{display:none}
ul.warnings li{background:var(--card);border-left:4px solid var(--bad);padding:.4rem .7rem;margin:.3rem 0}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;font-size:.9rem;font-variant-numeric:tabular-nums}
caption{text-align:left;color:var(--muted);padding:.2rem 0}
th,td{padding:.2rem .6rem;border-bottom:1px solid var(--rule);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
#now th[scope=row]{white-space:normal;overflow-wrap:anywhere;min-width:8rem;max-width:22rem}
#now thead th{white-space:normal;vertical-align:bottom}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,24rem),1fr));gap:.6rem 1.2rem}
.charts figure{margin:0;min-width:0}.charts figcaption{font-weight:600;font-size:.95rem}
ol.stalls{list-style:none;padding:0;margin:0;max-height:24rem;overflow-y:auto}
ol.stalls>li{border-bottom:1px solid var(--rule)}
ol.stalls button{width:100%;text-align:left;border:0;border-radius:0;background:none;padding:.3rem .2rem;overflow-wrap:anywhere}
ol.stalls button::before{content:"▸ ";color:var(--muted)}ol.stalls button[aria-expanded=true]::before{content:"▾ "}
ol.frames{list-style:none;margin:.1rem 0 .5rem;padding-left:1.5rem;font-family:ui-monospace,monospace;font-size:.85em;overflow-wrap:anywhere}
ol.frames li+li::before{content:"← ";color:var(--muted)}
@media (max-width:40rem){
#now,#now caption,#now tbody{display:block}#now thead{display:none}
#now tr{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));column-gap:1rem;padding:.4rem 0;border-bottom:1px solid var(--rule)}
#now th[scope=row]{grid-column:1/-1;border:0;padding:.2rem 0;max-width:none}
#now td{display:flex;justify-content:space-between;gap:.5rem;padding:.15rem 0;white-space:normal;border-bottom:1px dotted var(--rule)}
#now td::before{content:attr(data-label);color:var(--muted);text-align:left}
}
`;
