/**
 * Exercise 5, large-json (looplab lesson 5).
 *
 * Each request POSTs a large JSON order. This handler parses it, prices every line and
 * serialises the priced order, all with `ctx.priceOrder`, on the event loop: tens of
 * milliseconds in which no other request is served.
 *
 * `ctx.workerUrl` is a worker script that does the same work off the loop. Post it
 * `{ id, body }` (the request body's bytes) and it answers `{ id, result }`, the priced order as
 * bytes, ready to send.
 *
 * TODO: do the work on a worker thread running ctx.workerUrl, and keep the response exactly as
 * it is. Then check it under load:  npx looplab verify 5
 */

interface Context {
  priceOrder(json: string): string;
  workerUrl: URL;
}

interface Request {
  body: Buffer;
}

interface Response {
  status?: number;
  contentType?: string;
  body: string | Uint8Array;
}

export default async function handle(ctx: Context, req: Request): Promise<Response> {
  // TODO: JSON.parse and JSON.stringify run here, on the event loop's thread.
  return { body: ctx.priceOrder(req.body.toString()) };
}
