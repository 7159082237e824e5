// The e2e scenario server: one HTTP and one HTTPS listener on loopback, serving every test host
// (app.a.test, api.a.test, idp.b.test, www.b.test …; Chromium maps *.test to 127.0.0.1 with
// --host-resolver-rules). Routing is by path; hosts matter only for origins, sites and cookies.
// The certificate is self-signed, made by openssl at start-up in a temp dir, and deleted on close.
//
// Run alone to poke at it: `node tests/e2e/server.mjs` prints the ports and serves until Ctrl-C.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditRoutes } from './audit-flows.mjs';

/** A compact unsigned-looking JWT (HS256 header, dummy signature): the extension only decodes it. */
export function jwt(claims) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}.${Buffer.from('not-a-real-signature-0123456789').toString('base64url')}`;
}

/** Token claims for the scenarios (times relative to now, so the server's Date decides). */
export function tokens() {
  const now = Math.floor(Date.now() / 1000);
  const base = { iss: 'https://idp.b.test/', aud: 'https://api.a.test', sub: 'user-42', scope: 'read' };
  return {
    valid: jwt({ ...base, iat: now - 60, nbf: now - 60, exp: now + 3600 }),
    expired: jwt({ ...base, iat: now - 7200, nbf: now - 7200, exp: now - 3600 }),
    future: jwt({ ...base, iat: now + 3600, nbf: now + 3600, exp: now + 7200 }),
  };
}

/**
 * Secrets the copy-redaction scenario sends, fresh per run so that no fixture text can match them
 * by accident: a session cookie value and a Basic password (both long enough that the redacted
 * forms show no more than a short prefix).
 */
export const secrets = {
  session: `sess-${randomBytes(16).toString('hex')}`,
  basicUser: 'alice',
  basicPassword: `pw-${randomBytes(12).toString('hex')}`,
};

/**
 * Secrets the hostile scenario plants in places the core redacts (a query token, a fragment token in
 * Location, a Referer with ?code=, credential-like headers): none may appear in the popup, in
 * storage.session or in a redacted copy; all must after Reveal. Fresh per run.
 */
export const planted = {
  queryToken: `pq${randomBytes(12).toString('hex')}`,
  fragmentToken: `pf${randomBytes(12).toString('hex')}`,
  refererCode: `pr${randomBytes(12).toString('hex')}`,
  sessionToken: `ps${randomBytes(12).toString('hex')}`,
  cfAssertion: `pc${randomBytes(12).toString('hex')}`,
  authInfo: `pa${randomBytes(12).toString('hex')}`,
};

/** Markup and script in every place a page or server controls, for the hostile scenario. */
export const HOSTILE = {
  markup: `<img src="https://evil.test/px.gif" onerror="window.__pwned=1"><script>window.__pwned=1;alert(1)</script>`,
  rlo: '\u202Egpj.exe\u202C',
};

/**
 * A 401 written straight to the socket: Node's setHeader refuses control bytes, a hostile server
 * does not. `text` goes into an error_description and an X-Ctl header.
 */
function rawResponse(req, text) {
  const body = '{}';
  req.socket.write(
    'HTTP/1.1 401 Unauthorized\r\n' +
      `WWW-Authenticate: Bearer error="invalid_token", error_description="${text}"\r\n` +
      `X-Ctl: ${text}\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
  req.socket.end();
}

/** Header text as Node writes it (latin1): UTF-8 bytes of `s`, one char per byte. */
const utf8Latin1 = (s) => Buffer.from(s, 'utf8').toString('latin1');

function makeCert(dir) {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
      '-subj', '/CN=a.test',
      '-addext', 'subjectAltName=DNS:a.test,DNS:*.a.test,DNS:b.test,DNS:*.b.test,DNS:c.test,DNS:*.c.test',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

const PAGE = (title, body = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
  `<link rel="icon" href="data:,"></head><body><h1>${title}</h1>${body}</body></html>`;

/** Reflects the caller's Origin with credentials: the correct CORS answer. */
function corsOk(req, res, { headers = 'Authorization, Content-Type', methods = 'GET, POST, PUT, DELETE' } = {}) {
  const origin = req.headers.origin;
  if (!origin) return;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Access-Control-Allow-Headers', headers);
  res.setHeader('Access-Control-Allow-Methods', methods);
  res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate');
  res.setHeader('Vary', 'Origin');
}

function send(res, status, body = '', type = 'application/json') {
  res.statusCode = status;
  if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', type);
  res.end(body);
}

function cookies(req) {
  const out = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k) out[k] = v.join('=');
  }
  return out;
}

/** Answers with a Date 2 h behind this computer's clock; returns that "now" in epoch seconds. */
function skewed(res) {
  const now = Math.floor(Date.now() / 1000) - 7200;
  res.setHeader('Date', new Date(now * 1000).toUTCString());
  return now;
}

const bearer = (req) => /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;

/**
 * Every route: (req, res, url) => void. Hosts are not checked unless a route says so; the runner
 * picks the origin. Paths are grouped by scenario.
 */
function routes(tok) {
  const json = (o) => JSON.stringify(o);
  /** @type {Record<string, (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void>} */
  const r = {
    // ---- hostile (issue 8): markup, control bytes, oversize, floods ----
    '/hostile/page': (req, res) => send(res, 200, PAGE('Hostile page'), 'text/html; charset=utf-8'),
    '/hostile/xss': (req, res) => {
      const m = HOSTILE.markup.replace(/"/g, "'");
      res.setHeader('WWW-Authenticate', utf8Latin1(`Bearer realm="${m}", error="invalid_token", error_description="${m} ${HOSTILE.rlo} ![x](https://evil.test/md.gif)"`));
      res.setHeader('X-Evil', utf8Latin1(`${HOSTILE.markup}${HOSTILE.rlo}`));
      res.setHeader('Link', '<https://evil.test/px.gif>; rel=preload; as=image');
      res.setHeader('Set-Cookie', [`<script>window.__pwned=1</script>=x; Path=/hostile; Max-Age=60`, utf8Latin1(`rlo${HOSTILE.rlo}=1; Path=/hostile; Max-Age=60`)]);
      send(res, 401, json({ error: 'invalid_token', error_description: HOSTILE.markup }));
    },
    '/hostile/control': (req, res) => rawResponse(req, 'ctl \x01\x1b[31mred\x7f end'),
    // A NUL: Chromium refuses the response (net::ERR_INVALID_HTTP_RESPONSE): a failure all the same.
    '/hostile/nul': (req, res) => rawResponse(req, 'nul \x00 end'),
    '/hostile/binary': (req, res) => {
      // 120 KB of bytes that are not UTF-8 (Chromium refuses a response whose headers pass its
      // 128 KiB-ish limit, so 200 KB is covered by the unit test): they arrive as binaryValue.
      res.setHeader('X-Bin', '\xe9'.repeat(120 * 1024));
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      send(res, 401, '{}');
    },
    '/hostile/huge-header': (req, res) => {
      res.setHeader('X-Huge', 'A'.repeat(1024 * 1024)); // 1 MiB: Chromium refuses the response
      send(res, 401, '{}');
    },
    '/hostile/cookies': (req, res) => {
      res.setHeader('Set-Cookie', Array.from({ length: 5000 }, (_, i) => `f${i}=1`));
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      send(res, 401, '{}');
    },
    '/hostile/secrets': (req, res) => {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      res.setHeader('Authentication-Info', `nextnonce="${planted.authInfo}"`);
      res.setHeader('Location', `https://www.b.test/cb#access_token=${planted.fragmentToken}&token_type=bearer`);
      send(res, 401, '{}');
    },
    // Plain pages to run scripts from, and the form-login flow.
    '/page': (req, res) => send(res, 200, PAGE('AuthLens test page'), 'text/html; charset=utf-8'),
    '/login-form': (req, res) =>
      send(
        res,
        200,
        PAGE('Sign in', '<form method="post" action="/login"><input name="user" value="alice"><input name="password" type="password" value="pw"><button id="go">Sign in</button></form>'),
        'text/html; charset=utf-8',
      ),
    '/login': (req, res, url) => {
      // Healthy login: a host-wide, Secure, HttpOnly, Lax session cookie, then a redirect home.
      req.resume();
      res.setHeader('Set-Cookie', 'session=s3cr3t-session; Path=/; Secure; HttpOnly; SameSite=Lax');
      res.setHeader('Location', '/home');
      send(res, 303, '', 'text/plain');
    },
    '/home': (req, res) => send(res, 200, PAGE('Home'), 'text/html; charset=utf-8'),
    '/api/session-me': (req, res) => {
      corsOk(req, res);
      if (cookies(req).session === 's3cr3t-session') return send(res, 200, json({ user: 'alice' }));
      res.setHeader('WWW-Authenticate', 'Cookie realm="app"');
      send(res, 401, json({ error: 'not signed in' }));
    },

    // ---- the client's clock (issue 10 class 3): these servers' clocks run 2 h behind this
    // computer's, which is what a client clock 2 h ahead looks like from the browser. A token
    // endpoint hands out a 5-minute token; the SPA judges it by its own clock and drops it.
    '/skew/page': (req, res) => (skewed(res), send(res, 200, PAGE('Skewed clock'), 'text/html; charset=utf-8')),
    '/skew/asset': (req, res) => (skewed(res), send(res, 200, 'ok', 'text/plain')),
    '/skew/oauth/token': (req, res) => {
      req.resume();
      const now = skewed(res);
      const access = jwt({ iss: 'https://idp.b.test/', aud: 'https://api.a.test', sub: 'user-42', iat: now, exp: now + 300 });
      res.setHeader('Cache-Control', 'no-store');
      send(res, 200, json({ access_token: access, token_type: 'Bearer', expires_in: 300 }));
    },
    '/skew/api': (req, res) => {
      skewed(res);
      if (bearer(req)) return send(res, 200, json({ ok: true }));
      res.setHeader('WWW-Authenticate', 'Bearer realm="api"');
      send(res, 401, json({ message: 'Unauthorized' }));
    },

    // ---- OAuth endpoints speak in bodies (issue 10 class 4): a refused refresh, then the API
    // call without a token; an authorize redirect carrying error=.
    '/idp/token': (req, res) => {
      req.resume();
      res.setHeader('Cache-Control', 'no-store');
      send(res, 400, json({ error: 'invalid_grant', error_description: 'Token is not active' }));
    },
    '/idp/api': (req, res) => {
      if (bearer(req)) return send(res, 200, json({ ok: true }));
      res.setHeader('WWW-Authenticate', 'Bearer realm="api"');
      send(res, 401, json({ message: 'Unauthorized' }));
    },
    '/idp/authorize': (req, res, url) => {
      const state = url.searchParams.get('state') ?? '';
      res.setHeader('Location', `/idp/callback?error=invalid_scope&error_description=${encodeURIComponent('Invalid scopes: admin')}&state=${encodeURIComponent(state)}`);
      send(res, 302, '', 'text/plain');
    },
    '/idp/callback': (req, res) => send(res, 200, PAGE('Signed out', '<p>Sign-in failed.</p>'), 'text/html; charset=utf-8'),

    // A bearer API with a proper challenge; answers per token.
    '/api/me': (req, res) => {
      corsOk(req, res);
      if (req.method === 'OPTIONS') return send(res, 204);
      const t = bearer(req);
      if (!t) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="api"');
        return send(res, 401, json({ error: 'unauthorized' }));
      }
      if (t === tok.valid) return send(res, 200, json({ user: 'alice' }));
      if (t === tok.expired) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="api", error="invalid_token", error_description="The access token expired"');
        return send(res, 401, json({ error: 'invalid_token' }));
      }
      if (t === tok.future) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="api", error="invalid_token", error_description="The token is not valid yet"');
        return send(res, 401, json({ error: 'invalid_token' }));
      }
      res.setHeader('WWW-Authenticate', 'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"');
      send(res, 401, json({ error: 'invalid_token' }));
    },
    '/api/admin': (req, res) => {
      corsOk(req, res);
      if (req.method === 'OPTIONS') return send(res, 204);
      res.setHeader('WWW-Authenticate', 'Bearer realm="api", error="insufficient_scope", scope="admin"');
      send(res, 403, json({ error: 'insufficient_scope' }));
    },
    // 401 with no challenge at all.
    '/api/bare401': (req, res) => send(res, 401, json({ message: 'Unauthorized' })),
    // 403 for a request without any credentials.
    '/api/forbidden': (req, res) => send(res, 403, json({ message: 'Forbidden' })),
    // Basic: always refused; the script-set header is what gets diagnosed.
    '/api/basic': (req, res) => {
      corsOk(req, res);
      if (req.method === 'OPTIONS') return send(res, 204);
      res.setHeader('WWW-Authenticate', 'Basic realm="api", charset="UTF-8"');
      send(res, 401, json({ error: 'bad credentials' }));
    },

    // Cookie APIs: 200 with the session cookie `sid`, 401 without.
    '/api/cookie-me': (req, res) => {
      corsOk(req, res);
      if (req.method === 'OPTIONS') return send(res, 204);
      if (cookies(req).sid) return send(res, 200, json({ user: 'alice' }));
      send(res, 401, json({ error: 'no session' }));
    },
    '/app/api/cookie-me': (req, res) => r['/api/cookie-me'](req, res),
    '/set/lax': (req, res) => setCookie(res, 'sid=lax-123; Domain=a.test; Path=/; Secure; HttpOnly; SameSite=Lax'),
    '/set/strict': (req, res) => setCookie(res, 'sid=strict-123; Domain=a.test; Path=/; Secure; HttpOnly; SameSite=Strict'),
    '/set/none-insecure': (req, res) => setCookie(res, 'sid=none-123; Path=/; SameSite=None'),
    '/set/secure-over-http': (req, res) => setCookie(res, 'sid=sec-123; Path=/; Secure; SameSite=Lax'),
    '/set/path-app': (req, res) => setCookie(res, 'sid=path-123; Path=/app; Secure; SameSite=Lax'),
    '/set/host-only': (req, res) => setCookie(res, 'sid=host-123; Path=/; Secure; SameSite=Lax'),
    '/set/none-secure': (req, res) => setCookie(res, 'sid=none-ok-123; Path=/; Secure; SameSite=None'),
    '/set/session-secret': (req, res) => setCookie(res, `sid=${secrets.session}; Path=/; Secure; HttpOnly; SameSite=Lax`),

    // CORS misconfigurations.
    '/cors/wildcard': (req, res) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      send(res, 200, json({ ok: true }));
    },
    '/cors/no-acac': (req, res) => {
      res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
      res.setHeader('Vary', 'Origin');
      send(res, 200, json({ ok: true }));
    },
    // A token API that never uses cookies: the preflight succeeds without Allow-Credentials (none is needed
    // for credentials: 'same-origin'), the call itself answers 401 for an expired token.
    '/cors/bearer-only': (req, res) => {
      res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization');
      res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate');
      res.setHeader('Vary', 'Origin');
      if (req.method === 'OPTIONS') return send(res, 204);
      if (bearer(req) === tok.valid) return send(res, 200, json({ user: 'alice' }));
      res.setHeader('WWW-Authenticate', 'Bearer realm="api", error="invalid_token", error_description="The access token expired"');
      send(res, 401, json({ error: 'invalid_token' }));
    },
    '/cors/no-authz': (req, res) => {
      res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
        return send(res, 204);
      }
      send(res, 200, json({ ok: true }));
    },
    '/cors/preflight-401': (req, res) => {
      // An auth layer in front of everything, including OPTIONS.
      res.setHeader('WWW-Authenticate', 'Bearer realm="api"');
      send(res, 401, json({ error: 'unauthorized' }));
    },
    '/cors/masked-401': (req, res) => {
      // CORS headers only on success: the 401 reaches the browser without them.
      if (req.method === 'OPTIONS') {
        corsOk(req, res);
        return send(res, 204);
      }
      res.setHeader('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"');
      send(res, 401, json({ error: 'invalid_token' }));
    },

    // A 401 a CDN cached and keeps serving (Chromium's own HTTP cache never stores a 401, so the
    // shared cache in front of the origin is the realistic culprit: Age and X-Cache say so).
    '/cache/401': (req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=600');
      res.setHeader('Age', '95');
      res.setHeader('X-Cache', 'HIT from cdn-edge-1');
      res.setHeader('WWW-Authenticate', 'Bearer realm="api"');
      send(res, 401, json({ error: 'unauthorized' }));
    },

    // An API behind an SSO gateway: 302 to the login page instead of 401.
    '/sso/api/profile': (req, res, url) => {
      res.setHeader('Location', `/sso/login?next=${encodeURIComponent(url.pathname)}`);
      send(res, 302, '', 'text/plain');
    },
    '/sso/login': (req, res) => send(res, 200, PAGE('Sign in to Example SSO'), 'text/html; charset=utf-8'),

    // OAuth-style round trip: app → idp (cross-site) → app callback, which needs the Strict cookie.
    '/oauth/start': (req, res, url) => {
      res.setHeader('Location', `https://idp.b.test:${url.port}/authorize?redirect_uri=${encodeURIComponent(`https://app.a.test:${url.port}/oauth/callback`)}`);
      send(res, 302, '', 'text/plain');
    },
    '/authorize': (req, res, url) => {
      res.setHeader('Location', `${url.searchParams.get('redirect_uri')}?code=abc`);
      send(res, 302, '', 'text/plain');
    },
    '/oauth/callback': (req, res) => {
      if (cookies(req).sid) return send(res, 200, PAGE('Signed in'), 'text/html; charset=utf-8');
      res.setHeader('WWW-Authenticate', 'Cookie realm="app"');
      send(res, 401, PAGE('Session missing: sign-in state lost'), 'text/html; charset=utf-8');
    },

    // Iframe: a widget on another site that calls its own API with its own cookie.
    '/embed': (req, res, url) =>
      send(res, 200, PAGE('Embedding page', `<iframe id="w" src="https://app.a.test:${url.port}/widget"></iframe>`), 'text/html; charset=utf-8'),
    // The widget served from sso.b.test (Firefox's test tracker entry, firefox-etp-tracker-cookie).
    '/embed-sso': (req, res, url) =>
      send(res, 200, PAGE('Embedding page, tracker-classified widget', `<iframe id="w" src="https://sso.b.test:${url.port}/widget"></iframe>`), 'text/html; charset=utf-8'),
    // The same widget signing in while embedded (its cookie lands in this top-level site's partition in Firefox).
    '/embed-login': (req, res, url) =>
      send(res, 200, PAGE('Embedding page, widget signs in', `<iframe id="w" src="https://app.a.test:${url.port}/set/none-secure"></iframe>`), 'text/html; charset=utf-8'),
    '/widget': (req, res) =>
      send(res, 200, PAGE('Widget', `<script src="/widget.js"></script>`), 'text/html; charset=utf-8'),
    '/widget.js': (req, res) =>
      send(res, 200, `fetch('/api/cookie-me').then(r => { document.title = 'widget ' + r.status; });`, 'text/javascript'),

    // A PWA: the page registers a service worker (scope /pwa/) whose fetch handler forwards every
    // request unchanged, so the page's API calls reach the network as the worker's requests.
    // `window.__swReady` resolves once the worker controls the page (clients.claim()).
    '/pwa/app': (req, res) =>
      send(
        res,
        200,
        PAGE(
          'PWA',
          `<script>window.__swReady = navigator.serviceWorker.register('/pwa/sw.js', { scope: '/pwa/' })` +
            `.then(() => navigator.serviceWorker.ready)` +
            `.then(() => navigator.serviceWorker.controller ? 'controlled' : new Promise((ok) =>` +
            ` navigator.serviceWorker.addEventListener('controllerchange', () => ok('controlled'), { once: true })))` +
            `.catch((e) => 'failed: ' + e);</script>`,
        ),
        'text/html; charset=utf-8',
      ),
    '/pwa/sw.js': (req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      send(
        res,
        200,
        `self.addEventListener('install', () => self.skipWaiting());\n` +
          `self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));\n` +
          `self.addEventListener('fetch', (event) => event.respondWith(fetch(event.request)));\n`,
        'text/javascript',
      );
    },
    '/pwa/api/me': (req, res) => r['/api/me'](req, res),
  };
  return r;
}

function setCookie(res, line) {
  res.setHeader('Set-Cookie', line);
  res.setHeader('Cache-Control', 'no-store');
  send(res, 200, PAGE('Cookie set'), 'text/html; charset=utf-8');
}

/**
 * Starts both listeners on loopback (ports from the OS unless given) and returns their ports,
 * a request log and close().
 */
export async function startServer({ httpPort = 0, httpsPort = 0 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'authlens-e2e-cert-'));
  const { key, cert } = makeCert(dir);
  const tok = tokens();
  const ports = {};
  const table = { ...routes(tok), ...auditRoutes({ httpsOrigin: (host) => `https://${host}:${ports.https}` }) };
  const log = [];
  const handler = (scheme) => (req, res) => {
    const url = new URL(req.url ?? '/', `${scheme}://${req.headers.host ?? 'localhost'}`);
    log.push({ scheme, method: req.method, host: url.host, path: url.pathname.slice(0, 200), cookie: req.headers.cookie ?? null, authorization: req.headers.authorization ? 'yes' : null });
    // Any path under /hostile/fail/ (2 MB ones too) is a bare 401.
    // Under /hostile/slow/, the same after 400 ms (still in flight when the test stops the worker).
    const route =
      table[url.pathname] ??
      (url.pathname.startsWith('/hostile/fail/') ? (q, res) => send(res, 401, '{}') : undefined) ??
      (url.pathname.startsWith('/hostile/slow/') ? (q, res) => setTimeout(() => send(res, 401, '{}'), 400) : undefined);
    if (!route) return send(res, 404, JSON.stringify({ error: 'no such route' }));
    try {
      route(req, res, url);
    } catch (e) {
      send(res, 500, String(e));
    }
  };
  // 2 MB request lines for the hostile scenario (Node answers 431 past 16 KiB by default).
  const maxHeaderSize = 4 * 1024 * 1024;
  const h1 = http.createServer({ maxHeaderSize }, handler('http'));
  const h2 = https.createServer({ key, cert, maxHeaderSize }, handler('https'));
  await Promise.all([
    new Promise((ok) => h1.listen(httpPort, '127.0.0.1', ok)),
    new Promise((ok) => h2.listen(httpsPort, '127.0.0.1', ok)),
  ]);
  rmSync(dir, { recursive: true, force: true }); // the key lives in memory only
  ports.https = /** @type {import('node:net').AddressInfo} */ (h2.address()).port;
  return {
    httpPort: /** @type {import('node:net').AddressInfo} */ (h1.address()).port,
    httpsPort: /** @type {import('node:net').AddressInfo} */ (h2.address()).port,
    tokens: tok,
    log,
    close: () => Promise.all([new Promise((ok) => h1.close(ok)), new Promise((ok) => h2.close(ok))]),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await startServer({ httpPort: Number(process.env.HTTP_PORT ?? 8180), httpsPort: Number(process.env.HTTPS_PORT ?? 8543) });
  console.log(`http://app.a.test:${s.httpPort}/page  https://app.a.test:${s.httpsPort}/page`);
}
