// browser-compat.js reads the browser global when imported: each test installs a fake one and
// imports a fresh copy of the module (a distinct URL query per flavour).
import assert from 'node:assert/strict';
import { test } from 'node:test';

async function load(flavour, ns) {
  delete globalThis.chrome;
  delete globalThis.browser;
  if (flavour === 'firefox') globalThis.browser = { runtime: { id: 'authlens@authlens.dev', getBrowserInfo: async () => ({}) }, ...ns };
  else globalThis.chrome = { runtime: { id: 'x' }, webRequest: { OnBeforeSendHeadersOptions: { EXTRA_HEADERS: 'extraHeaders' } }, ...ns };
  return import(`../../extension/browser-compat.js?${flavour}-${Math.random()}`);
}

test('Chromium: the tab\'s cookie store from getAllCookieStores (no tabs permission needed)', async () => {
  const m = await load('chromium', {
    cookies: { getAllCookieStores: async () => [{ id: '0', tabIds: [1, 2] }, { id: '1', tabIds: [7] }] },
    tabs: { get: async () => { throw new Error('must not be needed'); } },
  });
  assert.equal(m.browserName, 'chromium');
  assert.equal(await m.cookieStoreOf(7), '1', 'an incognito tab in spanning mode reads the incognito jar');
  assert.equal(await m.cookieStoreOf(2), '0');
  assert.equal(await m.cookieStoreOf(99), undefined);
});

test('Firefox: tab.cookieStoreId (containers), and a retry with firstPartyDomain: null under first-party isolation', async () => {
  const queries = [];
  const m = await load('firefox', {
    tabs: { get: async (id) => ({ id, cookieStoreId: 'firefox-container-3' }) },
    cookies: {
      getAll: async (q) => {
        queries.push(q);
        if (!('firstPartyDomain' in q)) throw new Error('First-Party Isolation is enabled, but the required \'firstPartyDomain\' attribute was not set.');
        return [{ name: 'sid' }];
      },
    },
  });
  assert.equal(m.browserName, 'firefox');
  assert.equal(await m.cookieStoreOf(4), 'firefox-container-3');
  assert.deepEqual(await m.getAllCookies({ domain: 'a.test', storeId: 'firefox-container-3' }), [{ name: 'sid' }]);
  assert.deepEqual(queries, [
    { domain: 'a.test', storeId: 'firefox-container-3' },
    { domain: 'a.test', storeId: 'firefox-container-3', firstPartyDomain: null },
  ]);
});

test('Chromium: other getAll errors are not retried with a key Chromium rejects', async () => {
  const m = await load('chromium', { cookies: { getAll: async () => { throw new Error('No cookie store found'); } } });
  await assert.rejects(m.getAllCookies({ domain: 'a.test', storeId: '9' }), /No cookie store/);
});

test('Firefox: a cookie of the site kept under another top-level site (Total Cookie Protection) is found with partitionKey: {}', async () => {
  const queries = [];
  const jar = [{ name: 'sid', partitionKey: { topLevelSite: 'https://b.test' } }, { name: 'pref' }];
  const m = await load('firefox', { cookies: { getAll: async (q) => (queries.push(q), jar) } });
  assert.equal(await m.cookieInOtherPartition({ domain: 'a.test' }, 'https://c.test'), true);
  assert.deepEqual(queries[0], { domain: 'a.test', partitionKey: {} });
  // Near misses: the partition is the request's own top-level site; an unpartitioned cookie alone.
  assert.equal(await m.cookieInOtherPartition({ domain: 'a.test' }, 'https://b.test'), false);
  jar.shift();
  assert.equal(await m.cookieInOtherPartition({ domain: 'a.test' }, 'https://c.test'), false);
  assert.equal(await m.cookieInOtherPartition({ domain: 'a.test' }, null), undefined, 'no top-level site: unknown');
});

test('Chromium: cookieInOtherPartition is unknown (CDP states it; getAll answers per named partition only)', async () => {
  const m = await load('chromium', { cookies: { getAll: async () => { throw new Error('must not be asked'); } } });
  assert.equal(await m.cookieInOtherPartition({ domain: 'a.test' }, 'https://c.test'), undefined);
});

test('Firefox: Total Cookie Protection (the default cookieConfig) partitions, it does not block; reject_third_party blocks', async () => {
  let behavior = 'reject_trackers_and_partition_foreign';
  const m = await load('firefox', { privacy: { websites: { cookieConfig: { get: async () => ({ value: { behavior } }) } } } });
  assert.equal(await m.thirdPartyCookiesBlocked(), false);
  behavior = 'reject_trackers';
  assert.equal(await m.thirdPartyCookiesBlocked(), false);
  behavior = 'reject_third_party';
  assert.equal(await m.thirdPartyCookiesBlocked(), true);
  behavior = 'something_new';
  assert.equal(await m.thirdPartyCookiesBlocked(), undefined);
});
