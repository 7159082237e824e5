// The e2e scenarios: each drives real pages the way a user's app would, and names the catalogue
// ids (DIAGNOSES.md) the popup must show. `run(env)` returns the tabId whose popup is checked.
// Expectation keys are documented at check() in expect.mjs. Optional `firefox: {expect}` replaces `expect` in
// the Firefox runner where Firefox behaves differently; `firefox: {pending: why}` marks a known Firefox gap: the
// runner reports it as XFAIL, and as a failure (XPASS) once it passes, so the mark is removed then.

import { auditScenarios } from './audit-scenarios.mjs';
import { HOSTILE, jwt, planted, secrets } from './server.mjs';

/** The fetch() init of an SPA's refresh-token grant (RFC 6749 §6) for `refreshToken`, as client `spa`. */
function refreshGrant(refreshToken) {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `grant_type=refresh_token&refresh_token=${refreshToken}&client_id=spa`,
  };
}

/** fetch() from inside the page; resolves to the status, or the error text for a network/CORS failure. */
function pageFetch(page, url, init = {}) {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const r = await fetch(url, init);
        await r.text();
        return r.status;
      } catch (e) {
        return String(e);
      }
    },
    { url, init },
  );
}

/** XMLHttpRequest from inside the page (withCredentials for cross-origin cookies). */
function pageXhr(page, url, { withCredentials = false, headers = {} } = {}) {
  return page.evaluate(
    ({ url, withCredentials, headers }) =>
      new Promise((resolve) => {
        const x = new XMLHttpRequest();
        x.open('GET', url);
        x.withCredentials = withCredentials;
        for (const [k, v] of Object.entries(headers)) x.setRequestHeader(k, v);
        x.onload = () => resolve(x.status);
        x.onerror = () => resolve('error');
        x.send();
      }),
    { url, withCredentials, headers },
  );
}

const bearer = (t) => ({ Authorization: `Bearer ${t}` });

/**
 * Opens the PWA page (https://pwa.c.test/pwa/app) and waits until its service worker controls it, so
 * that the page's fetches go through the worker's `fetch(event.request)`.
 */
async function openPwa(env) {
  const opened = await env.open(env.https('pwa.c.test', '/pwa/app'));
  const state = await opened.page.evaluate(() => /** @type {any} */ (window).__swReady);
  if (state !== 'controlled') throw new Error(`the PWA's service worker does not control the page: ${state}`);
  return opened;
}

const SECRET = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2VjcmV0LXNpZ25hdHVyZQ';

/** A record as the worker stores it, with view data shaped like src/view.rs (camelCase). */
function syntheticRecord() {
  const now = Date.now();
  const hostile = 'https://api.example.test/v1/me?<img src=x onerror="window.__pwned=true">';
  const finding = (id, severity, title) => ({
    id,
    severity,
    title,
    explanation: `${title}: <b>not bold</b> <script>window.__pwned=true</script>`,
    evidence: [{ label: 'exp', value: '12:03:11 (3 min 12 s before the server Date 12:06:23)' }],
    fix: { summary: 'Refresh the token before calling the API.', steps: ['Renew on 401 invalid_token', 'Retry once'], snippets: [{ lang: 'js', code: "if (res.status === 401) await refresh();" }] },
    source: 'RFC 7519 §4.1.4',
    related: [],
  });
  const entry = (index, url, startedMs, findings) => ({
    index,
    method: 'GET',
    url,
    status: 401,
    error: null,
    startedMs,
    resourceType: 'xmlhttprequest',
    findings,
    credentials: {
      authorization: { scheme: 'Bearer', summary: 'Bearer JWT (HS256)', user: null, credentialRedacted: 'eyJhbG…(74 chars)', jwt: { header: [{ name: 'alg', value: 'HS256', note: null, status: 'info' }], claims: [{ name: 'exp', value: '1790000000', note: 'expired 3 min 12 s before the server clock', status: 'bad' }], kind: 'JWS', problems: [] }, notes: [] },
      apiKeys: [],
      state: 'rejected',
    },
    cookies: [{ name: 'sid', valueRedacted: 'ab…', sent: false, reason: 'SameSite=Lax on a cross-site request', finding: 'cookie-samesite-lax-excluded', sameSite: 'Lax', secure: true, httpOnly: true, domain: '.example.test', path: '/', expires: 'session', partitioned: null, origin: 'jar' }],
    cors: { pageOrigin: 'https://app.example.test', requestOrigin: 'https://app.example.test', credentialsMode: 'include', responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: 'https://app.example.test' }], preflightStatus: 204, preflightHeaders: [], failedCheck: null },
    challenges: [{ scheme: 'Bearer', params: [{ name: 'error', value: 'invalid_token' }], token68: null, meaning: ['the token is expired, revoked or malformed'], proxy: false }],
    requestHeaders: [{ name: 'Authorization', value: 'Bearer eyJhbG…(74 chars)' }],
    responseHeaders: [{ name: 'WWW-Authenticate', value: 'Bearer error="invalid_token"' }],
    markdown: '',
    curl: '',
  });
  const exchange = (url, startedMs) => ({ method: 'GET', url, status: 401, startedMs, requestHeaders: [{ name: 'Authorization', value: `Bearer ${SECRET}` }], responseHeaders: [{ name: 'WWW-Authenticate', value: 'Bearer error="invalid_token"' }] });
  return {
    tabId: 424242,
    pageUrl: 'https://app.example.test/dashboard',
    version: 'test',
    updatedMs: now,
    exchanges: [exchange('https://api.example.test/v1/older', now - 120000), exchange(hostile, now - 60000), exchange('https://api.example.test/v1/newer', now - 5000)],
    entries: [
      // `blocking` is the core's verdict; the popup counts it and never re-derives it (here the second
      // entry's top finding is an error, yet the "core" says it does not block).
      { ...entry(1, hostile, now - 60000, [finding('jwt-expired', 'error', 'Token expired'), finding('bearer-invalid-token', 'warn', 'Token rejected')]), blocking: true },
      { ...entry(2, 'https://api.example.test/v1/newer', now - 5000, [finding('no-credentials-sent', 'error', 'No credentials sent')]), blocking: false },
    ],
  };
}

/**
 * Clicks copy button `nth` (0 "Copy report", 1 "Copy as cURL") of the entry whose URL ends with
 * `path`, and returns what reached the system clipboard (read back with navigator.clipboard in
 * the popup) and the button's feedback. A sentinel written first tells a copy that never happened
 * from one that did.
 */
async function copyFromEntry(popup, path, nth) {
  const sentinel = `sentinel-${Math.random()}`;
  // The prototype's writeText: step 4 below replaces the popup's own.
  await popup.evaluate((t) => Clipboard.prototype.writeText.call(navigator.clipboard, t), sentinel);
  await popup.evaluate(() => document.querySelectorAll('details.entry').forEach((d) => (d.open = true)));
  // `*=`: a URL with a token in its query is shown redacted (…(n chars, redacted)) at its end.
  const button = popup.locator(`details.entry[data-url*="${path}"] .actions > button`).nth(nth);
  const label = await button.textContent();
  await button.click();
  // Any change of the label is feedback; what it says is checked by the caller.
  await popup.waitForFunction(({ b, label }) => b?.textContent !== label, { b: await button.elementHandle(), label }, { timeout: 3000 });
  const feedback = { text: await button.textContent(), state: await button.getAttribute('data-copied') };
  let text = sentinel;
  for (let i = 0; i < 20 && text === sentinel; i++) {
    text = await popup.evaluate(() => navigator.clipboard.readText());
    if (text === sentinel) await new Promise((r) => setTimeout(r, 50));
  }
  return { text: text === sentinel ? null : text, feedback, label, button };
}

/** The popup-copy-redaction checks; returns what is wrong, or null. */
async function checkCopies(popup, env) {
  const token = env.tokens.expired;
  const tokenPayload = token.split('.')[1];
  const basic = Buffer.from(`${secrets.basicUser}:${secrets.basicPassword}`).toString('base64');
  const me = (await popup.locator('details.entry[data-url$="/api/me"]').getAttribute('data-url')) ?? '';
  if (!me) return 'no entry for /api/me';
  /** Which of the named secrets `text` contains. */
  const leaks = (text, named) => Object.entries(named).filter(([, v]) => text.includes(v)).map(([k]) => k);
  const meSecrets = { 'the Bearer token': token, 'the token payload': tokenPayload, 'the session cookie value': secrets.session };
  const basicSecrets = { 'the Basic credential': basic, 'the Basic password': secrets.basicPassword };

  // 1. Redacted (the default): names the finding and the URL, holds no secret.
  const copies = {};
  for (const [what, path, nth] of [['report /api/me', '/api/me', 0], ['cURL /api/me', '/api/me', 1], ['report /api/basic', '/api/basic', 0], ['cURL /api/basic', '/api/basic', 1]]) {
    const c = await copyFromEntry(popup, path, nth);
    if (c.text === null) return `${what}: nothing reached the clipboard (button says "${c.feedback.text}")`;
    if (c.feedback.text !== 'Copied' || c.feedback.state !== 'ok') return `${what}: button feedback "${c.feedback.text}" (${c.feedback.state}), expected "Copied"`;
    copies[what] = c;
  }
  if (!copies['report /api/me'].text.includes('jwt-expired')) return 'the copied report does not name jwt-expired';
  if (!copies['report /api/me'].text.includes(me)) return `the copied report does not name ${me}`;
  if (!copies['cURL /api/me'].text.startsWith(`curl '${me}'`)) return `the copied cURL is not a command for ${me}: ${copies['cURL /api/me'].text.slice(0, 80)}`;
  if (!/^-H 'Authorization: Bearer .*redacted\)'/m.test(copies['cURL /api/me'].text.replace(/^\s+/gm, ''))) return 'the copied cURL lacks the redacted Authorization header';
  if (!copies['cURL /api/basic'].text.includes('/api/basic')) return 'the copied Basic cURL does not name /api/basic';
  for (const [what, c] of Object.entries(copies)) {
    const l = leaks(c.text, { ...meSecrets, ...basicSecrets });
    if (l.length) return `${what} leaks ${l.join(', ')} with Reveal off`;
  }
  // The feedback goes back to the label.
  const back = copies['cURL /api/basic'];
  await popup.waitForFunction((b) => !b?.dataset.copied, await back.button.elementHandle(), { timeout: 3000 });
  if ((await back.button.textContent()) !== back.label) return `the button did not go back to "${back.label}"`;

  // 2. Reveal on: an explicit choice, so the copies carry the secrets as captured.
  await popup.click('#reveal');
  await popup.waitForSelector('body[data-reveal="on"]');
  const rReport = await copyFromEntry(popup, '/api/me', 0);
  const rCurl = await copyFromEntry(popup, '/api/me', 1);
  const rBasic = await copyFromEntry(popup, '/api/basic', 1);
  for (const [what, c, named] of [['report', rReport, meSecrets], ['cURL', rCurl, meSecrets], ['Basic cURL', rBasic, { 'the Basic credential': basic }]]) {
    if (c.text === null || c.feedback.text !== 'Copied') return `revealed ${what}: not copied (button says "${c.feedback.text}")`;
    const missing = Object.keys(named).filter((k) => !leaks(c.text, named).includes(k));
    if (missing.length) return `revealed ${what} lacks ${missing.join(', ')}`;
  }
  if (!rReport.text.includes('jwt-expired') || !rReport.text.includes(me)) return 'the revealed report does not name jwt-expired and the URL';

  // 3. Hidden again: back to redacted copies.
  await popup.click('#reveal');
  await popup.waitForSelector('body[data-reveal="off"]');
  for (const nth of [0, 1]) {
    const c = await copyFromEntry(popup, '/api/me', nth);
    const l = leaks(c.text ?? '', meSecrets);
    if (c.text === null || l.length) return `after hiding secrets again, copy ${nth} ${c.text === null ? 'copied nothing' : `leaks ${l.join(', ')}`}`;
  }

  // 4. The async Clipboard API refused (Firefox without focus, a lost user gesture): the
  //    execCommand fallback still copies, and says so.
  await popup.evaluate(() => Object.defineProperty(navigator.clipboard, 'writeText', { configurable: true, value: () => Promise.reject(new DOMException('refused', 'NotAllowedError')) }));
  const fb = await copyFromEntry(popup, '/api/me', 1).catch((e) => ({ text: null, feedback: { text: String(e) } }));
  if (fb.text !== copies['cURL /api/me'].text) return `execCommand fallback: clipboard holds ${fb.text === null ? 'nothing new' : 'other text'} (button says "${fb.feedback.text}")`;

  // 5. Both refused: the button must say the copy failed, never "Copied".
  await popup.evaluate(() => (document.execCommand = () => false));
  const sentinel = 'sentinel-refused';
  await popup.evaluate((t) => Clipboard.prototype.writeText.call(navigator.clipboard, t), sentinel);
  const refused = popup.locator('details.entry[data-url$="/api/me"] .actions > button').nth(0);
  await refused.click();
  await popup.waitForFunction((b) => b?.dataset.copied, await refused.elementHandle(), { timeout: 3000 });
  const said = { text: await refused.textContent(), state: await refused.getAttribute('data-copied'), title: await refused.getAttribute('title') };
  if (said.text !== 'Copy failed' || said.state !== 'failed') return `a refused copy shows "${said.text}" (${said.state}), expected "Copy failed"`;
  if (!said.title?.startsWith('Copy failed:')) return `a refused copy does not say why in its tooltip: ${said.title}`;
  if ((await popup.evaluate(() => navigator.clipboard.readText())) !== sentinel) return 'a refused copy changed the clipboard';
  return null;
}

/** What the hostile scenario's run() measured, for its checkPopup(). */
const hostileState = { victimTabId: -1, victimBefore: '', pingMs: -1, burst: 0 };

/** A tab's stored record reduced to what must not change when another tab misbehaves. */
const recordShape = (rec) => JSON.stringify({ exchanges: (rec?.exchanges ?? []).map((x) => [x.cid, x.url, x.status]), entries: rec?.entries ?? null });

/** The hostile scenario's popup checks; returns what is wrong, or null. */
async function checkHostile(popup, env) {
  // 1. Everything is inert text: no canary, no injected script, image, frame or handler.
  const dom = await popup.evaluate(() => ({
    pwned: typeof (/** @type {any} */ (window).__pwned),
    scripts: [...document.scripts].map((s) => s.src || 'inline'),
    foreignImages: [...document.images].map((i) => i.src).filter((src) => !src.startsWith(location.origin)),
    frames: document.querySelectorAll('iframe, object, embed, frame, base, meta[http-equiv], link[rel="preload"]').length,
    handlers: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName}[${a.name}]`)),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    entries: document.querySelectorAll('[data-entry]').length,
    markupShownAsText: document.body.textContent.includes('<script>') || document.body.textContent.includes('<img'),
  }));
  if (dom.pwned !== 'undefined') return 'window.__pwned was set in the popup';
  if (dom.scripts.length !== 1 || !dom.scripts[0].endsWith('/popup.js')) return `unexpected scripts in the popup: ${dom.scripts.join(', ')}`;
  if (dom.foreignImages.length) return `remote images in the popup: ${dom.foreignImages.join(', ')}`;
  if (dom.frames) return `${dom.frames} frame/object/base/meta/preload elements in the popup`;
  if (dom.handlers.length) return `event-handler attributes in the popup: ${dom.handlers.slice(0, 3).join(', ')}`;
  if (dom.overflow > 1) return `the layout overflows sideways by ${dom.overflow} px`;
  if (!dom.markupShownAsText) return 'the hostile markup is not shown as text anywhere (was the xss entry dropped?)';
  if (!(await popup.locator('details.entry[data-url*="/hostile/xss"]').count())) return 'no entry for /hostile/xss';
  if (!(await popup.locator('details.entry[data-url*="/hostile/binary"]').count())) return 'the 200 KB binary header cost the exchange';
  // 2. The worker stayed responsive, and the other tab kept its captures.
  if (!(hostileState.pingMs >= 0 && hostileState.pingMs < 1000)) return `the worker answered a ping ${Math.round(hostileState.pingMs)} ms after the burst`;
  const victimAfter = recordShape(await env.readTab(hostileState.victimTabId));
  if (victimAfter !== hostileState.victimBefore) return `the other tab's record changed: ${hostileState.victimBefore} became ${victimAfter}`;
  // 3. Planted secrets: absent from the popup, storage.session and the redacted copies…
  const named = Object.entries(planted);
  const leaks = (text) => named.filter(([, v]) => text.includes(v)).map(([k]) => k);
  const shown = await popup.evaluate(() => (document.querySelectorAll('details.entry').forEach((d) => (d.open = true)), document.documentElement.outerHTML));
  if (leaks(shown).length) return `the popup shows ${leaks(shown).join(', ')} with Reveal off`;
  const stored = JSON.stringify(await env.sw().evaluate(() => chrome.storage.session.get(null)));
  if (leaks(stored).length) return `storage.session holds ${leaks(stored).join(', ')}`;
  const report = await copyFromEntry(popup, '/hostile/secrets', 0);
  const curl = await copyFromEntry(popup, '/hostile/secrets', 1);
  if (report.text === null || curl.text === null) return 'the secrets entry copied nothing';
  for (const [what, c] of [['report', report], ['cURL', curl]]) if (leaks(c.text).length) return `the ${what} copy holds ${leaks(c.text).join(', ')} with Reveal off`;
  // …and there after Reveal (in the popup or in what the Copy buttons copy).
  await popup.click('#reveal');
  await popup.waitForSelector('body[data-reveal="on"]');
  const revealed = await popup.evaluate(() => (document.querySelectorAll('details.entry').forEach((d) => (d.open = true)), document.documentElement.outerHTML));
  const rReport = await copyFromEntry(popup, '/hostile/secrets', 0);
  const rCurl = await copyFromEntry(popup, '/hostile/secrets', 1);
  const all = `${revealed}\n${rReport.text}\n${rCurl.text}`;
  const missing = named.filter(([, v]) => !all.includes(v)).map(([k]) => k);
  if (missing.length) return `after Reveal, ${missing.join(', ')} not shown or copied`;
  const after = await popup.evaluate(() => typeof (/** @type {any} */ (window).__pwned));
  if (after !== 'undefined') return 'window.__pwned was set after Reveal';
  return null;
}

/** @type {{name:string, title:string, expect:object, run:(env:any)=>Promise<{tabId:number}>}[]} */
export const scenarios = [
  // ---- A. missing credentials ---------------------------------------------------------------
  {
    name: 'missing-credentials',
    title: 'same-origin fetch without any credential gets 401 Bearer',
    expect: { first: 'no-credentials-sent', urlIncludes: '/api/me' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, '/api/me');
      return { tabId };
    },
  },

  // ---- C. tokens ------------------------------------------------------------------------------
  {
    name: 'jwt-expired',
    title: 'Bearer JWT expired an hour ago',
    expect: { first: 'jwt-expired', urlIncludes: '/api/me' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, '/api/me', { headers: bearer(env.tokens.expired) });
      return { tabId };
    },
  },
  {
    name: 'clock-skew-after-refresh',
    title: 'the client clock runs 2 h ahead of the servers: the SPA refreshes, judges the new 5-minute token expired by its own clock, and calls the API without it',
    expect: { first: 'clock-skew', urlIncludes: '/skew/api' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/skew/page'));
      for (let i = 0; i < 3; i++) await pageFetch(page, `/skew/asset?i=${i}`);
      await pageFetch(page, '/skew/oauth/token', refreshGrant('rt-1'));
      await pageFetch(page, '/skew/api');
      return { tabId };
    },
  },
  {
    name: 'oauth-refresh-refused',
    title: 'the token endpoint refuses a refresh (400; its body is out of the extension\'s reach), then the API call goes without a token',
    expect: { first: 'oauth-invalid-grant', urlIncludes: '/idp/api' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, '/idp/token', refreshGrant('rt-expired-1'));
      await pageFetch(page, '/idp/api');
      return { tabId };
    },
  },
  {
    name: 'oauth-authorize-error',
    title: 'the authorization endpoint redirects back with error=invalid_scope: no code, no token',
    expect: { first: 'oauth-invalid-client', urlIncludes: '/idp/authorize' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await page.goto(env.https('app.a.test', '/idp/authorize?client_id=spa&response_type=code&scope=openid%20admin&state=s1'));
      return { tabId };
    },
  },
  {
    name: 'jwt-expired-recovered',
    title: 'refresh-and-retry: the expired JWT gets a 401, the same call with a fresh token succeeds',
    expect: { first: 'jwt-expired', urlIncludes: '/api/me' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, '/api/me', { headers: bearer(env.tokens.expired) });
      const again = await pageFetch(page, '/api/me', { headers: bearer(env.tokens.valid) });
      if (again !== 200) throw new Error(`the retry answered ${again}, expected 200`);
      return { tabId };
    },
    async checkPopup(popup, env) {
      return popup.evaluate(() => {
        const e = [...document.querySelectorAll('[data-entry]')].find((x) => (x.getAttribute('data-url') ?? '').includes('/api/me'));
        if (!e) return 'the 401 is not listed';
        if (e.querySelector('.req-recovered')?.textContent !== 'recovered') return 'no "recovered" label on the 401';
        const summary = document.getElementById('summary')?.textContent ?? '';
        return summary.includes('blocking') ? `a recovered failure is counted as blocking: "${summary}"` : null;
      });
    },
  },
  {
    name: 'jwt-expired-recovered-after-restart',
    title: "refresh-and-retry across a restart of the extension's worker: the retry still marks the 401 recovered",
    expect: { first: 'jwt-expired', urlIncludes: '/api/me' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, '/api/me', { headers: bearer(env.tokens.expired) });
      await env.settle();
      await env.stopServiceWorker();
      await new Promise((r) => setTimeout(r, 300));
      const again = await pageFetch(page, '/api/me', { headers: bearer(env.tokens.valid) });
      if (again !== 200) throw new Error(`the retry answered ${again}, expected 200`);
      return { tabId };
    },
    async checkPopup(popup, env) {
      const label = await popup.evaluate(() =>
        [...document.querySelectorAll('[data-entry]')]
          .find((x) => (x.getAttribute('data-url') ?? '').includes('/api/me'))
          ?.querySelector('.req-recovered')?.textContent ?? null,
      );
      return label === 'recovered' ? null : 'no "recovered" label on the 401 after the worker restart';
    },
  },
  {
    name: 'jwt-not-yet-valid',
    title: 'Bearer JWT whose nbf/iat is an hour in the future',
    expect: { first: 'jwt-not-yet-valid', urlIncludes: '/api/me' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, '/api/me', { headers: bearer(env.tokens.future) });
      return { tabId };
    },
  },

  // ---- B. rejected credentials --------------------------------------------------------------
  {
    name: 'bearer-invalid-token',
    title: 'a well-formed, unexpired token the API does not accept',
    expect: { first: 'bearer-invalid-token', urlIncludes: '/api/me' },
    async run(env) {
      const now = Math.floor(Date.now() / 1000);
      const wrong = jwt({ iss: 'https://idp.b.test/', aud: 'https://api.a.test', sub: 'mallory', iat: now - 30, nbf: now - 30, exp: now + 600 });
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, '/api/me', { headers: bearer(wrong) });
      return { tabId };
    },
  },
  {
    name: 'bearer-insufficient-scope',
    title: 'valid token, 403 insufficient_scope for an admin call',
    expect: { first: 'bearer-insufficient-scope', urlIncludes: '/api/admin' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, '/api/admin', { headers: bearer(env.tokens.valid) });
      return { tabId };
    },
  },
  {
    name: 'basic-malformed',
    title: 'script-set Basic credential without the user:password colon',
    expect: { first: 'basic-credentials-malformed', urlIncludes: '/api/basic' },
    async run(env) {
      // Cross-origin (CORS) on purpose: the browser never prompts for those, so nothing hangs (P13).
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, env.https('api.a.test', '/api/basic'), { headers: { Authorization: `Basic ${Buffer.from('alice').toString('base64')}` } });
      return { tabId };
    },
  },

  // ---- D/E. cookies -----------------------------------------------------------------------------
  {
    name: 'samesite-lax-excluded',
    title: 'Lax session cookie withheld from a cross-site credentialed fetch',
    expect: { first: 'cookie-samesite-lax-excluded', urlIncludes: '/api/cookie-me' },
    async run(env) {
      const login = await env.open(env.https('app.a.test', '/set/lax'));
      await login.page.close();
      const { page, tabId } = await env.open(env.https('www.b.test', '/page'));
      await pageFetch(page, env.https('api.a.test', '/api/cookie-me'), { credentials: 'include' });
      return { tabId };
    },
  },
  {
    name: 'samesite-strict-excluded',
    title: 'Strict session cookie withheld from a cross-site credentialed fetch',
    expect: { first: 'cookie-samesite-strict-excluded', urlIncludes: '/api/cookie-me' },
    async run(env) {
      const login = await env.open(env.https('app.a.test', '/set/strict'));
      await login.page.close();
      const { page, tabId } = await env.open(env.https('www.b.test', '/page'));
      await pageFetch(page, env.https('api.a.test', '/api/cookie-me'), { credentials: 'include' });
      return { tabId };
    },
  },
  {
    name: 'samesite-none-insecure',
    title: 'SameSite=None without Secure is rejected at set time, so the next call is anonymous',
    expect: { first: 'set-cookie-samesite-none-insecure', urlIncludes: '/set/none-insecure' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, '/set/none-insecure');
      await pageFetch(page, '/api/cookie-me');
      return { tabId };
    },
  },
  {
    name: 'secure-cookie-over-http',
    title: 'a Secure cookie set from a plain-http page is refused',
    expect: { includes: ['secure-cookie-insecure-origin'] },
    async run(env) {
      const { page, tabId } = await env.open(env.http('app.a.test', '/page'));
      await pageFetch(page, '/set/secure-over-http');
      await pageFetch(page, '/api/cookie-me');
      return { tabId };
    },
  },
  {
    name: 'cookie-not-on-path',
    title: 'session cookie scoped to /app, API lives under /api',
    expect: { first: 'cookie-not-on-path', urlIncludes: '/api/cookie-me' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/set/path-app'));
      await pageFetch(page, '/api/cookie-me');
      return { tabId };
    },
  },
  {
    name: 'cookie-domain-mismatch',
    title: 'host-only cookie of app.a.test not sent to api.a.test',
    expect: { first: 'cookie-domain-mismatch', urlIncludes: '/api/cookie-me' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/set/host-only'));
      await pageFetch(page, env.https('api.a.test', '/api/cookie-me'), { credentials: 'include' });
      return { tabId };
    },
  },
  {
    name: 'iframe-third-party-cookie',
    title: 'a cross-site iframe calls its own API; its SameSite=None cookie is blocked as third-party',
    expect: { includes: ['cookie-third-party-blocked'], urlIncludes: '/api/cookie-me' },
    async run(env) {
      // The premise: this Chromium profile blocks third-party cookies by default (PLATFORM.md P17).
      const blocked = await env.sw().evaluate(async () => !(await chrome.privacy.websites.thirdPartyCookiesAllowed.get({})).value);
      if (!blocked) throw new Error('third-party cookies are allowed in this profile; the scenario needs them blocked');
      const login = await env.open(env.https('app.a.test', '/set/none-secure'));
      await login.page.close();
      const { page, tabId } = await env.open(env.https('www.b.test', '/embed'));
      await page.frameLocator('#w').locator('h1').waitFor();
      await page.waitForFunction(() => true);
      await new Promise((r) => setTimeout(r, 300));
      return { tabId };
    },
  },

  {
    name: 'firefox-cookie-other-partition',
    title: 'Total Cookie Protection: a widget signed in while embedded in www.b.test has no cookie when embedded in app.c.test',
    // Chromium blocks the third-party cookie outright (iframe-third-party-cookie covers that flow).
    browsers: ['firefox'],
    expect: { includes: ['cookie-in-other-partition'], urlIncludes: '/api/cookie-me' },
    async run(env) {
      const login = await env.open(env.https('www.b.test', '/embed-login'));
      await new Promise((r) => setTimeout(r, 500));
      await login.page.close();
      const { tabId } = await env.open(env.https('app.c.test', '/embed'));
      await new Promise((r) => setTimeout(r, 800)); // the widget's fetch
      return { tabId };
    },
  },

  {
    name: 'firefox-etp-tracker-cookie',
    title: 'Enhanced Tracking Protection: the sign-in widget\'s host is on the tracking list (a classifier test entry), so Firefox blocks its cookies when it is embedded, instead of partitioning them',
    // Chromium has no tracker classification; iframe-third-party-cookie covers its blocking.
    browsers: ['firefox'],
    expect: { first: 'cookie-third-party-blocked', urlIncludes: '/api/cookie-me', excludes: ['cookie-in-other-partition'] },
    async run(env) {
      const login = await env.open(env.https('sso.b.test', '/set/none-secure'));
      await login.page.close();
      const { tabId } = await env.open(env.https('app.c.test', '/embed-sso'));
      await new Promise((r) => setTimeout(r, 800)); // the widget's fetch
      return { tabId };
    },
  },

  // ---- F. CORS ----------------------------------------------------------------------------------
  {
    name: 'cors-wildcard-with-credentials',
    title: 'ACAO * on a credentialed cross-site fetch',
    // In Firefox the blocked response arrives as an ordinary completed one (issue 11 §4): the core's
    // pre-filter judges its CORS headers (interest::fails_cors_check).
    expect: { first: 'cors-wildcard-with-credentials', urlIncludes: '/cors/wildcard' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('www.b.test', '/page'));
      await pageFetch(page, env.https('api.a.test', '/cors/wildcard'), { credentials: 'include' });
      return { tabId };
    },
  },
  {
    name: 'cors-allow-credentials-missing',
    title: 'Origin reflected but no Access-Control-Allow-Credentials',
    expect: { first: 'cors-allow-credentials-invalid', urlIncludes: '/cors/no-acac' },
    firefox: {
      // Firefox hands the CORS-blocked response to webRequest as an ordinary completed one (no
      // onErrorOccurred, issue 11 §4), and nothing in it says the call was credentialed: no cookie
      // went (the jar is empty) and the server sends no Allow-Credentials. webRequest does not
      // expose the credentials mode, so the core cannot tell this 200 from a healthy one.
      pending: 'credentials mode unknowable from a completed Firefox response without cookies or Allow-Credentials (issue 11 §4)',
    },
    async run(env) {
      const { page, tabId } = await env.open(env.https('www.b.test', '/page'));
      await pageFetch(page, env.https('api.a.test', '/cors/no-acac'), { credentials: 'include' });
      return { tabId };
    },
  },
  {
    name: 'cors-authorization-not-allowed',
    title: 'preflight allows Content-Type only; the call sends Authorization',
    expect: { first: 'cors-authorization-not-allowed', urlIncludes: '/cors/no-authz' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('www.b.test', '/page'));
      await pageFetch(page, env.https('api.a.test', '/cors/no-authz'), { headers: bearer(env.tokens.valid) });
      return { tabId };
    },
  },
  {
    name: 'cors-bearer-preflight-ok',
    title: "a token API without cookies: the preflight succeeds (no Allow-Credentials needed), the call gets 401 for an expired JWT; no CORS alarm (issue 11 §4, Firefox's separate preflight events)",
    expect: { first: 'jwt-expired', urlIncludes: '/cors/bearer-only', excludes: ['cors-allow-credentials-invalid', 'cors-wildcard-with-credentials'] },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      const status = await pageFetch(page, env.https('api.a.test', '/cors/bearer-only'), { headers: bearer(env.tokens.expired) });
      if (status !== 401) throw new Error(`/cors/bearer-only answered ${status}, expected 401`);
      return { tabId };
    },
  },
  {
    name: 'cors-preflight-401',
    title: 'the auth layer answers the OPTIONS preflight with 401',
    expect: { first: 'cors-preflight-blocked-by-auth', urlIncludes: '/cors/preflight-401' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('www.b.test', '/page'));
      await pageFetch(page, env.https('api.a.test', '/cors/preflight-401'), { headers: bearer(env.tokens.valid) });
      return { tabId };
    },
  },
  {
    name: 'cors-error-masks-401',
    title: 'a 401 without CORS headers shows up as a CORS error in the page',
    // The expired token is the root cause and ranks first; the CORS masking is what the page saw.
    expect: { first: 'jwt-expired', includes: ['cors-error-masks-401'], urlIncludes: '/cors/masked-401' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('www.b.test', '/page'));
      await pageFetch(page, env.https('api.a.test', '/cors/masked-401'), { headers: bearer(env.tokens.expired) });
      return { tabId };
    },
  },

  // ---- G/H. caches and protocol ---------------------------------------------------------------
  {
    name: 'cached-401',
    title: 'a CDN keeps serving a cached 401 (Age: 95, X-Cache: HIT) to a request that now has a token',
    expect: { first: 'cached-401-served', urlIncludes: '/cache/401' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, '/cache/401', { headers: bearer(env.tokens.valid) });
      return { tabId };
    },
  },
  {
    name: '401-without-challenge',
    title: '401 without WWW-Authenticate',
    expect: { includes: ['401-without-www-authenticate'], urlIncludes: '/api/bare401' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, '/api/bare401');
      return { tabId };
    },
  },
  {
    name: '403-for-missing-credentials',
    title: '403 to a request that carried no credential',
    expect: { includes: ['403-for-missing-credentials'], urlIncludes: '/api/forbidden' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, '/api/forbidden');
      return { tabId };
    },
  },
  {
    name: 'login-redirect-for-api',
    title: 'API call redirected to the SSO login page instead of 401',
    expect: { first: 'login-redirect-for-api', urlIncludes: '/sso/' },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, '/sso/api/profile');
      return { tabId };
    },
  },
  {
    name: 'oauth-callback-strict-cookie',
    title: 'OAuth-style redirect back from the IdP (cross-site): the Strict state cookie is withheld',
    expect: { first: 'cookie-samesite-strict-excluded', urlIncludes: '/oauth/callback' },
    async run(env) {
      const login = await env.open(env.https('app.a.test', '/set/strict'));
      await login.page.close();
      const { page, tabId } = await env.open(env.https('idp.b.test', '/page'));
      const authorize = env.https('idp.b.test', `/authorize?redirect_uri=${encodeURIComponent(env.https('app.a.test', '/oauth/callback'))}`);
      await Promise.all([page.waitForURL(/oauth\/callback/), page.evaluate((u) => location.assign(u), authorize)]);
      return { tabId };
    },
  },

  // ---- service workers: a PWA's API calls reach the network as the worker's requests (tabId -1) ----
  {
    name: 'service-worker-fetch',
    title: "a PWA's service worker forwards the page's fetch; the API's 401 for the expired JWT is the tab's",
    expect: { first: 'jwt-expired', urlIncludes: '/pwa/api/me' },
    async run(env) {
      const { page, tabId } = await openPwa(env);
      const status = await pageFetch(page, '/pwa/api/me', { headers: bearer(env.tokens.expired) });
      if (status !== 401) throw new Error(`/pwa/api/me answered ${status}, expected 401`);
      await env.settle();
      // The core is told a worker made the request (fetchedByWorker), not that a worker answered it.
      const rec = await env.sw().evaluate((id) => globalThis.__authlens.readTab(id), tabId);
      const x = rec?.exchanges?.find((e) => e.url.includes('/pwa/api/me') && e.status === 401);
      if (x?.fetchedByWorker !== true || x?.fromCache) {
        throw new Error(`the worker's request is not marked fetchedByWorker: ${JSON.stringify(x && { fetchedByWorker: x.fetchedByWorker, fromCache: x.fromCache })}`);
      }
      return { tabId };
    },
    async checkPopup(popup, env) {
      const via = await popup.evaluate(() =>
        [...document.querySelectorAll('[data-entry]')]
          .filter((e) => (e.getAttribute('data-url') ?? '').includes('/pwa/api/me'))
          .map((e) => e.querySelector('.req-via')?.textContent ?? null),
      );
      return via.length && via.every((t) => t === 'via service worker') ? null : `"via service worker" not shown: ${JSON.stringify(via)}`;
    },
  },
  {
    name: 'service-worker-fetch-other-tab',
    title: "near miss: the worker's 401 is not shown in a tab of another origin on the same site",
    expect: { none: true },
    async run(env) {
      const other = await env.open(env.https('app.c.test', '/page'));
      const { page, tabId } = await openPwa(env);
      await pageFetch(page, '/pwa/api/me', { headers: bearer(env.tokens.expired) });
      await env.settle();
      // The premise: the request was captured, and for the PWA's tab.
      const pwa = await env.sw().evaluate((id) => globalThis.__authlens.readTab(id), tabId);
      if (!pwa?.exchanges?.some((x) => x.url.includes('/pwa/api/me') && x.status === 401)) {
        throw new Error("the worker's 401 was not recorded for the PWA's tab");
      }
      return { tabId: other.tabId };
    },
  },
  {
    name: 'service-worker-fetch-after-restart',
    title: "the extension's worker restarts (tab list lost from memory) just before the PWA's 401",
    expect: { first: 'jwt-expired', urlIncludes: '/pwa/api/me' },
    async run(env) {
      const { page, tabId } = await openPwa(env);
      await env.stopServiceWorker(); // stops the PWA's worker too; the page stays controlled
      await new Promise((r) => setTimeout(r, 300));
      const status = await pageFetch(page, '/pwa/api/me', { headers: bearer(env.tokens.expired) });
      if (status !== 401) throw new Error(`/pwa/api/me answered ${status}, expected 401`);
      return { tabId };
    },
  },

  // ---- healthy pages: nothing may be flagged --------------------------------------------------
  {
    name: 'healthy-form-login',
    title: 'form login sets a good session cookie; the API answers 200',
    expect: { none: true },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/login-form'));
      await Promise.all([page.waitForURL(/\/home$/), page.click('#go')]);
      const status = await pageFetch(page, '/api/session-me');
      if (status !== 200) throw new Error(`healthy login: /api/session-me answered ${status}`);
      return { tabId };
    },
  },
  {
    name: 'healthy-bearer-cors',
    title: 'same-site cross-origin fetch with a valid Bearer token and a correct preflight',
    expect: { none: true },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      const status = await pageFetch(page, env.https('api.a.test', '/api/me'), { headers: bearer(env.tokens.valid) });
      if (status !== 200) throw new Error(`healthy bearer: /api/me answered ${status}`);
      return { tabId };
    },
  },
  {
    name: 'healthy-xhr-cookie',
    title: 'XHR withCredentials to a same-site API with a Domain cookie',
    expect: { none: true },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/set/lax'));
      const status = await pageXhr(page, env.https('api.a.test', '/api/cookie-me'), { withCredentials: true });
      if (status !== 200) throw new Error(`healthy xhr: /api/cookie-me answered ${status}`);
      return { tabId };
    },
  },

  // ---- the popup itself ------------------------------------------------------------------------------
  {
    name: 'popup-contract',
    title: 'popup paints a stored analysis: rank order, newest first, hostile text stays text, Reveal secrets',
    expect: { entriesAtLeast: 2 },
    async run(env) {
      const tabId = 424242; // no such tab: the record is written directly, as the worker would
      await env.sw().evaluate(({ key, rec }) => chrome.storage.session.set({ [key]: rec }), { key: `tab:${tabId}`, rec: syntheticRecord() });
      return { tabId };
    },
    async checkPopup(popup, env) {
      const dom = await popup.evaluate(() => ({
        entries: [...document.querySelectorAll('[data-entry]')].map((e) => ({
          url: e.getAttribute('data-url'),
          status: e.getAttribute('data-status'),
          open: /** @type {HTMLDetailsElement} */ (e).open,
          findings: [...e.querySelectorAll('[data-finding]')].map((f) => `${f.getAttribute('data-finding')}/${f.getAttribute('data-severity')}`),
        })),
        injected: document.querySelectorAll('img[src="x"], script:not([src])').length,
        pwned: /** @type {any} */ (window).__pwned === true,
        buttons: [...document.querySelectorAll('button')].map((b) => b.textContent),
        raw: document.querySelector('[data-entry] pre')?.textContent ?? '',
        summary: document.getElementById('summary')?.textContent ?? '',
      }));
      if (!dom.summary.includes('2 flagged requests · 1 blocking')) return `summary does not count the core's blocking verdicts: "${dom.summary}"`;
      if (dom.entries[0]?.url !== 'https://api.example.test/v1/newer') return `newest entry not first: ${dom.entries.map((e) => e.url)}`;
      if (!dom.entries[0].open || dom.entries[1].open) return 'only the newest entry should start open';
      if (dom.entries[1].findings.join() !== 'jwt-expired/error,bearer-invalid-token/warn') return `findings out of rank order: ${dom.entries[1].findings}`;
      if (dom.injected || dom.pwned) return 'network text was parsed as HTML';
      if (!dom.buttons.includes('Copy report') || !dom.buttons.includes('Copy as cURL') || !dom.buttons.includes('Reveal secrets')) return `missing buttons: ${dom.buttons}`;
      // Keyboard: the first Tab stop is the Reveal toggle; an entry's summary opens with Enter.
      await popup.keyboard.press('Tab');
      const focused = await popup.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName);
      if (focused !== 'reveal') return `first Tab stop is ${focused}, expected the Reveal button`;
      await popup.focus('[data-entry="1"] > summary');
      await popup.keyboard.press('Enter');
      if (!(await popup.evaluate(() => document.querySelector('[data-entry="1"]')?.open))) return 'Enter on an entry summary did not open it';
      // Reveal secrets: the raw header view of the entry shows the full credential only after the toggle.
      const rawOf = () =>
        popup.evaluate(() => {
          const e = document.querySelector('[data-entry="1"]');
          return [...(e?.querySelectorAll('pre') ?? [])].map((p) => p.textContent).join('\n');
        });
      if ((await rawOf()).includes(SECRET)) return 'secret shown before Reveal';
      await popup.click('#reveal');
      await popup.waitForSelector('body[data-reveal="on"]');
      if (!(await rawOf()).includes(SECRET)) return 'Reveal did not show the raw credential';
      await popup.click('#reveal');
      await popup.waitForSelector('body[data-reveal="off"]');
      if ((await rawOf()).includes(SECRET)) return 'secret still shown after hiding';
      // Every panel open, in the dark theme: a screenshot artefact for review.
      await popup.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      await popup.emulateMedia({ colorScheme: 'dark' });
      const h = await popup.evaluate(() => document.documentElement.scrollHeight);
      await popup.setViewportSize({ width: 640, height: Math.min(h, 6000) });
      await popup.screenshot({ path: `${env.out ?? 'test-results/e2e'}/popup-contract-dark.png` });
      return null;
    },
  },

  {
    name: 'popup-copy-redaction',
    title: '"Copy report" and "Copy as cURL" copy redacted text; with Reveal on, the secrets; a refused clipboard says so',
    expect: { first: 'jwt-expired', urlIncludes: '/api/me', includes: ['bearer-invalid-token'] },
    async run(env) {
      // A session cookie, an expired Bearer JWT (same-origin, so the cookie goes along), and Basic
      // credentials on a cross-origin call (CORS: never prompts, P13).
      const { page, tabId } = await env.open(env.https('app.a.test', '/set/session-secret'));
      const me = await pageFetch(page, '/api/me', { headers: bearer(env.tokens.expired) });
      if (me !== 401) throw new Error(`/api/me answered ${me}`);
      const basic = Buffer.from(`${secrets.basicUser}:${secrets.basicPassword}`).toString('base64');
      const b = await pageFetch(page, env.https('api.a.test', '/api/basic'), { headers: { Authorization: `Basic ${basic}` } });
      if (b !== 401) throw new Error(`/api/basic answered ${b}`);
      return { tabId };
    },
    async checkPopup(popup, env) {
      // Per-origin grants fail for chrome-extension:// ("Permission can't be granted to opaque
      // origins"); a context-wide grant reaches the popup. Cleared again below.
      await env.ctx.grantPermissions(['clipboard-read', 'clipboard-write']);
      try {
        return await checkCopies(popup, env);
      } finally {
        await env.ctx.clearPermissions();
      }
    },
  },

  // ---- hostile pages (issue 8) ------------------------------------------------------------------------
  {
    name: 'hostile-page',
    title: 'markup, RLO and control bytes in headers, cookie names, error_description and URLs; a 1 MiB header; 5,000 Set-Cookie lines; 2 MB URLs; a burst of 400 failures; planted secrets',
    expect: { entriesAtLeast: 5, urlIncludes: '/hostile/secrets', includes: ['bearer-invalid-token'] },
    async run(env) {
      // Another tab with a capture of its own: it must come out untouched.
      const victim = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(victim.page, '/api/me');
      await env.settle();
      hostileState.victimTabId = victim.tabId;
      hostileState.victimBefore = recordShape(await env.readTab(victim.tabId));
      if (!hostileState.victimBefore.includes('/api/me')) throw new Error('the victim tab captured nothing');
      // An extension page to time the worker's answer from, opened before the flood.
      const probe = await env.ctx.newPage();
      await probe.goto(`chrome-extension://${env.extId}/popup.html?tab=0`);

      // The hostile page; its own URL carries ?code= (so every same-origin Referer does).
      const { page, tabId } = await env.open(env.https('www.b.test', `/hostile/page?code=${planted.refererCode}`));
      // The flood first (it evicts older failures: a tab keeps its newest 64): three 2 MB URLs and
      // 400 failing requests at once, with markup in their URLs.
      hostileState.burst = await page.evaluate(async ({ markup }) => {
        const big = (i) => `/hostile/fail/big${i}/${'u'.repeat(1.9e6)}?q=${encodeURIComponent(markup)}`;
        const urls = [...[0, 1, 2].map(big), ...Array.from({ length: 400 }, (_, i) => `/hostile/fail/burst-${i}?x=${encodeURIComponent(markup)}`)];
        const got = await Promise.all(urls.map((u) => fetch(u).then((r) => r.status, () => 0)));
        return got.filter((s) => s === 401).length;
      }, { markup: HOSTILE.markup });
      if (hostileState.burst < 400) throw new Error(`only ${hostileState.burst} of the burst's requests answered 401`);
      // Right after the burst, before the worker is idle: it must still answer within a second.
      hostileState.pingMs = await probe.evaluate(async () => {
        const t = performance.now();
        await chrome.runtime.sendMessage({ type: 'ping' });
        return performance.now() - t;
      });
      // Then markup, control bytes, oversize headers and planted secrets.
      const secretsStatus = await pageFetch(page, `/hostile/secrets?access_token=${planted.queryToken}`, {
        headers: { 'x-session-token': planted.sessionToken, 'cf-access-jwt-assertion': planted.cfAssertion },
      });
      if (secretsStatus !== 401) throw new Error(`/hostile/secrets answered ${secretsStatus}`);
      for (const path of ['/hostile/xss', '/hostile/control', '/hostile/nul', '/hostile/binary', '/hostile/huge-header', '/hostile/cookies']) await pageFetch(page, path);
      await pageFetch(page, `/hostile/fail/${encodeURIComponent(HOSTILE.markup)}/${HOSTILE.rlo}/%00%01%1b`);
      await probe.close();
      return { tabId };
    },
    async checkPopup(popup, env) {
      await env.ctx.grantPermissions(['clipboard-read', 'clipboard-write']);
      try {
        return await checkHostile(popup, env);
      } finally {
        await env.ctx.clearPermissions();
      }
    },
  },
  {
    name: 'hostile-burst-restart',
    title: "the extension's worker is stopped during bursts of failing requests (with analyses pending, and with requests in flight): every failure shown once",
    expect: { entriesAtLeast: 36 },
    async run(env) {
      const { page, tabId } = await env.open(env.https('www.b.test', '/hostile/page'));
      const wave = (w, kind) =>
        page.evaluate(({ w, kind }) => Promise.all(Array.from({ length: 12 }, (_, i) => fetch(`/hostile/${kind}/w${w}-${i}`).then((r) => r.status))), { w, kind });
      // Wave 0 and 2: all answered, then the worker is stopped at once, inside the debounce window:
      // the batch waiting for analysis must come back from storage. Wave 1: the worker is stopped
      // while the requests are in flight (the server answers after 400 ms): their ends reach a
      // restarted worker that never saw them start. Chromium drops webRequest events fired while a
      // worker is being stopped, so each stop is given 300 ms before the next requests start.
      for (const [w, kind] of [[0, 'fail'], [1, 'slow'], [2, 'fail']]) {
        if (kind === 'slow') {
          const inFlight = wave(w, kind);
          await new Promise((r) => setTimeout(r, 100));
          await env.stopServiceWorker();
          await inFlight;
        } else {
          await wave(w, kind);
          await env.stopServiceWorker();
        }
        await new Promise((r) => setTimeout(r, 300));
      }
      return { tabId };
    },
    async checkPopup(popup, env) {
      const urls = await popup.evaluate(() => [...document.querySelectorAll('[data-entry]')].map((e) => e.getAttribute('data-url') ?? ''));
      const problems = [];
      for (let w = 0; w < 3; w++) {
        for (let i = 0; i < 12; i++) {
          const n = urls.filter((u) => /\/hostile\/(fail|slow)\//.test(u) && u.endsWith(`/w${w}-${i}`)).length;
          if (n !== 1) problems.push(`w${w}-${i} shown ${n} times`);
        }
      }
      return problems.length ? problems.slice(0, 6).join(', ') : null;
    },
  },

  // ---- robustness ---------------------------------------------------------------------------------
  {
    name: 'service-worker-restart',
    title: 'the service worker is stopped between two failures; both are still shown',
    expect: { entriesAtLeast: 2, includes: ['no-credentials-sent', '401-without-www-authenticate'] },
    async run(env) {
      const { page, tabId } = await env.open(env.https('app.a.test', '/page'));
      await pageFetch(page, '/api/me');
      await env.settle();
      await env.stopServiceWorker();
      await new Promise((r) => setTimeout(r, 300));
      await pageFetch(page, '/api/bare401');
      return { tabId };
    },
  },

  // ---- the site-owner audit (issue 9): audit-scenarios.mjs ----------------------------------
  ...auditScenarios,
  // ---- precise mode (issue 12 §4): the user's way in, through the popup --------------------------
  {
    name: 'precise-mode-consent',
    title: 'Precise mode turned on from the popup: explained first, then findings say "reported by the browser"',
    browsers: ['chromium'],
    expect: { first: 'cookie-samesite-lax-excluded', urlIncludes: '/api/cookie-me' },
    async run(env) {
      const login = await env.open(env.https('app.a.test', '/set/lax'));
      await login.page.close();
      // A tab without precise mode; the user turns it on in the popup before reproducing the failure.
      const { page, tabId } = await env.openPlain(env.https('www.b.test', '/page'));
      const popup = await env.ctx.newPage();
      try {
        await popup.goto(`chrome-extension://${env.extId}/popup.html?tab=${tabId}`);
        await popup.waitForSelector('body[data-ready="true"]');
        if ((await popup.getAttribute('body', 'data-precise')) !== 'off') throw new Error('precise mode is not off in a fresh tab');
        await popup.click('#precise');
        const text = await popup.textContent('#precise-consent');
        // The explanation comes before anything is asked or attached.
        if (!/started debugging this browser/.test(text ?? '') || (await popup.isHidden('#precise-consent'))) throw new Error(`no explanation before consent: ${text}`);
        if ((await popup.getAttribute('body', 'data-precise')) !== 'off') throw new Error('precise mode went on before consent');
        await popup.click('#precise-on');
        await popup.waitForSelector('body[data-precise="on"]', { timeout: 5000 });
      } finally {
        await popup.close();
      }
      await pageFetch(page, env.https('api.a.test', '/api/cookie-me'), { credentials: 'include' });
      return { tabId };
    },
    async checkPopup(popup) {
      const basis = await popup.$$eval('[data-entry] [data-finding]', (fs) => fs.map((f) => `${f.getAttribute('data-finding')}:${f.getAttribute('data-basis')}`));
      if (!basis.includes('cookie-samesite-lax-excluded:browser')) return `the Lax finding is not labelled as reported by the browser: ${basis.join(' ')}`;
      if (!basis.some((b) => b.endsWith(':inferred'))) return `no finding is labelled inferred: ${basis.join(' ')}`;
      const said = await popup.$$eval('.browser-verdicts [data-verdict]', (li) => li.map((x) => x.textContent));
      if (!said.some((t) => /sid: .*SameSiteLax/.test(t ?? ''))) return `the browser's verdict on sid is not shown: ${said.join(' | ')}`;
      if (await popup.$('.disagree')) return 'a disagreement is shown where the browser and inference agree';
      return null;
    },
  },
];
