// The site-owner audit's live flows (issue 9): a well-configured sign-in, a careful one (expiry,
// refresh and retry, logout), and a badly configured one. Routes for server.mjs, and the drivers
// that play each flow in a page, so the extension's recording and a Playwright HAR of the same
// flow can be audited side by side. Hosts: app.a.test / api.a.test (good), www.b.test /
// api.b.test (bad), app.c.test (another site calling the bad API).

import { jwt } from './server.mjs';

const HSTS = ['Strict-Transport-Security', 'max-age=63072000; includeSubDomains'];
const PAGE = (t) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${t}</title><link rel="icon" href="data:,"></head><body><h1>${t}</h1></body></html>`;

/** An HS256-looking access token valid `secs` from `fromSecs` ago (the extension only decodes it). */
function token(lifetimeSecs, ageSecs = 60) {
  const now = Math.floor(Date.now() / 1000);
  return jwt({ iss: 'https://idp.a.test/', aud: 'https://api.a.test', sub: 'owner-1', iat: now - ageSecs, exp: now - ageSecs + lifetimeSecs });
}

/** An unsigned (alg none), month-long token, as the bad flow's API accepts. */
function unsignedToken() {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: 'https://www.b.test/', sub: 'jo', iat: now, exp: now + 30 * 86400 })}.`;
}

function send(res, status, body = '', type = 'application/json', headers = []) {
  for (const [k, v] of headers) res.setHeader(k, v);
  res.statusCode = status;
  if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', type);
  res.end(body);
}

/** The bad API's habit: whatever Origin comes, allowed with credentials. */
const reflect = (req) => (req.headers.origin ? [['Access-Control-Allow-Origin', req.headers.origin], ['Access-Control-Allow-Credentials', 'true']] : []);

const bearerOf = (req) => /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
const cookieOf = (req, name) => new RegExp(`(?:^|;\\s*)${name}=([^;]*)`).exec(req.headers.cookie ?? '')?.[1] ?? null;

/** The good API's CORS answer: an allow-list of one front-end, Vary, the challenge exposed. */
function goodCors(req) {
  const o = req.headers.origin;
  return o === req.goodOrigin
    ? [['Access-Control-Allow-Origin', o], ['Access-Control-Allow-Credentials', 'true'], ['Vary', 'Origin'], ['Access-Control-Expose-Headers', 'WWW-Authenticate']]
    : [['Vary', 'Origin']];
}

/** Routes for server.mjs; `origin(host)` gives the https origin of a test host. */
export function auditRoutes({ httpsOrigin }) {
  const goodOrigin = () => httpsOrigin('app.a.test');
  const valid = new Set();
  const r = {
    // ---- good (and careful) ----
    '/audit/good/': (req, res) => send(res, 200, PAGE('Good app'), 'text/html; charset=utf-8', [HSTS]),
    '/audit/good/api/me': (req, res) =>
      cookieOf(req, '__Host-gsid') === 'g-session-ok'
        ? send(res, 200, '{"user":"owner"}', 'application/json', [['Cache-Control', 'no-store'], HSTS])
        : send(res, 401, '{"error":"sign in"}', 'application/json', [['WWW-Authenticate', 'Bearer realm="app"'], ['Cache-Control', 'no-store'], HSTS]),
    '/audit/good/login': (req, res) =>
      send(res, 200, '{"ok":true}', 'application/json', [
        ['Set-Cookie', '__Host-gsid=g-session-ok; Path=/; Secure; HttpOnly; SameSite=Lax'],
        ['Cache-Control', 'no-store'],
        HSTS,
      ]),
    '/audit/good/logout': (req, res) =>
      send(res, 200, '{"ok":true}', 'application/json', [
        ['Set-Cookie', '__Host-gsid=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0'],
        ['Cache-Control', 'no-store'],
        HSTS,
      ]),
    '/audit/good/oauth/token': (req, res) => {
      const t = token(600);
      valid.add(t);
      send(res, 200, JSON.stringify({ access_token: t, token_type: 'Bearer', expires_in: 600 }), 'application/json', [['Cache-Control', 'no-store'], HSTS]);
    },
    '/audit/good/token-for-test': (req, res) => {
      const t = token(600);
      valid.add(t);
      send(res, 200, JSON.stringify({ fresh: t, expired: token(600, 3600) }), 'application/json', [['Cache-Control', 'no-store'], HSTS]);
    },
    '/audit/api/items': (req, res) => {
      req.goodOrigin = goodOrigin();
      const cors = goodCors(req);
      if (req.method === 'OPTIONS') {
        return send(res, 204, '', 'text/plain', [...cors, ['Access-Control-Allow-Headers', 'Authorization'], ['Access-Control-Allow-Methods', 'GET'], ['Access-Control-Max-Age', '600']]);
      }
      if (valid.has(bearerOf(req))) return send(res, 200, '{"items":[]}', 'application/json', [...cors, ['Cache-Control', 'no-store']]);
      send(res, 401, '', 'application/json', [...cors, ['Cache-Control', 'no-store'], ['WWW-Authenticate', 'Bearer realm="api", error="invalid_token", error_description="The access token expired"']]);
    },

    // ---- bad ----
    '/audit/bad/login': (req, res) =>
      req.method === 'POST'
        ? send(res, 200, '{"ok":true}', 'application/json', [['Set-Cookie', 'sessionid=bad-session-value; Path=/; Max-Age=31536000']])
        : send(res, 200, PAGE('Bad bank sign-in'), 'text/html; charset=utf-8'),
    '/audit/bad/session': (req, res) =>
      send(res, 200, '{"ok":true}', 'application/json', [
        ['Set-Cookie', [
          'sid=bad-secure-session; Path=/',
          'sso_state=s1; Path=/; SameSite=None',
          // Already Secure, host-only, Path=/: could be __Host-.
          'remember_token=r1; Path=/; Secure; HttpOnly; SameSite=Lax',
          // Shared with every subdomain, used by www only (its path keeps it off the API calls).
          'auth_token=a1; Domain=b.test; Path=/audit/bad/api/balance; Secure; HttpOnly; SameSite=Lax',
        ]],
      ]),
    '/audit/bad/api/balance': (req, res) => send(res, 200, '{"balance":1}', 'application/json', [['Cache-Control', 'no-store']]),
    '/audit/bad/page': (req, res) => send(res, 200, PAGE('Bad bank'), 'text/html; charset=utf-8'),
    '/audit/bad/api/me': (req, res) => {
      const o = req.headers.origin;
      const cors = o ? [['Access-Control-Allow-Origin', o], ['Access-Control-Allow-Credentials', 'true']] : [];
      if (req.method === 'OPTIONS') return send(res, 204, '', 'text/plain', [...cors, ['Access-Control-Allow-Headers', 'authorization'], ['Access-Control-Allow-Methods', 'GET']]);
      send(res, 200, '{"user":"jo"}', 'application/json', cors);
    },
    '/audit/bad/api/orders': (req, res) => {
      const o = req.headers.origin;
      send(res, 401, '{"message":"Unauthorized"}', 'application/json', o ? [['Access-Control-Allow-Origin', o], ['Access-Control-Allow-Credentials', 'true'], ['Vary', 'Origin']] : []);
    },
    // A challenge script cannot read, allowed to be cached.
    '/audit/bad/api/cards': (req, res) =>
      send(res, 401, '', 'application/json', [...reflect(req), ['Vary', 'Origin'], ['Cache-Control', 'public, max-age=300'],
        ['WWW-Authenticate', 'Bearer realm="api", error="invalid_token"']]),
    // A scope error as 401 (RFC 6750: 403), a missing credential as 403 (RFC 9110: 401).
    '/audit/bad/api/admin': (req, res) =>
      send(res, 401, '', 'application/json', [...reflect(req), ['Vary', 'Origin'], ['Cache-Control', 'no-store'],
        ['Access-Control-Expose-Headers', 'WWW-Authenticate'], ['WWW-Authenticate', 'Bearer realm="api", error="insufficient_scope", scope="admin"']]),
    '/audit/bad/api/statements': (req, res) =>
      send(res, 403, '{"error":"forbidden"}', 'application/json', [...reflect(req), ['Vary', 'Origin'], ['Cache-Control', 'no-store']]),
    // An API answered with a redirect to the sign-in page.
    '/audit/bad/api/profile': (req, res) => {
      res.setHeader('Location', `${httpsOrigin('www.b.test')}/audit/bad/signin-page`);
      send(res, 302, '', 'text/plain', reflect(req));
    },
    '/audit/bad/signin-page': (req, res) => send(res, 200, PAGE('Sign in'), 'text/html; charset=utf-8', reflect(req)),
    // A token in the URL.
    '/audit/bad/api/export': (req, res) => send(res, 200, 'a,b', 'text/csv', [...reflect(req), ['Vary', 'Origin'], ['Cache-Control', 'no-store']]),
    '/audit/bad/api/config': (req, res) =>
      send(res, 200, '{}', 'application/json', [['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Credentials', 'true']]),
  };
  return r;
}

/** fetch() inside `page`; resolves to the status or the error text. */
export function pageFetch(page, url, init = {}) {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const r = await fetch(url, init);
        return { status: r.status, body: await r.text() };
      } catch (e) {
        return { status: 0, body: String(e) };
      }
    },
    { url, init },
  );
}

/**
 * Plays the good flow in `page` (already at https://app.a.test/audit/good/). With `careful`, an
 * expired token is refreshed and retried, then the user logs out. `between` runs once mid-flow
 * (the e2e stops the extension's worker there).
 */
export async function goodFlow(page, origin, { careful = false, between = async () => {} } = {}) {
  const app = origin('app.a.test');
  const api = origin('api.a.test');
  await pageFetch(page, `${app}/audit/good/api/me`);
  await pageFetch(page, `${app}/audit/good/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"user":"owner","password":"correct horse"}' });
  await pageFetch(page, `${app}/audit/good/api/me`);
  await between();
  const t = JSON.parse((await pageFetch(page, `${app}/audit/good/token-for-test`)).body);
  if (careful) {
    const expired = await pageFetch(page, `${api}/audit/api/items`, { headers: { Authorization: `Bearer ${t.expired}` } });
    if (expired.status !== 401) throw new Error(`expired token answered ${expired.status}`);
    const fresh = JSON.parse((await pageFetch(page, `${app}/audit/good/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&refresh_token=rt-1' })).body);
    const retry = await pageFetch(page, `${api}/audit/api/items`, { headers: { Authorization: `Bearer ${fresh.access_token}` } });
    if (retry.status !== 200) throw new Error(`retry answered ${retry.status}`);
    await pageFetch(page, `${app}/audit/good/logout`, { method: 'POST' });
    await pageFetch(page, `${app}/audit/good/api/me`);
  } else {
    const ok = await pageFetch(page, `${api}/audit/api/items`, { headers: { Authorization: `Bearer ${t.fresh}` } });
    if (ok.status !== 200) throw new Error(`items answered ${ok.status}`);
  }
}

/** An OpenID Connect ID token (nonce, at_hash, audience the client, no scope). */
function idToken() {
  const now = Math.floor(Date.now() / 1000);
  return jwt({ iss: 'https://www.b.test/', aud: 'bad-web-client', sub: 'jo', nonce: 'n-7', at_hash: 'h4', iat: now, exp: now + 600 });
}

/** Plays the bad flow in `page`, starting at http://www.b.test/audit/bad/login. */
export async function badFlow(page, { http, https }) {
  await pageFetch(page, http('www.b.test', '/audit/bad/login'), { method: 'POST', body: 'user=jo&password=hunter2' });
  await page.goto(https('www.b.test', '/audit/bad/page'));
  await pageFetch(page, https('www.b.test', '/audit/bad/session'), { method: 'POST' });
  await pageFetch(page, https('api.b.test', '/audit/bad/api/me'), { credentials: 'include', headers: { Authorization: `Bearer ${unsignedToken()}` } });
  await pageFetch(page, https('api.b.test', '/audit/bad/api/orders'), { credentials: 'include' });
  // Not credentialed, so it succeeds: the wildcard + credentials answer is a trap for the calls that are.
  await pageFetch(page, https('api.b.test', '/audit/bad/api/config'));
  await pageFetch(page, https('www.b.test', '/audit/bad/api/balance'));
  await pageFetch(page, https('api.b.test', '/audit/bad/api/cards'), { credentials: 'include' });
  await pageFetch(page, https('api.b.test', '/audit/bad/api/admin'), { credentials: 'include' });
  await pageFetch(page, https('api.b.test', '/audit/bad/api/statements'));
  await pageFetch(page, https('api.b.test', '/audit/bad/api/profile'), { credentials: 'include' });
  await pageFetch(page, https('api.b.test', '/audit/bad/api/export?access_token=bGVha2VkLXRva2Vu&format=csv'));
  // The app sends its ID token as the API credential.
  await pageFetch(page, https('api.b.test', '/audit/bad/api/me'), { credentials: 'include', headers: { Authorization: `Bearer ${idToken()}` } });
  // Another site calls the same API with credentials, and it answers that origin too.
  await page.goto(https('app.c.test', '/page'));
  await pageFetch(page, https('api.b.test', '/audit/bad/api/me'), { credentials: 'include' });
}

/** Ids each live flow must raise in the audit page and in `authlens audit` on its HAR. */
export const LIVE_EXPECT = {
  good: { grade: 'A', clean: true, ids: [] },
  careful: { grade: 'A', clean: true, ids: [] },
  bad: {
    grade: 'F',
    clean: false,
    ids: [
      'login-over-http',
      'credentials-over-cleartext',
      'cookie-missing-httponly',
      'cookie-samesite-unset',
      'cookie-long-lived-session',
      'cookie-missing-secure',
      'set-cookie-samesite-none-insecure',
      'cors-origin-reflected-with-credentials',
      'cors-vary-origin-missing',
      'cors-wildcard-with-credentials',
      '401-without-www-authenticate',
      'auth-failure-not-no-store',
      'jwt-alg-rejected',
      'jwt-long-lived',
      'hsts-missing',
      'cookie-host-prefix-recommended',
      'cookie-domain-broader-than-needed',
      'cors-challenge-headers-not-exposed',
      'auth-failure-cacheable',
      'error-status-mismatch',
      '403-for-missing-credentials',
      'bearer-token-in-url',
      'id-token-as-access-token',
    ],
  },
};
