import http from 'node:http';
import { page, pageCount, setStock, startCatalog } from './catalog.js';
import { checkEmail } from './email-check.js';
import { login } from './login.js';
import { createRouter, HttpError, readJson, sendJson, sendJsonText } from './router.js';
import { search } from './search.js';

const router = createRouter();

router.get('/products', async (_req, res, { query }) => {
  const n = query.page === undefined ? 1 : Number(query.page);
  const text = Number.isInteger(n) ? page(n) : undefined;
  if (text === undefined) {
    sendJson(res, 404, { error: 'no such page', pages: pageCount() });
    return;
  }
  sendJsonText(res, 200, text);
});

router.put('/products/:id/stock', async (req, res, { params }) => {
  const body = await readJson(req);
  const stock = body?.stock;
  if (!Number.isInteger(stock) || stock < 0) {
    sendJson(res, 400, { error: 'stock must be a whole number, 0 or more' });
    return;
  }
  const id = Number(params.id);
  if (!Number.isInteger(id) || !setStock(id, stock)) {
    sendJson(res, 404, { error: 'no such product' });
    return;
  }
  sendJson(res, 200, { id, stock });
});

router.get('/search', async (_req, res, { query }) => {
  const q = query.q;
  if (!q?.trim()) {
    sendJson(res, 400, { error: 'q is required' });
    return;
  }
  sendJson(res, 200, { query: q, results: await search(q) });
});

router.get('/signup/check', async (_req, res, { query }) => {
  const email = query.email ?? '';
  sendJson(res, 200, { email, valid: await checkEmail(email) });
});

router.post('/login', async (req, res) => {
  const body = await readJson(req);
  if (typeof body?.email !== 'string' || typeof body?.password !== 'string') {
    sendJson(res, 400, { error: 'email and password are required' });
    return;
  }
  const result = await login(body.email, body.password);
  if (result.ok) sendJson(res, 200, { ok: true, name: result.name });
  else sendJson(res, 401, { ok: false });
});

startCatalog();

const server = http.createServer((req, res) => {
  router.handle(req, res).catch((err) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof HttpError) sendJson(res, err.status, { error: err.message });
    else sendJson(res, 500, { error: 'internal' });
  });
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`shop listening on http://127.0.0.1:${server.address().port}`);
});
