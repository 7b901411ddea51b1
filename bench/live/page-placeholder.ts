/**
 * PLACEHOLDER, for the integrator to delete: the chart helper's bench/live/page/html.ts
 * (livePageHtml) and bench/live/page/style.ts (LIVE_CSS) replace it, and page-server.ts then
 * imports those two instead. It exists so that the page server can be built and tested on its
 * own branch; it follows the same contract: no inline script or style (the CSP forbids them), the
 * page's code loaded from /m/ as a module, the style from /style.css.
 */

/** The live page's HTML. */
export function livePageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>looplab live</title>
<link rel="stylesheet" href="/style.css">
<script type="module" src="/m/bench/live/page/main.js"></script>
</head>
<body>
<main><h1>looplab live</h1><p>The page's code is not built into this looplab yet.</p></main>
</body>
</html>
`;
}

/** The live page's style sheet. */
export const LIVE_CSS = 'body { font-family: system-ui, sans-serif; margin: 1rem; }\n';
