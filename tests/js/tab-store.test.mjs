import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCore } from '../../extension/core.js';
import {
  badgeOf, createQueues, packEntries, unpackEntries, withEntriesUnpacked, createTabStore, createWork, evict, INDEX_KEY, insertByStart, MAX_EXCHANGES_PER_TAB, MAX_TABS, QUEUE_WRITE_MS,
  MAX_PENDING_PER_TAB, queueKey, RECENT_CONTEXT_KEPT, shrink, SHRUNK_VALUE, tabKey,
} from '../../extension/tab-store.js';
import { captureText, fakeStorage, fakeWasm, flush } from './fakes.mjs';

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
    debounceMs: 1,
    ...over,
  });
  return { s, wasm, badges };
}

test('record: re-reads storage, snapshots jars for failures, analyses, saves, paints the badge', async () => {
  const storage = fakeStorage();
  // What an earlier worker instance stored survives this one's first write.
  await storage.set({ [tabKey(1)]: { tabId: 1, pageUrl: null, exchanges: [x(1, 'failure')], entries: [], updatedMs: 1 } });
  const { s, wasm, badges } = store(storage);
  const chain = [x(2, 'context'), x(3, 'failure'), x(4, 'cookie')];
  await s.record(1, chain, 'failure');
  const rec = (await storage.get(tabKey(1)))[tabKey(1)];
  assert.deepEqual(rec.exchanges.map((e) => e.startedMs), [1, 2, 3, 4]);
  assert.equal(rec.exchanges[1].jar, undefined, 'no jar for context');
  assert.equal(rec.exchanges[3].jar, undefined, 'no jar for a response that only set cookies');
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

test('save on a full quota shrinks this tab only: no other tab loses its record', async () => {
  const storage = fakeStorage({ quotaBytes: 6000 });
  const { s, wasm } = store(storage);
  const big = (n, interest = 'context') => Array.from({ length: n }, (_, i) => ({ url: `https://a.test/${'p'.repeat(40)}/${i}`, startedMs: i, interest }));
  const orig = console.warn;
  console.warn = () => {};
  try {
    for (let t = 1; t <= 4; t++) await s.save(t, { tabId: t, exchanges: big(6), entries: [], updatedMs: t });
    await s.save(9, { tabId: 9, exchanges: [...big(30), ...big(10, 'failure')], entries: [], updatedMs: 9 }, true);
  } finally {
    console.warn = orig;
  }
  const index = (await storage.get(INDEX_KEY))[INDEX_KEY];
  assert.deepEqual(index.map((t) => t.tabId), [1, 2, 3, 4, 9], 'every other tab kept');
  for (let t = 1; t <= 4; t++) assert.equal((await storage.get(tabKey(t)))[tabKey(t)].exchanges.length, 6, `tab ${t} untouched`);
  const rec = (await storage.get(tabKey(9)))[tabKey(9)];
  assert.ok(rec.exchanges.length < 40);
  assert.ok(wasm.calls.some(([n]) => n === 'analyze'), 'the shrunk record is re-analysed');
});

test('shrink: oldest context first (not the recent ones), then values are cut, then the older half goes', () => {
  const rec = { exchanges: [...Array.from({ length: 10 }, (_, i) => x(i, 'context')), x(20, 'failure'), ...Array.from({ length: RECENT_CONTEXT_KEPT }, (_, i) => x(30 + i, 'context'))] };
  assert.ok(shrink(rec));
  assert.deepEqual(rec.exchanges.slice(0, 6).map((e) => e.startedMs), [5, 6, 7, 8, 9, 20]);
  while (rec.exchanges.some((e, i) => e.interest === 'context' && i < rec.exchanges.length - RECENT_CONTEXT_KEPT)) shrink(rec);
  const y = { ...x(40, 'failure'), requestHeaders: [{ name: 'x', value: 'v'.repeat(5000) }] };
  const one = { exchanges: [y] };
  assert.ok(shrink(one));
  assert.equal(y.requestHeaders[0].value.length, SHRUNK_VALUE);
  assert.equal(shrink(one), false, 'nothing left to drop');
  const two = { exchanges: [x(1, 'failure'), x(2, 'failure')] };
  assert.ok(shrink(two));
  assert.deepEqual(two.exchanges.map((e) => e.startedMs), [2]);
});

test('a record over MAX_RECORD_CHARS shrinks itself before it is stored', async () => {
  const storage = fakeStorage();
  const { s } = store(storage, { maxRecordChars: 5000 });
  const fat = (n) => ({ ...x(n, 'context'), responseHeaders: [{ name: 'set-cookie', value: 'c'.repeat(900) }] });
  const orig = console.warn;
  console.warn = () => {};
  try {
    await s.record(1, [fat(1), fat(2), fat(3), fat(4), fat(5), fat(6), fat(7), fat(8), fat(9), fat(10), x(11, 'failure')], 'failure');
  } finally {
    console.warn = orig;
  }
  const rec = (await storage.get(tabKey(1)))[tabKey(1)];
  assert.ok(JSON.stringify(rec).length <= 5000);
  assert.equal(rec.exchanges.at(-1).interest, 'failure');
});

test('a burst is debounced: one analysis per tab, at most one batch waiting behind a running one', async () => {
  const storage = fakeStorage();
  const { s, wasm } = store(storage, { debounceMs: 20 });
  const done = [];
  for (let i = 0; i < 300; i++) done.push(s.record(1, [x(i, 'failure')], 'failure'));
  for (let i = 0; i < 5; i++) done.push(s.record(2, [x(i, 'failure')], 'failure'));
  await Promise.all(done);
  const analyses = wasm.calls.filter(([n]) => n === 'analyze');
  assert.equal(analyses.length, 2, 'one per tab');
  const rec = (await storage.get(tabKey(1)))[tabKey(1)];
  assert.equal(rec.exchanges.length, MAX_EXCHANGES_PER_TAB);
  assert.ok(rec.exchanges.at(-1).startedMs === 299, 'the newest kept');
  assert.equal((await storage.get(tabKey(2)))[tabKey(2)].exchanges.length, 5, 'the other tab is whole');
  assert.deepEqual(Object.keys(await storage.get(null)).filter((k) => k.startsWith('q:')), [], 'the waiting requests are cleaned up');
});

test(`at most ${MAX_PENDING_PER_TAB} requests wait per tab`, async () => {
  const storage = fakeStorage();
  const { s, wasm } = store(storage, { debounceMs: 20 });
  const done = [];
  for (let i = 0; i < MAX_PENDING_PER_TAB + 50; i++) done.push(s.record(1, [x(i, 'context')], null));
  await Promise.all(done);
  const pre = wasm.calls.filter(([n]) => n === 'preflightBorrowings');
  assert.equal(pre.length, 1);
  assert.equal(JSON.parse(pre[0][1]).length, MAX_PENDING_PER_TAB, 'the oldest waiting ones were dropped');
});

test('a request finishing after its tab closed does not re-create the record', async () => {
  const storage = fakeStorage();
  const { s } = store(storage, { debounceMs: 5 });
  await s.record(1, [x(1, 'failure')], 'failure');
  await s.clear(1, { badge: false, closed: true });
  await s.record(1, [x(2, 'failure')], 'failure');
  assert.deepEqual(await storage.get(tabKey(1)), {});
  // A later worker does not know the tab closed: it asks the browser.
  const { s: s2 } = store(storage, { debounceMs: 5, tabExists: async () => false });
  await s2.record(1, [x(3, 'failure')], 'failure');
  assert.deepEqual(await storage.get(tabKey(1)), {});
  assert.deepEqual(Object.keys(await storage.get(null)).filter((k) => k.startsWith('q:')), []);
});

test('resume: a stopped worker\'s waiting requests are merged once, even if their batch was already saved', async () => {
  const storage = fakeStorage();
  const { s } = store(storage, { debounceMs: 5 });
  await s.record(1, [x(1, 'failure')], 'failure');
  const saved = (await storage.get(tabKey(1)))[tabKey(1)].exchanges[0];
  // A worker stopped after saving but before removing its queue entry, and one with a request still waiting.
  await storage.set({ [queueKey(1, saved.cid.split('.')[0])]: { chain: [saved], trigger: 'failure' } });
  await storage.set({ [queueKey(1, 'old-7')]: { chain: [x(2, 'failure')], trigger: 'failure' } });
  const { s: s2 } = store(storage, { debounceMs: 5 });
  assert.equal(await s2.resume(), 2);
  const rec = (await storage.get(tabKey(1)))[tabKey(1)];
  assert.deepEqual(rec.exchanges.map((e) => e.startedMs), [1, 2]);
  assert.deepEqual(Object.keys(await storage.get(null)).filter((k) => k.startsWith('q:')), []);
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

test('at rest: exchanges and waiting requests are sealed, the page URL redacted; the store reads them back opened', async () => {
  const { createSealer } = await import('../../extension/seal.js');
  const storage = fakeStorage();
  const sealer = createSealer(globalThis.crypto, storage);
  const page = 'https://app.a.test/cb?code=planted-code-123';
  const { s } = store(storage, { sealer, pageOf: () => page });
  const secret = { ...x(1, 'failure'), url: 'https://api.a.test/x?access_token=planted-tok-456', requestHeaders: [{ name: 'x-session-token', value: 'planted-sess-789' }] };
  await s.record(1, [secret], 'failure');
  const dump = JSON.stringify(await storage.get(null));
  for (const planted of ['planted-code-123', 'planted-tok-456', 'planted-sess-789']) assert.ok(!dump.includes(planted), `${planted} in storage`);
  const rec = await s.read(1);
  assert.equal(rec.exchanges[0].requestHeaders[0].value, 'planted-sess-789', 'the worker opens it to re-analyse');
  assert.equal(rec.pageUrl, 'https://app.a.test/cb?code=…(redacted)');
  assert.equal((await s.readAll())[0].exchanges.length, 1);
});

test('shrinking counts the entries and re-analyses each round: a record of big entries is halved, not emptied', async () => {
  const storage = fakeStorage();
  const wasm = fakeWasm();
  wasm.analyze = (bytes) => ({ version: 'test', entries: JSON.parse(captureText(bytes)).exchanges.map((_, index) => ({ index, findings: [], url: 'u'.repeat(5000) })) });
  const { s } = store(storage, { maxRecordChars: 200 * 1000, core: createCore(wasm, { browser: 'chromium', wasmUrl: 'x' }) });
  const orig = console.warn;
  console.warn = () => {};
  try {
    await s.record(1, Array.from({ length: MAX_EXCHANGES_PER_TAB }, (_, i) => x(i, 'failure')), 'failure');
  } finally {
    console.warn = orig;
  }
  const rec = (await storage.get(tabKey(1)))[tabKey(1)];
  assert.equal(rec.exchanges.length, MAX_EXCHANGES_PER_TAB / 2, 'one halving was enough');
  assert.equal(rec.entries.length, rec.exchanges.length, 'the entries are those of the kept exchanges');
});

test('resume skips what this worker queued itself, and one batch never merges a capture id twice', async () => {
  const storage = fakeStorage();
  const { s } = store(storage, { debounceMs: 30 });
  const own = s.record(1, [x(1, 'failure')], 'failure');
  await flush();
  await s.resume(); // sees its own q: entry
  const twin = { ...x(2, 'failure'), cid: 'same.0' };
  await storage.set({ [queueKey(1, 'old-1')]: { chain: [twin], trigger: 'failure' }, [queueKey(1, 'old-2')]: { chain: [{ ...twin }], trigger: 'failure' } });
  await s.resume();
  await own;
  const rec = (await storage.get(tabKey(1)))[tabKey(1)];
  assert.deepEqual(rec.exchanges.map((e) => e.startedMs), [1, 2]);
});

/** Storage that counts its calls by method and key prefix (`set q:`, `get tab:` …). */
function counting(storage) {
  const calls = [];
  const keysOf = (k) => (k === null || k === undefined ? ['*'] : Array.isArray(k) ? k : typeof k === 'object' ? Object.keys(k) : [k]);
  const wrap = (name) => (arg) => {
    for (const k of keysOf(arg)) calls.push(`${name} ${k.split(':')[0]}`);
    return storage[name](arg);
  };
  return { storage: { ...storage, get: wrap('get'), set: wrap('set'), remove: wrap('remove') }, calls };
}

test('requests finishing over time are written in coalesced writes (one per QUEUE_WRITE_MS), not one per request', async () => {
  const { storage, calls } = counting(fakeStorage());
  // As in a browser: a page's 60 requests finish one every 5 ms, each write takes a moment.
  const slow = { ...storage, set: async (items) => (await new Promise((r) => setTimeout(r, 2)), storage.set(items)) };
  const { s } = store(slow, { debounceMs: 150, queueWriteMs: QUEUE_WRITE_MS, now: Date.now });
  const done = [];
  for (let i = 0; i < 60; i++) {
    done.push(s.record(1, [x(i, 'cookie')], 'cookie'));
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(done);
  const writes = calls.filter((c) => c === 'set q').length;
  // ~300 ms of requests: about one write per QUEUE_WRITE_MS (timers run late on a loaded machine: fewer, never more).
  assert.ok(writes >= 1 && writes <= Math.ceil(300 / QUEUE_WRITE_MS) + 2, `${writes} writes of waiting requests`);
  assert.equal((await storage.get(tabKey(1)))[tabKey(1)].exchanges.length, Math.min(60, MAX_EXCHANGES_PER_TAB));
  assert.deepEqual(Object.keys(await storage.get(null)).filter((k) => k.startsWith('q:')), [], 'all cleaned up');
});

test('a batch of non-failures analysed before it is due to be written is saved by its analysis alone (no q: write)', async () => {
  const { storage, calls } = counting(fakeStorage());
  const { s } = store(storage, { debounceMs: 20, queueWriteMs: 200 });
  const done = [];
  for (let i = 0; i < 300; i++) done.push(s.record(1, [x(i, 'cookie')], 'cookie'));
  await Promise.all(done);
  assert.equal(calls.filter((c) => c === 'set q').length, 0);
  assert.equal((await storage.get(tabKey(1)))[tabKey(1)].exchanges.length, MAX_EXCHANGES_PER_TAB);
  // Near miss: a failure is written at once, whatever the delay for the others (restart-safe).
  const { storage: st2, calls: c2 } = counting(fakeStorage());
  const { s: s2 } = store(st2, { debounceMs: 60, queueWriteMs: 10000 });
  await Promise.all([...Array.from({ length: 30 }, (_, i) => s2.record(1, [x(i, 'cookie')], 'cookie')), s2.record(1, [x(30, 'failure')], 'failure')]);
  assert.ok(c2.filter((c) => c === 'set q').length >= 1);
});

test('the worker keeps its records in memory: a second batch neither reads nor opens the stored record', async () => {
  const { storage, calls } = counting(fakeStorage());
  const { s } = store(storage, { debounceMs: 1 });
  await s.record(1, [x(1, 'failure')], 'failure');
  assert.equal(calls.filter((c) => c === 'get tab').length, 1, 'read once: an earlier worker may have stored it');
  await s.record(1, [x(2, 'failure')], 'failure');
  await s.record(1, [x(3, 'cookie')], 'cookie');
  assert.equal(calls.filter((c) => c === 'get tab').length, 1, 'never again');
  assert.equal(calls.filter((c) => c === 'get tabs').length, 1, 'the index too is read once');
  assert.equal(calls.filter((c) => c === 'set tab').length, 3, 'every batch is saved (restart-safe) before its badge');
  assert.deepEqual((await storage.get(tabKey(1)))[tabKey(1)].exchanges.map((e) => e.startedMs), [1, 2, 3]);
  // Cleared, the memory goes too: the next batch starts from nothing, not from the old record.
  await s.clear(1);
  await s.record(1, [x(4, 'failure')], 'failure');
  assert.deepEqual((await storage.get(tabKey(1)))[tabKey(1)].exchanges.map((e) => e.startedMs), [4]);
});

test('resume: a coalesced write of a stopped worker comes back whole, each request once', async () => {
  const storage = fakeStorage();
  const { createSealer } = await import('../../extension/seal.js');
  const sealer = createSealer(globalThis.crypto, storage);
  // The first worker: a burst written, then "stopped" before its batch is due (its timer fires
  // later, after the second worker saved: the capture ids keep it from merging anything twice).
  const { s: s1 } = store(storage, { debounceMs: 150, sealer, queueWriteMs: 0 });
  const first = [];
  for (let i = 0; i < 5; i++) first.push(s1.record(1, [x(i, 'failure')], 'failure'));
  for (let i = 0; i < 20 && Object.keys(await storage.get(null)).filter((k) => k.startsWith('q:')).length < 2; i++) await flush();
  const waiting = Object.entries(await storage.get(null)).filter(([k]) => k.startsWith('q:'));
  assert.ok(waiting.length >= 1 && waiting.length < 5, `${waiting.length} coalesced writes`);
  const { s: s2 } = store(storage, { debounceMs: 1, sealer });
  assert.equal(await s2.resume(), waiting.length);
  assert.deepEqual((await s2.read(1)).exchanges.map((e) => e.startedMs), [0, 1, 2, 3, 4]);
  await Promise.all(first);
  assert.deepEqual((await s2.read(1)).exchanges.map((e) => e.startedMs), [0, 1, 2, 3, 4], 'merged once');
  assert.deepEqual(Object.keys(await storage.get(null)).filter((k) => k.startsWith('q:')), []);
});

test('leading edge: a tab\'s first failure after a quiet spell is analysed without waiting out the debounce; a burst still batches', async () => {
  const storage = fakeStorage();
  let t = 1000;
  const { s, wasm } = store(storage, { debounceMs: 200, now: () => t });
  const started = Date.now();
  await s.record(1, [x(1, 'failure')], 'failure');
  assert.ok(Date.now() - started < 150, `analysed after ${Date.now() - started} ms`);
  // Within the debounce period of that save: debounced, and batched together.
  const burst = [1, 2, 3].map((i) => s.record(1, [x(10 + i, 'failure')], 'failure'));
  await Promise.all(burst);
  assert.equal(wasm.calls.filter(([n]) => n === 'analyze').length, 2, 'one leading, one for the burst');
  // A cookie setter never leads: it is no failure to show.
  t += 10000;
  let before = Date.now();
  await s.record(2, [x(20, 'cookie')], 'cookie');
  assert.ok(Date.now() - before >= 150, 'waited for the debounce');
  // Nor does a failure on a tab that already shows findings: it waits for the debounce.
  t += 10000;
  before = Date.now();
  await s.record(1, [x(30, 'failure')], 'failure');
  assert.ok(Date.now() - before >= 150, 'a tab with findings waits');
});

test('packEntries stores each catalogue text once per record, and unpackEntries gives the entries back exactly', () => {
  const fix = { summary: 'Refresh the token.', steps: ['a', 'b'], snippets: [{ lang: 'js', code: 'x()' }] };
  const finding = (i) => ({ id: 'jwt-expired', severity: 'error', title: 'Token expired', explanation: 'The token expired. '.repeat(20), evidence: [{ label: 'exp', value: String(i) }], fix, source: 'RFC 7519', related: [] });
  const entries = Array.from({ length: 50 }, (_, i) => ({ index: i, url: `https://a.test/${i}`, findings: [finding(i), { ...finding(i), id: 'clock-skew', explanation: `skew ${i}`, source: null }] }));
  const { entries: packed, texts } = packEntries(entries);
  // Distinct texts only: one fix, one explanation and one source shared by all, 50 different skews.
  assert.equal(texts.length, 3 + 50);
  assert.ok(JSON.stringify({ packed, texts }).length < JSON.stringify(entries).length / 2);
  assert.equal(packed[7].findings[1].source, null, 'an absent text stays absent');
  assert.deepEqual(packed[7].findings[0].evidence, entries[7].findings[0].evidence, 'evidence is never shared');
  assert.deepEqual(unpackEntries(packed, texts), entries);
  assert.equal(entries[0].findings[0].fix, fix, 'the entries given are not changed');
  // A record stored before packing (no text table) reads as it is.
  assert.deepEqual(withEntriesUnpacked({ entries }), { entries });
  assert.deepEqual(withEntriesUnpacked({ entries: packed, texts, version: 'v' }), { entries, version: 'v' });
});

test('a saved record holds its entries packed, and reading it back gives the core\'s entries', async () => {
  const storage = fakeStorage();
  const wasm = fakeWasm();
  const finding = { id: 'jwt-expired', severity: 'error', explanation: 'e'.repeat(500), fix: { summary: 'f'.repeat(500) }, source: 's' };
  wasm.analyze = (bytes) => ({ version: 'test', entries: JSON.parse(captureText(bytes)).exchanges.map((_, index) => ({ index, findings: [finding] })) });
  const { s } = store(storage, { core: createCore(wasm, { browser: 'chromium', wasmUrl: 'x' }) });
  await s.record(1, [x(0, 'failure'), x(1, 'failure')], 'failure');
  const stored = (await storage.get(tabKey(1)))[tabKey(1)];
  assert.equal(stored.texts.length, 3);
  assert.deepEqual(stored.entries[1].findings[0], { id: 'jwt-expired', severity: 'error', explanation: 0, fix: 1, source: 2 });
  const back = await s.read(1);
  assert.deepEqual(back.entries, [{ index: 0, findings: [finding] }, { index: 1, findings: [finding] }]);
  assert.equal(back.texts, undefined);
});
