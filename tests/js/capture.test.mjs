import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bodyText,
  MAX_BODY,
  capHeaders, capUrl, createCapture, headerText, exchangeOf, hashKey, MAX_FLIGHTS, MAX_HEADERS, MAX_SET_COOKIE, MAX_URL, MAX_VALUE, originOf, resourceType, URL_CUT,
} from '../../extension/capture.js';
import { createCore } from '../../extension/core.js';
import { fakeWasm, flush } from './fakes.mjs';

test('capHeaders: bounded lines and values, binary values as text', () => {
  const many = Array.from({ length: MAX_HEADERS + 5 }, (_, i) => ({ name: `x-${i}`, value: 'v' }));
  assert.equal(capHeaders(many).length, MAX_HEADERS);
  const [long] = capHeaders([{ name: 'cookie', value: 'a'.repeat(MAX_VALUE + 1) }]);
  assert.equal(long.value.length, MAX_VALUE);
  assert.deepEqual(capHeaders([{ name: 'x-bin', binaryValue: [104, 105] }, { name: 'x-none' }]), [
    { name: 'x-bin', value: 'hi' },
    { name: 'x-none', value: '' },
  ]);
  assert.deepEqual(capHeaders(undefined), []);
});

test('originOf and resourceType', () => {
  assert.equal(originOf('https://app.a.test:8443/x?y'), 'https://app.a.test:8443');
  assert.equal(originOf('not a url'), undefined);
  assert.equal(originOf(undefined), undefined);
  const f = (method, headers, type = 'xmlhttprequest') => ({ method, requestHeaders: headers, type });
  assert.equal(resourceType(f('OPTIONS', [{ name: 'Access-Control-Request-Method', value: 'GET' }])), 'preflight');
  assert.equal(resourceType(f('OPTIONS', [])), 'xmlhttprequest');
  assert.equal(resourceType(f('GET', [{ name: 'access-control-request-method', value: 'GET' }], 'fetch')), 'fetch');
});

test('exchangeOf: the model::Exchange fields, camelCase', () => {
  const f = {
    tabId: 1, method: 'GET', url: 'https://api.a.test/me', type: 'xmlhttprequest', initiator: 'https://app.a.test',
    startedMs: 10, requestHeaders: [{ name: 'Authorization', value: 'Bearer x' }], responseHeaders: [], status: 0, hops: [],
  };
  const x = exchangeOf(f, { fromCache: true, ip: '127.0.0.1' }, { status: 401, responseHeaders: [{ name: 'WWW-Authenticate', value: 'Bearer' }] }, 'https://app.a.test/');
  assert.deepEqual(x, {
    method: 'GET', url: 'https://api.a.test/me', status: 401,
    requestHeaders: [{ name: 'Authorization', value: 'Bearer x' }], responseHeaders: [{ name: 'WWW-Authenticate', value: 'Bearer' }],
    startedMs: 10, pageUrl: 'https://app.a.test/', initiator: 'https://app.a.test', fetchedByWorker: false,
    resourceType: 'xmlhttprequest', fromCache: 'disk', error: null, redirectUrl: null, authRequired: null, serverIp: '127.0.0.1',
    requestBody: null,
  });
  // Firefox's tracker classification of a third-party request travels, bounded; absent elsewhere.
  const cls = exchangeOf(f, { urlClassification: { firstParty: [], thirdParty: ['tracking_social', 'x'.repeat(100)] } }, { status: 401 }, undefined);
  assert.deepEqual(cls.urlClassification, ['tracking_social', 'x'.repeat(64)]);
  assert.equal('urlClassification' in exchangeOf(f, { urlClassification: { firstParty: [], thirdParty: [] } }, { status: 401 }, undefined), false);
  // A navigation is its own page.
  assert.equal(exchangeOf({ ...f, type: 'main_frame' }, {}, {}, 'https://elsewhere/').pageUrl, 'https://api.a.test/me');
});

test('bodyText: a token request form as text, capped; raw bytes decoded; nothing when absent', () => {
  assert.equal(bodyText({ formData: { grant_type: ['refresh_token'], refresh_token: ['r 1&x'] } }), 'grant_type=refresh_token&refresh_token=r+1%26x');
  assert.equal(bodyText({ raw: [{ bytes: new TextEncoder().encode('{"grant_type":"refresh_token"}').buffer }] }), '{"grant_type":"refresh_token"}');
  assert.equal(bodyText({ raw: [{ bytes: new Uint8Array(10000).fill(97).buffer }] }).length, MAX_BODY);
  assert.equal(bodyText(undefined), undefined);
  assert.equal(bodyText({}), undefined);
});

test('onBeforeRequest keeps a POST body on its flight, and a redirect drops it', () => {
  const { capture } = harness({});
  capture.onBeforeRequest(ev('9', 'https://id.test/oauth/token', { method: 'POST', requestBody: { formData: { grant_type: ['refresh_token'] } } }));
  assert.equal(capture.flights.get('9').requestBody, 'grant_type=refresh_token');
  capture.onBeforeRequest(ev('10', 'https://id.test/oauth/token', { method: 'GET', requestBody: { formData: { a: ['1'] } } }));
  assert.equal(capture.flights.get('10'), undefined, 'a GET makes no flight here');
  capture.onBeforeRedirect(ev('9', 'https://id.test/oauth/token', { statusCode: 307, redirectUrl: 'https://id2.test/oauth/token', responseHeaders: [] }));
  assert.equal(capture.flights.get('9').requestBody, undefined);
});

/** A capture wired to a fake core; `delivered` collects what it keeps. */
function harness(verdicts, opts = {}) {
  const wasm = fakeWasm({ verdicts, ...opts });
  const core = createCore(wasm, { browser: 'chromium', wasmUrl: 'x' });
  const delivered = [];
  const pending = [];
  const capture = createCapture({
    core,
    deliver: async (tabId, chain, trigger) => delivered.push({ tabId, chain, trigger }),
    track: (p) => pending.push(p),
  });
  const settle = async () => {
    await flush();
    await Promise.all(pending);
  };
  return { wasm, capture, delivered, settle };
}

const ev = (requestId, url, extra = {}) => ({ requestId, url, method: 'GET', tabId: 1, type: 'xmlhttprequest', timeStamp: 100, ...extra });

test('a finished request is triaged by the core and delivered with its verdict per hop', async () => {
  const { capture, delivered, settle, wasm } = harness({ 'https://a.test/x': 'context', 'https://a.test/login': 'failure' });
  capture.onSendHeaders(ev('1', 'https://a.test/x', { requestHeaders: [{ name: 'Authorization', value: 'Bearer t' }] }));
  capture.onHeadersReceived(ev('1', 'https://a.test/x', { statusCode: 302, responseHeaders: [] }));
  capture.onBeforeRedirect(ev('1', 'https://a.test/x', { statusCode: 302, redirectUrl: 'https://a.test/login', responseHeaders: [] }));
  capture.onSendHeaders(ev('1', 'https://a.test/login', { requestHeaders: [] }));
  capture.onCompleted(ev('1', 'https://a.test/login', { statusCode: 401, responseHeaders: [] }));
  assert.equal(capture.flights.size, 0, 'the flight is dropped on completion');
  await settle();
  assert.equal(delivered.length, 1);
  const [{ tabId, chain, trigger }] = delivered;
  assert.equal(tabId, 1);
  assert.equal(trigger, 'failure');
  assert.deepEqual(chain.map((x) => [x.url, x.status, x.interest]), [['https://a.test/x', 302, 'context'], ['https://a.test/login', 401, 'failure']]);
  assert.equal(chain[0].redirectUrl, 'https://a.test/login');
  assert.equal(wasm.calls.filter(([n]) => n === 'triage').length, 1, 'one core call per finished request');
});

test('ordinary traffic is dropped; an ignored error is not even a recovery candidate', async () => {
  const { capture, delivered, settle, wasm } = harness({});
  capture.onSendHeaders(ev('1', 'https://a.test/app.js', { type: 'script' }));
  capture.onCompleted(ev('1', 'https://a.test/app.js', { statusCode: 200 }));
  capture.onErrorOccurred(ev('2', 'https://a.test/gone', { error: 'net::ERR_ABORTED' }));
  await settle();
  assert.equal(delivered.length, 0);
  assert.equal(wasm.calls.filter(([n]) => n === 'isRecovery').length, 0);
});

test('a credentialed retry of a failed request is kept when the core calls it a recovery', async () => {
  for (const recovery of [true, false]) {
    const url = 'https://api.a.test/me';
    const { capture, delivered, settle, wasm } = harness({ [url]: null }, { recovery });
    capture.rememberFailures([{ tabId: 1, exchanges: [{ method: 'GET', url, status: 401, interest: 'failure' }] }]);
    capture.onSendHeaders(ev('9', url, { requestHeaders: [{ name: 'Authorization', value: 'Bearer new' }] }));
    capture.onCompleted(ev('9', url, { statusCode: 200 }));
    // Another tab never had that failure: not asked.
    capture.onSendHeaders(ev('10', url, { tabId: 2 }));
    capture.onCompleted(ev('10', url, { tabId: 2, statusCode: 200 }));
    await settle();
    const asked = wasm.calls.filter(([n]) => n === 'isRecovery');
    assert.equal(asked.length, 1);
    assert.deepEqual(JSON.parse(asked[0][1]), { method: 'GET', url, status: 401 });
    assert.equal(delivered.length, recovery ? 1 : 0);
  }
});

test("a service worker's request goes to the tabs showing its site, nowhere else", async () => {
  const api = 'https://pwa.c.test/api/me';
  const { capture, delivered, settle } = harness({ [api]: 'failure' });
  await capture.hydrateTabs(Promise.resolve([{ id: 4, url: 'https://pwa.c.test/' }, { id: 5, url: 'https://app.c.test/' }, { id: 6, url: 'https://pwa.c.test/other' }]));
  capture.onSendHeaders(ev('w1', api, { tabId: -1, initiator: 'https://pwa.c.test' }));
  capture.onCompleted(ev('w1', api, { tabId: -1, statusCode: 401 }));
  // A worker of a site no tab shows costs nothing.
  capture.onSendHeaders(ev('w2', 'https://x.test/', { tabId: -1, initiator: 'https://x.test' }));
  assert.equal(capture.flights.has('w2'), false);
  // Nor does a browser-internal request.
  capture.onSendHeaders(ev('w3', 'https://x.test/', { tabId: -1 }));
  assert.equal(capture.flights.has('w3'), false);
  await settle();
  assert.deepEqual(delivered.map((d) => d.tabId).sort(), [4, 6]);
  assert.notEqual(delivered[0].chain, delivered[1].chain, 'each tab gets its own copy');
  assert.equal(delivered[0].chain[0].fetchedByWorker, true);
});

test('closing a tab forgets its page and its failures', async () => {
  const url = 'https://api.a.test/me';
  const { capture, delivered, settle, wasm } = harness({}, { recovery: true });
  capture.setTabPage(1, 'https://app.a.test/');
  capture.rememberFailures([{ tabId: 1, exchanges: [{ method: 'GET', url, status: 401, interest: 'failure' }] }]);
  capture.forgetTab(1);
  assert.equal(capture.pageOf(1), undefined);
  capture.onSendHeaders(ev('1', url));
  capture.onCompleted(ev('1', url, { statusCode: 200 }));
  await settle();
  assert.equal(wasm.calls.filter(([n]) => n === 'isRecovery').length, 0);
  assert.equal(delivered.length, 0);
});

test('capUrl keeps origin and a path prefix, drops query and fragment, marks the cut', () => {
  assert.equal(capUrl('https://a.test/x?y#z'), 'https://a.test/x?y#z');
  assert.equal(capUrl(null), null);
  assert.equal(capUrl(undefined), undefined);
  const long = `https://api.a.test:8443/${'p'.repeat(3000)}?access_token=${'s'.repeat(100)}#frag`;
  const cut = capUrl(long);
  assert.equal(cut.length, MAX_URL);
  assert.ok(cut.startsWith('https://api.a.test:8443/ppp'));
  assert.ok(cut.endsWith(URL_CUT));
  assert.ok(!cut.includes('access_token'), 'the query goes first');
  const q = capUrl(`https://a.test/short?code=${'c'.repeat(5000)}`);
  assert.equal(q, `https://a.test/short${URL_CUT}`, 'a long query is dropped whole, never half a token');
  assert.ok(capUrl('x'.repeat(5000)).length <= MAX_URL, 'not a URL: a plain prefix');
});

test('hashKey: short, stable, different for different requests', () => {
  const a = hashKey(`GET https://a.test/${'x'.repeat(1e6)}`);
  assert.equal(a.length, 13);
  assert.equal(a, hashKey(`GET https://a.test/${'x'.repeat(1e6)}`));
  assert.notEqual(hashKey('GET https://a.test/1'), hashKey('GET https://a.test/2'));
  assert.notEqual(hashKey('GET https://a.test/1'), hashKey('POST https://a.test/1'));
});

test('60 failing fetches with 1.9 MB URLs: every record is small, the failure memory too', async () => {
  const { capture, delivered, settle } = harness(new Proxy({}, { get: () => 'failure' }));
  const huge = (i) => `https://api.a.test/${i}/${'a'.repeat(1.9e6)}?t=${i}`;
  for (let i = 0; i < 60; i++) {
    capture.onSendHeaders(ev(`r${i}`, huge(i), { requestHeaders: [{ name: 'Referer', value: huge(i) }] }));
    capture.onErrorOccurred(ev(`r${i}`, huge(i), { error: 'net::ERR_FAILED' }));
  }
  await settle();
  assert.equal(delivered.length, 60);
  for (const { chain } of delivered) {
    const size = JSON.stringify(chain).length;
    assert.ok(size < MAX_URL + MAX_VALUE + 2000, `a record of ${size} characters`);
    assert.ok(chain[0].url.endsWith(URL_CUT));
  }
  // A retry of the cut URL still finds its failure (the same cut), by a short key.
  assert.ok(capture.failureKeys(1).every((k) => k.length === 13));
  assert.equal(capture.failureKeys(1).length, 60);
});

test(`the flight table is capped at ${MAX_FLIGHTS}, oldest first, and headers are capped when they enter it`, () => {
  const { capture } = harness({});
  for (let i = 0; i < MAX_FLIGHTS + 50; i++) {
    capture.onSendHeaders(ev(`f${i}`, `https://a.test/${i}`, { timeStamp: 100 + i, requestHeaders: [{ name: 'x-big', value: 'v'.repeat(MAX_VALUE * 3) }] }));
  }
  assert.equal(capture.flights.size, MAX_FLIGHTS);
  assert.equal(capture.flights.has('f0'), false, 'the oldest went');
  assert.equal(capture.flights.has(`f${MAX_FLIGHTS + 49}`), true);
  assert.equal(capture.flights.get('f60').requestHeaders[0].value.length, MAX_VALUE);
  capture.onHeadersReceived(ev('f60', 'https://a.test/60', { statusCode: 401, responseHeaders: Array.from({ length: 500 }, () => ({ name: 'x', value: 'y' })) }));
  assert.equal(capture.flights.get('f60').responseHeaders.length, MAX_HEADERS);
});

test(`Set-Cookie: at most ${MAX_SET_COOKIE} lines, Firefox's newline-joined value split first, later headers kept`, () => {
  const chromium = [...Array.from({ length: 5000 }, (_, i) => ({ name: 'Set-Cookie', value: `c${i}=1` })), { name: 'WWW-Authenticate', value: 'Bearer' }];
  const a = capHeaders(chromium);
  assert.equal(a.filter((h) => h.name === 'Set-Cookie').length, MAX_SET_COOKIE);
  assert.deepEqual(a.at(-1), { name: 'WWW-Authenticate', value: 'Bearer' }, 'the challenge after 5,000 cookies survives');
  const firefox = [{ name: 'set-cookie', value: Array.from({ length: 5000 }, (_, i) => `c${i}=1`).join('\n') }, { name: 'x-after', value: '1' }];
  const b = capHeaders(firefox);
  assert.equal(b.length, MAX_SET_COOKIE + 1);
  assert.deepEqual(b.slice(0, 2), [{ name: 'set-cookie', value: 'c0=1' }, { name: 'set-cookie', value: 'c1=1' }]);
  assert.deepEqual(capHeaders([{ name: 'set-cookie', value: '' }]), [{ name: 'set-cookie', value: '' }]);
});

test('a 200 KB non-UTF-8 header is cut before it is converted; one bad header never drops the exchange', async () => {
  const binaryValue = new Array(200 * 1024).fill(0xe9);
  const [h] = capHeaders([{ name: 'x-bin', binaryValue }]);
  assert.equal(h.value.length, MAX_VALUE);
  assert.equal(h.value.charCodeAt(0), 0xe9);
  assert.equal(headerText({ binaryValue: { length: 3, get 0() { throw new Error('boom'); } } }), '');
  assert.equal(headerText(null), '');
  const { capture, delivered, settle } = harness({ 'https://a.test/x': 'failure' });
  capture.onSendHeaders(ev('1', 'https://a.test/x', { requestHeaders: [{ name: 'x-bin', binaryValue }, { name: 'Authorization', value: 'Bearer t' }] }));
  capture.onHeadersReceived(ev('1', 'https://a.test/x', { statusCode: 401, responseHeaders: [{ name: 'x-bin', binaryValue }, { name: 'WWW-Authenticate', value: 'Bearer' }] }));
  capture.onCompleted(ev('1', 'https://a.test/x', { statusCode: 401, responseHeaders: [{ name: 'x-bin', binaryValue }, { name: 'WWW-Authenticate', value: 'Bearer' }] }));
  await settle();
  assert.equal(delivered.length, 1);
  assert.deepEqual(delivered[0].chain[0].requestHeaders[1], { name: 'Authorization', value: 'Bearer t' });
});

test('a request that completes after a worker restart (no flight) is still recorded from its answer', async () => {
  const { capture, delivered, settle } = harness({ 'https://a.test/late': 'failure' });
  capture.onCompleted(ev('lost', 'https://a.test/late', { statusCode: 401, responseHeaders: [{ name: 'WWW-Authenticate', value: 'Bearer' }] }));
  await settle();
  assert.equal(delivered.length, 1);
  assert.equal(delivered[0].chain[0].status, 401);
  assert.deepEqual(delivered[0].chain[0].requestHeaders, []);
});

test("a request announced before its own preflight (Firefox) is stamped with the preflight's end; Chromium's order and other URLs are untouched", async () => {
  const url = 'https://api.a.test/me';
  const acrm = [{ name: 'Access-Control-Request-Method', value: 'GET' }];
  // Firefox: the request's onSendHeaders (t=100), then its preflight (101..105), then the answer.
  {
    const { capture, delivered, settle } = harness({ [url]: 'failure', 'https://api.a.test/else': 'failure' });
    capture.onSendHeaders(ev('a', url, { timeStamp: 100, requestHeaders: [{ name: 'Authorization', value: 'Bearer t' }] }));
    capture.onSendHeaders(ev('other', 'https://api.a.test/else', { timeStamp: 100, requestHeaders: [] }));
    capture.onSendHeaders(ev('p', url, { method: 'OPTIONS', timeStamp: 101, requestHeaders: acrm }));
    capture.onCompleted(ev('p', url, { method: 'OPTIONS', timeStamp: 105, statusCode: 204, responseHeaders: [] }));
    capture.onCompleted(ev('a', url, { timeStamp: 110, statusCode: 401, responseHeaders: [] }));
    capture.onCompleted(ev('other', 'https://api.a.test/else', { timeStamp: 111, statusCode: 401, responseHeaders: [] }));
    await settle();
    const started = Object.fromEntries(delivered.map(({ chain: [x] }) => [`${x.method} ${x.url}`, x.startedMs]));
    assert.deepEqual(started, { [`OPTIONS ${url}`]: 101, [`GET ${url}`]: 105, 'GET https://api.a.test/else': 100 });
  }
  // Chromium: the preflight ends before the request's events begin; a request already answered is not restamped.
  {
    const { capture, delivered, settle } = harness({ [url]: 'failure' });
    capture.onSendHeaders(ev('p', url, { method: 'OPTIONS', timeStamp: 101, requestHeaders: acrm }));
    capture.onCompleted(ev('p', url, { method: 'OPTIONS', timeStamp: 105, statusCode: 204, responseHeaders: [] }));
    capture.onSendHeaders(ev('a', url, { timeStamp: 106, requestHeaders: [] }));
    capture.onCompleted(ev('a', url, { timeStamp: 110, statusCode: 401, responseHeaders: [] }));
    capture.onSendHeaders(ev('b', url, { timeStamp: 120, requestHeaders: [] }));
    capture.onHeadersReceived(ev('b', url, { timeStamp: 121, statusCode: 401, responseHeaders: [] }));
    capture.onSendHeaders(ev('q', url, { method: 'OPTIONS', timeStamp: 122, requestHeaders: acrm }));
    capture.onCompleted(ev('q', url, { method: 'OPTIONS', timeStamp: 125, statusCode: 204, responseHeaders: [] }));
    capture.onCompleted(ev('b', url, { timeStamp: 126, statusCode: 401, responseHeaders: [] }));
    await settle();
    assert.deepEqual(delivered.map(({ chain: [x] }) => `${x.method} ${x.startedMs}`), ['OPTIONS 101', 'GET 106', 'OPTIONS 122', 'GET 120']);
  }
});

test('ordinary traffic never reaches the core; a retry of a remembered failure and an audited tab still do', async () => {
  const url = 'https://a.test/api/list';
  const run = async (watching, remember) => {
    const wasm = fakeWasm({});
    const core = createCore(wasm, { browser: 'chromium', wasmUrl: 'x' });
    const pending = [];
    const capture = createCapture({ core, deliver: async () => {}, track: (p) => pending.push(p), watching: () => watching });
    if (remember) capture.rememberFailures([{ tabId: 1, exchanges: [{ method: 'GET', url, status: 401, interest: 'failure' }] }]);
    capture.onSendHeaders(ev('1', url, { type: 'fetch', requestHeaders: [] }));
    capture.onCompleted(ev('1', url, { type: 'fetch', statusCode: 200, responseHeaders: [] }));
    await flush();
    await Promise.all(pending);
    const count = (name) => wasm.calls.filter(([n]) => n === name).length;
    return { tracked: pending.length, triaged: count('triage'), recovery: count('isRecovery') };
  };
  assert.deepEqual(await run(false, false), { tracked: 0, triaged: 0, recovery: 0 });
  // Answered in JS (prefilter.js), but still a recovery candidate for the core to judge.
  assert.deepEqual(await run(false, true), { tracked: 1, triaged: 0, recovery: 1 }, 'a recovery candidate');
  assert.deepEqual(await run(true, false), { tracked: 1, triaged: 0, recovery: 0 }, 'an audit recording sees everything');
});
