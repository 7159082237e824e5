import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCore } from '../../extension/core.js';
import { createJarSnapshot, jarCookie, MAX_JAR, mergeCookies } from '../../extension/jar-snapshot.js';
import { fakeWasm } from './fakes.mjs';

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
