// A deliberately small router: method + path pattern (with :params) -> handler.

const BODY_LIMIT = 64 * 1024;

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function createRouter() {
  const routes = [];

  function add(method, pattern, handler) {
    const names = [];
    const source = pattern
      .split('/')
      .map((part) => {
        if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(part.slice(1));
        return '([^/]+)';
      })
      .join('/');
    routes.push({ method, regex: new RegExp(`^${source}/?$`), names, handler });
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://localhost');
    for (const route of routes) {
      if (route.method !== req.method) continue;
      const match = route.regex.exec(url.pathname);
      if (!match) continue;
      const params = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(match[i + 1]);
      });
      const query = Object.fromEntries(url.searchParams);
      await route.handler(req, res, { params, query });
      return;
    }
    sendJson(res, 404, { error: 'not found' });
  }

  return {
    get: (pattern, handler) => add('GET', pattern, handler),
    put: (pattern, handler) => add('PUT', pattern, handler),
    post: (pattern, handler) => add('POST', pattern, handler),
    handle,
  };
}

export async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new HttpError(413, 'body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid JSON');
  }
}

// Sends JSON that is already serialised (a string or a Buffer, e.g. from a cache).
export function sendJsonText(res, status, text) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendJson(res, status, obj) {
  sendJsonText(res, status, JSON.stringify(obj));
}
