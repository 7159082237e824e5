import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCore } from '../../extension/core.js';
import { createDigest, createJarSnapshot, DIGEST_KEY, jarCookie, MAX_JAR, mergeCookies, reduceValue } from '../../extension/jar-snapshot.js';
import { fakeStorage, fakeWasm } from './fakes.mjs';

const cookie = (name, extra = {}) => ({ name, value: 'v', domain: '.a.test', path: '/', ...extra });

test('jarCookie: the core model::JarCookie fields', () => {
  assert.deepEqual(jarCookie(cookie('sid', { hostOnly: true, secure: true, sameSite: 'lax', partitionKey: { topLevelSite: 'https://b.test' } })), {
    name: 'sid', value: 'v', domain: '.a.test', hostOnly: true, path: '/', secure: true, httpOnly: false, sameSite: 'lax',
    session: false, expirationDate: null, partitionTopLevelSite: 'https://b.test',
  });
  assert.equal(jarCookie(cookie('x')).sameSite, 'unspecified');
});

test('mergeCookies: each cookie once (partitions apart), at most MAX_JAR', () => {
  const a = [cookie('sid'), cookie('sid', { path: '/app' })];
  const b = [cookie('sid'), cookie('sid', { partitionKey: { topLevelSite: 'https://b.test' } })];
  assert.equal(mergeCookies(a, b, undefined).length, 3);
  const many = Array.from({ length: MAX_JAR + 10 }, (_, i) => cookie(`c${i}`));
  assert.equal(mergeCookies(many).length, MAX_JAR);
});

test('snapshot asks for the whole site, and for its partition under the top-level site', async () => {
  const queries = [];
  const cookies = {
    getAll: async (q) => (queries.push(q), q.partitionKey ? [cookie('p', { partitionKey: q.partitionKey })] : [cookie('sid')]),
  };
  const core = createCore(fakeWasm(), { browser: 'chromium', wasmUrl: 'x' });
  const snapshot = createJarSnapshot({ cookies, core });
  const x = { url: 'https://api.a.test/me', pageUrl: 'https://www.b.test/embed' };
  await snapshot(x);
  assert.deepEqual(queries, [{ domain: 'a.test' }, { domain: 'a.test', partitionKey: { topLevelSite: 'https://b.test' } }]);
  assert.deepEqual(x.jar.map((c) => c.name), ['sid', 'p']);

  const y = { url: 'not a url' };
  await snapshot(y);
  assert.equal(y.jar, undefined);
  const z = { url: 'https://api.a.test/me', pageUrl: null, initiator: null };
  await snapshot(z);
  assert.deepEqual(z.jar.map((c) => c.name), ['sid'], 'no page: no partition query');
});

test('snapshot marks siteHasCookieInOtherPartition only when the browser says a partition elsewhere holds the site\'s cookies', async () => {
  const cookies = { getAll: async () => [cookie('sid')] };
  const core = createCore(fakeWasm(), { browser: 'firefox', wasmUrl: 'x' });
  const asked = [];
  const answers = { 'https://b.test': true, 'https://c.test': false };
  const snapshot = createJarSnapshot({ cookies, core, otherPartition: async (q, top) => (asked.push([q, top]), answers[top]) });
  const x = { url: 'https://api.a.test/me', pageUrl: 'https://www.b.test/embed' };
  await snapshot(x);
  assert.equal(x.siteHasCookieInOtherPartition, true);
  assert.deepEqual(asked[0], [{ domain: 'a.test' }, 'https://b.test']);
  const y = { url: 'https://api.a.test/me', pageUrl: 'https://www.c.test/embed' };
  await snapshot(y);
  assert.equal(y.siteHasCookieInOtherPartition, undefined, 'false leaves the field alone');
  const z = { url: 'https://api.a.test/me', pageUrl: 'https://www.b.test/embed', siteHasCookieInOtherPartition: true };
  const w = { url: 'https://api.a.test/me', pageUrl: 'https://www.c.test/x', siteHasCookieInOtherPartition: true };
  await snapshot(z);
  await snapshot(w);
  assert.equal(w.siteHasCookieInOtherPartition, true, "a CDP verdict is never lowered");
});

test('reduceValue keeps the length and the prefix the core shows, the rest is the keyed hash', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.sig-sig-sig';
  const r = reduceValue(jwt, 'abc123');
  assert.equal(r.length, jwt.length);
  assert.ok(r.startsWith('eyJhbG'), 'min(n/4, 6) characters: a JWT still looks like one');
  assert.ok(!r.includes('eyJzdWI'));
  assert.equal(reduceValue('abcdefgh', 'ff'), 'abffffff');
  assert.equal(reduceValue('', 'ff'), '');
  assert.equal(reduceValue('héllo wörld!', 'ab').length, [...'héllo wörld!'].length, 'length in characters, as the core counts');
});

test('createDigest: HMAC-SHA-256 under one random per-session key kept in storage.session', async () => {
  const storage = fakeStorage();
  const d1 = createDigest(globalThis.crypto, storage);
  const a = await d1('sid=secret');
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.equal(await d1('sid=secret'), a);
  assert.notEqual(await d1('sid=other'), a);
  assert.ok((await storage.get(DIGEST_KEY))[DIGEST_KEY], 'the key is kept for a restarted worker');
  assert.equal(await createDigest(globalThis.crypto, storage)('sid=secret'), a, 'a restarted worker hashes alike');
  assert.notEqual(await createDigest(globalThis.crypto, fakeStorage())('sid=secret'), a, 'another session, another key');
});

test('snapshot: cookies the request carried keep their value, every other value is reduced', async () => {
  const secret = 'httponly-session-secret-value-0123456789';
  const cookies = { getAll: async (q) => (q.partitionKey ? [] : [cookie('sid', { value: 'sent-value-1234' }), cookie('hidden', { value: secret, httpOnly: true }), cookie('empty', { value: '' })]) };
  const core = createCore(fakeWasm(), { browser: 'chromium', wasmUrl: 'x' });
  const snapshot = createJarSnapshot({ cookies, core, digest: createDigest(globalThis.crypto, fakeStorage()) });
  const x = { url: 'https://api.a.test/me', pageUrl: 'https://app.a.test/', requestHeaders: [{ name: 'Cookie', value: 'sid=sent-value-1234; other=1' }] };
  await snapshot(x);
  const by = Object.fromEntries(x.jar.map((c) => [c.name, c.value]));
  assert.equal(by.sid, 'sent-value-1234');
  assert.equal(by.empty, '');
  assert.equal(by.hidden.length, secret.length);
  assert.ok(by.hidden.startsWith('httpon'));
  assert.ok(!JSON.stringify(x).includes('session-secret'), 'the unsent value is not stored');
});

test("snapshot reads the tab's own cookie store, once per batch", async () => {
  const queries = [];
  const asked = [];
  const cookies = { getAll: async (q) => (queries.push(q), []) };
  const core = createCore(fakeWasm(), { browser: 'chromium', wasmUrl: 'x' });
  const snapshot = createJarSnapshot({ cookies, core, storeOf: async (tabId) => (asked.push(tabId), 'firefox-container-2') });
  const cache = new Map();
  await snapshot({ url: 'https://api.a.test/1', pageUrl: null }, cache, 5);
  await snapshot({ url: 'https://api.a.test/2', pageUrl: null }, cache, 5);
  assert.deepEqual(asked, [5]);
  assert.deepEqual(queries, [{ domain: 'a.test', storeId: 'firefox-container-2' }]);
});

test('snapshot: one HMAC per unsent cookie per batch, however many failures hold it; a new batch hashes again', async () => {
  const cookies = { getAll: async (q) => (q.partitionKey ? [] : [cookie('a', { value: 'value-aaaaaaaa' }), cookie('b', { value: 'value-bbbbbbbb' })]) };
  const core = createCore(fakeWasm(), { browser: 'chromium', wasmUrl: 'x' });
  const hashed = [];
  const real = createDigest(globalThis.crypto, fakeStorage());
  const snapshot = createJarSnapshot({ cookies, core, digest: (v) => (hashed.push(v), real(v)) });
  const failure = (i) => ({ url: `https://api.a.test/${i}`, pageUrl: 'https://app.a.test/', requestHeaders: [] });
  const cache = new Map();
  const xs = [1, 2, 3, 4, 5].map(failure);
  await Promise.all(xs.map((x) => snapshot(x, cache)));
  assert.deepEqual(hashed.sort(), ['a=value-aaaaaaaa', 'b=value-bbbbbbbb']);
  assert.ok(xs.every((x) => JSON.stringify(x.jar) === JSON.stringify(xs[0].jar)), 'every failure gets the same reduced values');
  await snapshot(failure(6), new Map());
  assert.equal(hashed.length, 4, 'the memo lives as long as the batch');
});
