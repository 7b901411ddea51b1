// The catalogue and its page cache. Listing pages are served many times a
// second, so each page is kept ready as the exact JSON bytes we send, and the
// cache is refreshed every couple of seconds so stock changes show up.
//
// The refresh renders the pages a few at a time: after each slice of about
// SLICE_MS it gives the event loop back (setImmediate), so requests that
// arrived meanwhile are served between slices. The new pages are swapped in
// only when all of them are ready, so a reader never sees a half-built cache.
import { generateProducts } from './products.js';

const PRODUCT_COUNT = 10_000;
const PAGE_SIZE = 50;
const REFRESH_MS = 2_000;
const SLICE_MS = 2;

const products = generateProducts(PRODUCT_COUNT);
const byId = new Map(products.map((p) => [p.id, p]));
const names = products.map((p) => p.name);

let pages = [];
let refreshTimer;
let rebuilding; // the rebuild in progress, if any

function renderPage(i, count) {
  const items = products.slice(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
  return Buffer.from(JSON.stringify({ page: i + 1, pages: count, products: items }));
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

async function rebuildInSlices() {
  const count = Math.ceil(products.length / PAGE_SIZE);
  const fresh = [];
  let sliceStart = performance.now();
  for (let i = 0; i < count; i++) {
    fresh.push(renderPage(i, count));
    if (performance.now() - sliceStart >= SLICE_MS) {
      await turn();
      sliceStart = performance.now();
    }
  }
  pages = fresh;
}

export function rebuildPages() {
  rebuilding ??= rebuildInSlices().finally(() => {
    rebuilding = undefined;
  });
  return rebuilding;
}

export function startCatalog() {
  // The first build runs at once, before the server starts listening, so the
  // cache is full when the first request comes.
  const count = Math.ceil(products.length / PAGE_SIZE);
  pages = Array.from({ length: count }, (_, i) => renderPage(i, count));
  refreshTimer ??= setInterval(rebuildPages, REFRESH_MS);
}

export function stopCatalog() {
  clearInterval(refreshTimer);
  refreshTimer = undefined;
}

export function pageCount() {
  return pages.length;
}

// The ready-made JSON (a Buffer) of page n (from 1), or undefined.
export function page(n) {
  return pages[n - 1];
}

export function setStock(id, stock) {
  const product = byId.get(id);
  if (!product) return false;
  product.stock = stock;
  return true;
}

// Names by position: productNames()[i] is the name of product i + 1.
export function productNames() {
  return names;
}
