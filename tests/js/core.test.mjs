import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureOf, createCore } from '../../extension/core.js';
import { createTabStore } from '../../extension/tab-store.js';
import { fakeStorage, fakeWasm } from './fakes.mjs';

const rec = {
  tabId: 3,
  pageUrl: 'https://www.b.test/embed',
  thirdPartyCookiesBlocked: true,
  exchanges: [{ method: 'GET', url: 'https://api.a.test/api/cookie-me', status: 401, requestHeaders: [], responseHeaders: [] }],
  entries: [],
};

test('captureOf: the capture fields the core reads, from a stored record', () => {
  assert.deepEqual(captureOf(rec, 'chromium'), { browser: 'chromium', thirdPartyCookiesBlocked: true, exchanges: rec.exchanges });
  assert.deepEqual(captureOf({ exchanges: [] }, 'firefox'), { browser: 'firefox', thirdPartyCookiesBlocked: null, exchanges: [] });
  assert.deepEqual(captureOf(null, 'chromium'), { browser: 'chromium', thirdPartyCookiesBlocked: null, exchanges: [] });
});

test('the wasm is loaded once, lazily', async () => {
  const wasm = fakeWasm();
  const core = createCore(wasm, { browser: 'chromium', wasmUrl: 'x.wasm' });
  assert.equal(wasm.calls.length, 0);
  assert.equal(await core.load(), 'test');
  await core.load();
  assert.deepEqual(wasm.calls, [['init', { module_or_path: 'x.wasm' }]]);
});

test("the popup's Reveal path hands the core exactly the capture the background analysed", async () => {
  // Background path: the tab store records a failure and analyses the record.
  const wasm = fakeWasm();
  const core = createCore(wasm, { browser: 'chromium', wasmUrl: 'x.wasm' });
  const storage = fakeStorage();
  const store = createTabStore({
    storage,
    core,
    snapshotJar: async () => {},
    pageOf: () => 'https://www.b.test/embed',
    tabUrl: async () => null,
    thirdPartyCookiesBlocked: async () => true,
    now: () => 1000,
  });
  const x = { ...rec.exchanges[0], startedMs: 5, interest: 'failure' };
  await store.record(3, [x], 'failure');
  const background = wasm.calls.filter(([name]) => name === 'analyze').map(([, json]) => JSON.parse(json));
  assert.equal(background.length, 1);
  assert.equal(background[0].thirdPartyCookiesBlocked, true, 'the third-party setting reaches the core');

  // Popup path: it reads the stored record and asks for the revealed analysis.
  const stored = (await storage.get('tab:3'))['tab:3'];
  const popupCore = createCore(wasm, { browser: 'chromium', wasmUrl: 'x.wasm' });
  popupCore.analyze(stored, { reveal: true });
  const revealed = wasm.calls.filter(([name]) => name === 'analyzeRevealed').map(([, json]) => JSON.parse(json));
  assert.equal(revealed.length, 1);
  assert.deepEqual(Object.keys(revealed[0]).sort(), Object.keys(background[0]).sort());
  assert.deepEqual(revealed[0], background[0]);
});

test('the Copy texts are asked of the core with the analysed capture, the reports and the Reveal state', async () => {
  const wasm = fakeWasm();
  const core = createCore(wasm, { browser: 'firefox', wasmUrl: 'x.wasm' });
  await core.load();
  assert.deepEqual(core.entryExports(rec), [{ index: 0, markdown: 'm', curl: 'c' }]);
  core.entryExports(rec, { reports: [{ url: 'u' }], reveal: true });
  const asked = wasm.calls.filter(([what]) => what === 'entryExports');
  assert.deepEqual(asked[0], ['entryExports', JSON.stringify(captureOf(rec, 'firefox')), '[]', false]);
  assert.deepEqual(asked[1], ['entryExports', JSON.stringify(captureOf(rec, 'firefox')), '[{"url":"u"}]', true]);
  // What `analyze` is handed is the same capture: the texts can never describe another one.
  core.analyze(rec);
  assert.equal(wasm.calls.find(([what]) => what === 'analyze')[1], asked[0][1]);
});
