// The catalogue and its page cache. Listing pages are served many times a
// second, so each page is kept ready as the exact JSON bytes we send, and the
// cache is refreshed every couple of seconds so stock changes show up.
import { generateProducts } from './products.js';

const PRODUCT_COUNT = 10_000;
const PAGE_SIZE = 50;
const REFRESH_MS = 2_000;

const products = generateProducts(PRODUCT_COUNT);
const byId = new Map(products.map((p) => [p.id, p]));
const names = products.map((p) => p.name);

let pages = [];
let refreshTimer;

export async function rebuildPages() {
  const count = Math.ceil(products.length / PAGE_SIZE);
  const fresh = [];
  for (let i = 0; i < count; i++) {
    const items = products.slice(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
    fresh.push(Buffer.from(JSON.stringify({ page: i + 1, pages: count, products: items })));
  }
  pages = fresh;
}

export function startCatalog() {
  rebuildPages();
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
