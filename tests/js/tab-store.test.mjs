import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCore } from '../../extension/core.js';
import {
  badgeOf, createQueues, createTabStore, createWork, evict, INDEX_KEY, insertByStart, MAX_EXCHANGES_PER_TAB, MAX_TABS,
  RECENT_CONTEXT_KEPT, tabKey,
} from '../../extension/tab-store.js';
import { fakeStorage, fakeWasm, flush } from './fakes.mjs';

const x = (n, interest) => ({ url: `https://a.test/${n}`, startedMs: n, interest });

test('insertByStart keeps start order, equal starts in arrival order', () => {
  const list = [x(1), x(5)];
  insertByStart(list, x(3));
  insertByStart(list, { ...x(5), url: 'second 5' });
  insertByStart(list, x(0));
  assert.deepEqual(list.map((e) => e.url), ['https://a.test/0', 'https://a.test/1', 'https://a.test/3', 'https://a.test/5', 'second 5']);
});

test('evict drops context before failures, oldest first', () => {
  const list = Array.from({ length: MAX_EXCHANGES_PER_TAB }, (_, i) => x(i, i % 2 ? 'failure' : 'context'));
  list.push(x(100, 'failure'));
  evict(list);
  assert.equal(list.length, MAX_EXCHANGES_PER_TAB);
  assert.equal(list.some((e) => e.startedMs === 0), false, 'the oldest context went');
  assert.equal(list[0].startedMs, 1, 'the oldest failure stayed');
});

test(`evict never drops the ${RECENT_CONTEXT_KEPT} newest for being context: the oldest goes instead`, () => {
  const failures = Array.from({ length: MAX_EXCHANGES_PER_TAB - RECENT_CONTEXT_KEPT + 1 }, (_, i) => x(i, 'failure'));
  const recent = Array.from({ length: RECENT_CONTEXT_KEPT }, (_, i) => x(1000 + i, 'context'));
  const list = [...failures, ...recent];
  assert.equal(list.length, MAX_EXCHANGES_PER_TAB + 1);
  evict(list);
  assert.equal(list.length, MAX_EXCHANGES_PER_TAB);
  assert.equal(list[0].startedMs, 1, 'the oldest failure went');
  assert.equal(list.filter((e) => e.interest === 'context').length, RECENT_CONTEXT_KEPT, 'the recent context stayed');
});

test('badgeOf: count, red for an error', () => {
  assert.deepEqual(badgeOf(null), { text: '', color: '#b26a00' });
  assert.deepEqual(badgeOf({ entries: [{ findings: [{ severity: 'warn' }] }] }), { text: '1', color: '#b26a00' });
  assert.deepEqual(badgeOf({ entries: [{ findings: [{ severity: 'warn' }] }, { findings: [{ severity: 'error' }] }] }), { text: '2', color: '#c62828' });
});

test('queues run one key in order, even after a failing job; work counts until idle', async () => {
  const enqueue = createQueues();
  const order = [];
  const slow = () => new Promise((r) => setTimeout(() => (order.push('a1'), r()), 10));
  const a1 = enqueue('a', slow);
  const a2 = enqueue('a', async () => { order.push('a2'); throw new Error('boom'); });
  const a3 = enqueue('a', () => order.push('a3'));
  const b1 = enqueue('b', () => order.push('b1'));
  const work = createWork();
  [a1, a2, a3, b1].forEach((p) => work.track(p));
  const orig = console.error;
  console.error = () => {};
  try {
    await work.whenIdle();
  } finally {
    console.error = orig;
  }
  assert.deepEqual(order, ['b1', 'a1', 'a2', 'a3']);
  await work.whenIdle(); // idle at once
});

function store(storage, over = {}) {
  const wasm = fakeWasm();
  const core = createCore(wasm, { browser: 'chromium', wasmUrl: 'x' });
  const badges = [];
  const s = createTabStore({
    storage,
    action: { setBadgeText: async (b) => badges.push(b), setBadgeBackgroundColor: async () => {} },
    core,
    snapshotJar: async (e) => (e.jar = []),
    pageOf: () => 'https://app.a.test/',
    tabUrl: async () => null,
    thirdPartyCookiesBlocked: async () => false,
    now: () => 42,
    ...over,
  });
  return { s, wasm, badges };
}

test('record: re-reads storage, snapshots jars for failures, analyses, saves, paints the badge', async () => {
  const storage = fakeStorage();
  // What an earlier worker instance stored survives this one's first write.
  await storage.set({ [tabKey(1)]: { tabId: 1, pageUrl: null, exchanges: [x(1, 'failure')], entries: [], updatedMs: 1 } });
  const { s, wasm, badges } = store(storage);
  const chain = [x(2, 'context'), x(3, 'failure')];
  await s.record(1, chain, 'failure');
  const rec = (await storage.get(tabKey(1)))[tabKey(1)];
  assert.deepEqual(rec.exchanges.map((e) => e.startedMs), [1, 2, 3]);
  assert.equal(rec.exchanges[1].jar, undefined, 'no jar for context');
  assert.deepEqual(rec.exchanges[2].jar, []);
  assert.equal(rec.exchanges[2].pageUrl, 'https://app.a.test/');
  assert.equal(rec.thirdPartyCookiesBlocked, false);
  assert.equal(rec.version, 'test');
  assert.equal(rec.updatedMs, 42);
  assert.equal(wasm.calls.filter(([n]) => n === 'analyze').length, 1);
  assert.deepEqual((await storage.get(INDEX_KEY))[INDEX_KEY], [{ tabId: 1, updatedMs: 42 }]);
  assert.deepEqual(badges, [{ tabId: 1, text: '1' }]);
});

test('record without a trigger on a tab with no entries stores but does not analyse', async () => {
  const storage = fakeStorage();
  const { s, wasm } = store(storage);
  await s.record(1, [x(1, 'context')], null);
  assert.equal(wasm.calls.filter(([n]) => n === 'analyze').length, 0);
  assert.equal((await storage.get(tabKey(1)))[tabKey(1)].exchanges.length, 1);
});

test('save keeps at most MAX_TABS tabs, the least recently updated go', async () => {
  const storage = fakeStorage();
  const { s } = store(storage);
  for (let t = 0; t < MAX_TABS + 2; t++) await s.save(t, { tabId: t, exchanges: [], entries: [], updatedMs: t });
  const index = (await storage.get(INDEX_KEY))[INDEX_KEY];
  assert.equal(index.length, MAX_TABS);
  assert.equal(index[0].tabId, 2);
  assert.deepEqual(Object.keys(await storage.get([tabKey(0), tabKey(1), tabKey(2)])), [tabKey(2)]);
});

test('save on a full quota drops older tabs and half of this tab, then succeeds', async () => {
  const storage = fakeStorage({ quotaBytes: 4000 });
  const { s } = store(storage);
  const big = (n) => Array.from({ length: n }, (_, i) => ({ url: `https://a.test/${'p'.repeat(40)}/${i}` }));
  const orig = console.warn;
  console.warn = () => {};
  try {
    for (let t = 1; t <= 4; t++) await s.save(t, { tabId: t, exchanges: big(6), entries: [], updatedMs: t });
    await s.save(9, { tabId: 9, exchanges: big(40), entries: [], updatedMs: 9 });
  } finally {
    console.warn = orig;
  }
  const rec = (await storage.get(tabKey(9)))[tabKey(9)];
  assert.equal(rec.exchanges.length, 20, "the newer half of this tab stayed");
  const index = (await storage.get(INDEX_KEY))[INDEX_KEY];
  assert.deepEqual(index.map((t) => t.tabId), [3, 4, 9], 'the two oldest other tabs went');
  assert.equal(index.at(-1).tabId, 9);
  for (const t of index) assert.ok((await storage.get(tabKey(t.tabId)))[tabKey(t.tabId)], `index names a stored tab ${t.tabId}`);
});

test('clear forgets the record and its index line, and clears the badge', async () => {
  const storage = fakeStorage();
  const { s, badges } = store(storage);
  await s.record(1, [x(1, 'failure')], 'failure');
  await s.clear(1);
  await flush();
  assert.deepEqual(await storage.get(tabKey(1)), {});
  assert.deepEqual((await storage.get(INDEX_KEY))[INDEX_KEY], []);
  assert.deepEqual(badges.at(-1), { tabId: 1, text: '' });
});
