/**
 * The live page's HTML: a shell that main.js fills from the event stream. Served by the looplab
 * process itself (page-server.ts), never by a server under test, so it keeps drawing while that
 * server's loop is blocked. It loads only its own stylesheet and modules from the same origin;
 * the CSP says so, and forbids everything else.
 *
 * The same shell, without its controls, is the saved copy (savedPageHtml): one file with its
 * script, style and events inside, that draws with the page's own code and loads nothing.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

const HEAD = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">`;

/** The controls, on the live page only: a saved copy has nothing to drive. */
const CONTROLS = `<section class="controls" aria-labelledby="controls-h">
<h2 id="controls-h" class="visually-hidden">Controls</h2>
<div class="buttons">
<button id="start" type="button" disabled>Start</button>
<button id="pause" type="button" disabled>Pause</button>
<button id="stop" type="button" disabled>Stop</button>
<a id="save" class="button" download aria-describedby="save-d">Save a copy</a>
<span id="save-d" class="visually-hidden">One HTML file of the session so far, that opens without looplab or a network</span>
</div>
<form id="knobs" novalidate>
<fieldset><legend>Knobs <span class="muted">(a change restarts the servers it affects)</span></legend>
<div id="params" class="knobs"></div>
<div id="connections-knob" class="knob" hidden><label for="connections">connections</label>
<input id="connections" name="connections" type="number" min="1" max="1000" step="1" required>
<span class="unit">per variant</span></div>
<div id="rate-knob" class="knob" hidden><label for="rate">rate</label>
<input id="rate" name="rate" type="number" max="10000" step="any" required aria-describedby="rate-d">
<span class="unit">requests/s per variant</span><small id="rate-d">open model: sent when due, whatever the server does; changed without a restart</small></div>
<button id="apply" type="submit">Apply</button>
</fieldset>
</form>
<p id="error" class="error" role="alert"></p>
</section>`;

/** The page's body; `savedNote` (HTML) in place of the controls makes it a saved copy. */
function body(savedNote: string | null): string {
  return `<body><main id="live" data-frames="0">
<header>
<h1>looplab live <span id="scenario"></span></h1>
<p class="state"><span id="status" role="status">Connecting…</span> <span id="clock" class="muted"></span></p>
${savedNote === null ? CONTROLS : savedNote}
</header>
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
</main>`;
}

export function livePageHtml(): string {
  return `${HEAD}
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="color-scheme" content="light dark">
<title>looplab live</title>
<link rel="stylesheet" href="/style.css">
<script type="module" src="/m/bench/live/page/main.js"></script>
</head>
${body(null)}
<noscript><p>The live page draws with a script; looplab's <code>--ndjson</code> gives the same frames without a browser.</p></noscript>
</body></html>
`;
}

/** What a saved copy holds, as JSON in the file; saved.ts reads it back. */
export interface SavedData {
  /** When it was saved, ISO 8601 in UTC. */
  savedAt: string;
  /** The session's time the page showed when it was saved: the copy is drawn at this moment. */
  nowMs: number;
  /** The session event as things stood, then every event the page server held, oldest first. */
  events: unknown[];
}

export interface SavedPageParts {
  data: SavedData;
  /** The saved copy's script (saved.ts and what it imports, in one), run as a module. */
  script: string;
  css: string;
  /** `sha256-…` of `script` and `css` exactly as they stand in the file, for the CSP. */
  scriptHash: string;
  styleHash: string;
}

/**
 * JSON that cannot end the <script> element it sits in: every `<` written as \u003c, which
 * JSON.parse reads back as `<`, so no `</script>` or `<!--` can appear in it.
 */
export function jsonInScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The time a reader sees: 2026-12-06 03:50:12 UTC. */
export function savedAtText(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/**
 * The saved copy: one file, its script and style inside, allowed by their hashes alone; the
 * events as a JSON data block (never run); no network at all (default-src 'none', nothing
 * loaded from anywhere). A meta CSP cannot say frame-ancestors; nothing else is lost.
 */
export function savedPageHtml(parts: SavedPageParts): string {
  const { data } = parts;
  const csp = `default-src 'none'; script-src '${parts.scriptHash}'; style-src '${parts.styleHash}'; img-src data:; base-uri 'none'; form-action 'none'`;
  const when = savedAtText(data.savedAt);
  const note = `<p id="saved-note" class="saved-note">A saved copy, made <time datetime="${data.savedAt}">${when}</time>: the session as its page showed it then. Nothing here is live; open a stall for its stack.</p>`;
  return `${HEAD}
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="color-scheme" content="light dark">
<title>looplab live · saved ${when}</title>
<style>${parts.css}</style>
<script type="application/json" id="saved-data">${jsonInScript(data)}</script>
<script type="module">${parts.script}</script>
</head>
${body(note)}
<noscript><p>This copy draws with a script; the events it holds are in its source, one JSON block.</p></noscript>
</body></html>
`;
}
