/**
 * The json-parse scenario's work: an order of many line items as JSON, parsed, priced and
 * serialised back. Deterministic, so every variant (and the worker) gives the same bytes.
 */
import type { RequestSpec } from '../../types.ts';

interface Item {
  sku: string;
  name: string;
  price: number;
  qty: number;
  tags: string[];
}

/** A JSON order of about `bytes` bytes; `seed` makes the documents of one size differ. */
export function orderDocument(bytes: number, seed: number): string {
  const items: string[] = [];
  let size = `{"order":${seed},"items":[]}`.length;
  let x = (seed + 1) * 0x9e3779b1;
  for (let i = 0; size < bytes; i++) {
    // xorshift32: cheap and reproducible.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const r = x >>> 0;
    const item: Item = {
      sku: `SKU-${(r % 1_000_000).toString().padStart(6, '0')}`,
      name: `item ${i} of order ${seed}`,
      price: (r % 100_000) / 100,
      qty: 1 + (r % 9),
      tags: [`t${r % 7}`, `t${r % 11}`],
    };
    const text = JSON.stringify(item);
    size += text.length + (items.length > 0 ? 1 : 0);
    items.push(text);
  }
  return `{"order":${seed},"items":[${items.join(',')}]}`;
}

/** What the load sends in turn: three different orders of about `bytes` bytes each, POSTed. */
export function orderRequests(bytes: number): RequestSpec[] {
  return [0, 1, 2].map((seed) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: orderDocument(bytes, seed),
  }));
}

/** Parses an order, prices every line and the whole, and serialises the priced order. */
export function priceOrder(json: string): string {
  const order = JSON.parse(json) as { order: number; items: Item[] };
  let total = 0;
  const items = order.items.map((item) => {
    const line = Math.round(item.price * item.qty * 100) / 100;
    total += line;
    return { ...item, line };
  });
  return JSON.stringify({
    order: order.order,
    lines: items.length,
    total: Math.round(total * 100) / 100,
    items,
  });
}
