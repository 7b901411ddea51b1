/**
 * The live page's HTML: a shell that main.js fills from the event stream. Served by the looplab
 * process itself (page-server.ts), never by a server under test, so it keeps drawing while that
 * server's loop is blocked. It loads only its own stylesheet and modules from the same origin;
 * the CSP says so, and forbids everything else.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

export function livePageHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="color-scheme" content="light dark">
<title>looplab live</title>
<link rel="stylesheet" href="/style.css">
<script type="module" src="/m/bench/live/page/main.js"></script>
</head>
<body><main id="live" data-frames="0">
<header>
<h1>looplab live <span id="scenario"></span></h1>
<p class="state"><span id="status" role="status">Connecting…</span> <span id="clock" class="muted"></span></p>
</header>
<section class="controls" aria-labelledby="controls-h">
<h2 id="controls-h" class="visually-hidden">Controls</h2>
<div class="buttons">
<button id="start" type="button" disabled>Start</button>
<button id="pause" type="button" disabled>Pause</button>
<button id="stop" type="button" disabled>Stop</button>
</div>
<form id="knobs" novalidate>
<fieldset><legend>Knobs <span class="muted">(a change restarts the servers it affects)</span></legend>
<div id="params" class="knobs"></div>
<div id="connections-knob" class="knob" hidden><label for="connections">connections</label>
<input id="connections" name="connections" type="number" min="1" max="1000" step="1" required>
<span class="unit">per variant</span></div>
<button id="apply" type="submit">Apply</button>
</fieldset>
</form>
<p id="error" class="error" role="alert"></p>
</section>
<ul id="warnings" class="warnings" aria-label="Warnings"></ul>
<section aria-labelledby="now-h">
<h2 id="now-h">Now</h2>
<div class="table-wrap"><table id="now"><caption>Each variant's last frame</caption><thead></thead><tbody></tbody></table></div>
</section>
<section aria-labelledby="charts-h">
<h2 id="charts-h">The last minute</h2>
<p class="muted">A shaded band is a loop that sent no word: its server could not even answer the probe. A dashed line is a change of a knob.</p>
<p id="shared-loop" class="muted" hidden>These paths are served by one server, on one event loop: its lag, utilisation, CPU and memory are that loop's, the same line for every path, not each path's own. Requests and latency are each path's own. A stall is the server's, whichever path held the loop; its stack names the code.</p>
<div id="legend"></div>
<div id="charts" class="charts"></div>
</section>
<section aria-labelledby="stalls-h">
<h2 id="stalls-h">What held the loop</h2>
<p class="muted">Each stall as it was caught, newest first: the code on the loop while it stalled. Open one for its whole stack.</p>
<ol id="stalls" class="stalls"></ol>
</section>
</main>
<noscript><p>The live page draws with a script; looplab's <code>--ndjson</code> gives the same frames without a browser.</p></noscript>
</body></html>
`;
}
