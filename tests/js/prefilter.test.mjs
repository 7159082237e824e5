import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isOrdinary, quickTriage } from '../../extension/prefilter.js';

const PKG = resolve(dirname(fileURLToPath(import.meta.url)), '../../extension/pkg');

/** A plain same-origin fetch answered 200: the most ordinary request there is. */
const plain = (over = {}) => ({
  method: 'GET', url: 'https://app.a.test/api/list', status: 200, requestHeaders: [{ name: 'Accept', value: '*/*' }],
  responseHeaders: [{ name: 'Content-Type', value: 'application/json' }], resourceType: 'fetch', error: null, authRequired: null, ...over,
});

test('ordinary: healthy answers without cookies, redirects, errors or cross-origin CORS', () => {
  assert.equal(isOrdinary([plain()]), true);
  assert.equal(isOrdinary([plain({ resourceType: 'image', status: 304 })]), true, 'a revalidated image');
  assert.equal(isOrdinary([plain({ resourceType: 'script', status: 200, requestHeaders: [{ name: 'Origin', value: 'https://cdn.b.test' }] })]), true, 'not a script call: no CORS check in the pre-filter');
  assert.equal(isOrdinary([plain({ requestHeaders: [{ name: 'origin', value: 'https://app.a.test' }] })]), true, 'same-origin Origin');
  assert.equal(isOrdinary([plain({ url: 'https://app.a.test', requestHeaders: [{ name: 'Origin', value: 'https://app.a.test' }] })]), true);
});

test('not ordinary: each branch of interest::interest, and every doubt, goes to the core', () => {
  const nearMisses = {
    'a 401': plain({ status: 401 }),
    'a 403': plain({ status: 403 }),
    'a 500 (may carry Authorization)': plain({ status: 500 }),
    'no status': plain({ status: 0 }),
    'a network error': plain({ error: 'net::ERR_FAILED' }),
    'an ignored error (the core says ignored)': plain({ error: 'net::ERR_ABORTED' }),
    'an auth prompt': plain({ authRequired: { scheme: 'basic', realm: 'x', isProxy: false } }),
    'a Set-Cookie': plain({ responseHeaders: [{ name: 'Set-Cookie', value: 'a=b' }] }),
    'a set-cookie, lower case': plain({ responseHeaders: [{ name: 'set-cookie', value: '' }] }),
    'a preflight': plain({ method: 'OPTIONS', status: 204, resourceType: 'preflight' }),
    "a script's redirect": plain({ status: 302 }),
    "a script's 304": plain({ status: 304, resourceType: 'xmlhttprequest' }),
    'a cross-origin script call': plain({ requestHeaders: [{ name: 'Origin', value: 'https://b.test' }] }),
    'an Origin that is a prefix of the host': plain({ requestHeaders: [{ name: 'Origin', value: 'https://app.a' }] }),
    'an opaque Origin': plain({ requestHeaders: [{ name: 'Origin', value: 'null' }] }),
    'a token endpoint POST': plain({ method: 'POST', url: 'https://id.a.test/oauth/token/' }),
    'a POST whose body names a grant_type': plain({ method: 'POST', url: 'https://id.a.test/tokens', requestBody: 'grant_type=refresh_token' }),
    "an authorization server's error in the URL": plain({ url: 'https://app.a.test/cb?error=access_denied' }),
  };
  assert.equal(isOrdinary([plain({ method: 'GET', url: 'https://id.a.test/tokens', requestBody: 'grant_type=x' })]), true, 'near miss: not a POST');
  assert.equal(isOrdinary([plain({ method: 'POST', url: 'https://id.a.test/tokens', requestBody: 'name=x' })]), true, 'near miss: no grant_type');
  for (const [what, x] of Object.entries(nearMisses)) assert.equal(isOrdinary([x]), false, what);
  assert.equal(isOrdinary([plain({ status: 302, resourceType: 'main_frame' }), plain({ resourceType: 'main_frame' })]), false, 'redirected');
  assert.equal(isOrdinary([]), false);
});

/** Every combination of the fields the core's pre-filter reads. */
function* corpus() {
  const statuses = [0, 200, 204, 301, 302, 304, 400, 401, 403, 404, 407, 500];
  const types = ['fetch', 'xmlhttprequest', 'ping', 'script', 'image', 'main_frame', 'sub_frame', 'preflight', 'other'];
  const reqs = [[], [{ name: 'Origin', value: 'https://app.a.test' }], [{ name: 'Origin', value: 'https://api.b.test' }], [{ name: 'Authorization', value: 'Bearer x' }], [{ name: 'Cookie', value: 'sid=1' }, { name: 'Origin', value: 'https://b.test' }]];
  const resps = [[], [{ name: 'Set-Cookie', value: 'sid=1; Path=/' }], [{ name: 'Access-Control-Allow-Origin', value: '*' }], [{ name: 'Access-Control-Allow-Origin', value: 'https://app.a.test' }, { name: 'Access-Control-Allow-Credentials', value: 'true' }], [{ name: 'Content-Type', value: 'text/html' }]];
  const errors = [null, 'net::ERR_ABORTED', 'net::ERR_FAILED'];
  for (const status of statuses) for (const resourceType of types) for (const requestHeaders of reqs) for (const responseHeaders of resps) for (const error of errors) {
    yield [plain({ status, resourceType, requestHeaders, responseHeaders, error })];
  }
  yield [plain({ status: 302, resourceType: 'fetch' }), plain({ responseHeaders: [{ name: 'Content-Type', value: 'text/html' }] })];
  // OAuth shapes the core keeps as context or failures (interest.rs: is_token_request,
  // carries_oauth_error): token endpoints by method, an authorization server's error in the URL or
  // in a redirect's Location, and look-alikes that are ordinary.
  const urls = ['https://id.a.test/oauth/token', 'https://id.a.test/oauth/access_token/', 'https://id.a.test/token?x=1', 'https://id.a.test/tokens',
    'https://app.a.test/cb?error=access_denied&state=s', 'https://app.a.test/cb?code=abc&state=s', 'https://app.a.test/api/terror=1'];
  const located = [[], [{ name: 'Location', value: 'https://app.a.test/cb?error=invalid_request' }], [{ name: 'location', value: 'https://app.a.test/cb?code=1' }], [{ name: 'Set-Cookie', value: 'a=b' }]];
  for (const url of urls) for (const method of ['GET', 'POST']) for (const status of [200, 302, 400]) for (const resourceType of ['fetch', 'xmlhttprequest', 'main_frame']) for (const responseHeaders of located) {
    yield [plain({ url, method, status, resourceType, responseHeaders, requestHeaders: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }], requestBody: method === 'POST' ? 'grant_type=refresh_token&refresh_token=r1' : null })];
  }
}

test('quickTriage: a plain cookie setter is the core\'s Cookie; failures and doubts are the core\'s to answer', () => {
  const setter = plain({ responseHeaders: [{ name: 'Set-Cookie', value: 'sid=1' }] });
  assert.deepEqual(quickTriage([setter]), { keep: true, trigger: 'cookie', interests: ['cookie'], ignored: false });
  assert.deepEqual(quickTriage([plain({ ...setter, requestHeaders: [{ name: 'Origin', value: 'https://b.test' }] })])?.trigger, 'cookie', 'Set-Cookie wins over the CORS check, as in interest.rs');
  assert.deepEqual(quickTriage([plain()]), { keep: false, trigger: null, interests: [null], ignored: false });
  for (const near of [{ status: 401 }, { status: 500 }, { error: 'net::ERR_FAILED' }, { authRequired: { scheme: 'basic' } }]) {
    assert.equal(quickTriage([{ ...setter, ...near }]), null, JSON.stringify(near));
  }
  assert.equal(quickTriage([plain({ status: 302 }), setter]), null, 'redirected');
});

test('differential: wherever the pre-filter answers, the real core answers the same', { skip: !existsSync(join(PKG, 'authlens_bg.wasm')) && 'extension/pkg not built' }, async () => {
  const glue = await import(pathToFileURL(join(PKG, 'authlens.js')).href);
  glue.initSync({ module: readFileSync(join(PKG, 'authlens_bg.wasm')) });
  let ordinary = 0;
  let cookie = 0;
  let total = 0;
  for (const chain of corpus()) {
    total++;
    const quick = quickTriage(chain);
    if (!quick) continue;
    if (quick.keep) cookie++;
    else ordinary++;
    const t = glue.triage(JSON.stringify(chain));
    assert.deepEqual({ ...t, trigger: t.trigger ?? null, interests: t.interests.map((i) => i ?? null) }, quick, `core and pre-filter differ on ${JSON.stringify(chain)}`);
  }
  assert.ok(ordinary > 100 && cookie > 100 && ordinary + cookie < total / 2, `${ordinary} ordinary, ${cookie} cookie setters of ${total}`);
});
