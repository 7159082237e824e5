// The site owner's audit recording (extension/audit-recorder.js): what it keeps, its caps, the
// badge, sealing at rest, surviving a worker restart, and dropping with the tab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditKey, createAuditRecorder, MAX_AUDIT_EXCHANGES } from '../../extension/audit-recorder.js';
import { createSealer } from '../../extension/seal.js';
import { fakeStorage } from './fakes.mjs';

function badgeLog() {
  const calls = [];
  return {
    calls,
    setBadgeText: async (d) => void calls.push(['text', d.tabId, d.text]),
    setBadgeBackgroundColor: async (d) => void calls.push(['color', d.tabId, d.color]),
  };
}

const x = (url, extra = {}) => ({ method: 'GET', url, status: 200, requestHeaders: [], responseHeaders: [], ...extra });
// The "core": keeps everything but images (the real rule is interest::audit_relevant, tested in Rust).
const keeps = (ex) => !/\.png$/.test(ex.url);

test('records only while recording, only what the core keeps, in order', async () => {
  const storage = fakeStorage();
  const r = createAuditRecorder({ storage, action: badgeLog(), keeps });
  await r.observe(7, [x('https://a.test/before')]);
  assert.equal(await r.read(7), null, 'nothing before start');
  await r.start(7);
  await r.observe(7, [x('https://a.test/login', { status: 302 }), x('https://a.test/home')]);
  await r.observe(7, [x('https://a.test/logo.png')]);
  await r.observe(8, [x('https://b.test/other-tab')]);
  const rec = await r.read(7);
  assert.deepEqual(rec.exchanges.map((e) => e.url), ['https://a.test/login', 'https://a.test/home']);
  assert.equal(rec.state, 'recording');
  assert.equal(await r.read(8), null, 'another tab is not recorded');
  const done = await r.finish(7);
  assert.deepEqual(done, { finished: true, count: 2 });
  await r.observe(7, [x('https://a.test/after')]);
  assert.equal((await r.read(7)).exchanges.length, 2, 'nothing after finish');
  assert.equal((await r.read(7)).state, 'finished');
});

test('the badge says REC while recording and is cleared on finish', async () => {
  const action = badgeLog();
  const r = createAuditRecorder({ storage: fakeStorage(), action, keeps });
  await r.start(3);
  assert.ok(r.isRecording(3));
  await r.finish(3);
  assert.ok(!r.isRecording(3));
  assert.deepEqual(action.calls.filter((c) => c[0] === 'text'), [['text', 3, 'REC'], ['text', 3, '']]);
});

test('concurrent observations all land (appends are serialised per tab)', async () => {
  const r = createAuditRecorder({ storage: fakeStorage(), action: badgeLog(), keeps });
  await r.start(1);
  await Promise.all(Array.from({ length: 50 }, (_, i) => r.observe(1, [x(`https://a.test/${i}`)])));
  assert.equal((await r.read(1)).exchanges.length, 50);
});

test('caps: a busy tab stops at the cap and says so', async () => {
  const r = createAuditRecorder({ storage: fakeStorage(), action: badgeLog(), keeps });
  await r.start(1);
  const chain = Array.from({ length: MAX_AUDIT_EXCHANGES + 10 }, (_, i) => x(`https://a.test/${i}`));
  await r.observe(1, chain);
  const rec = await r.read(1);
  assert.equal(rec.exchanges.length, MAX_AUDIT_EXCHANGES);
  assert.equal(rec.capped, true);
});

test('sealed at rest, survives a worker restart, dropped with the tab', async () => {
  const storage = fakeStorage();
  const sealer = createSealer(globalThis.crypto, storage);
  const secret = 'Bearer sekrit-token-123';
  const r = createAuditRecorder({ storage, action: badgeLog(), keeps, sealer });
  await r.start(5);
  await r.observe(5, [x('https://api.test/me', { requestHeaders: [{ name: 'Authorization', value: secret }] })]);
  assert.ok(!JSON.stringify(Object.fromEntries(storage.data)).includes('sekrit-token-123'), 'the stored form is sealed');
  // A new worker: memory is gone, storage is not.
  const again = createAuditRecorder({ storage, action: badgeLog(), keeps, sealer: createSealer(globalThis.crypto, storage) });
  assert.ok(!again.isRecording(5));
  assert.deepEqual(await again.hydrate(), [5]);
  assert.ok(again.isRecording(5), 'still recording after the restart');
  await again.observe(5, [x('https://api.test/after-restart')]);
  const rec = await again.read(5);
  assert.equal(rec.exchanges.length, 2);
  assert.equal(rec.exchanges[0].requestHeaders[0].value, secret, 'opened in full for the audit');
  await again.drop(5);
  assert.ok(!storage.data.has(auditKey(5)), 'the tab closed: the recording is gone');
  assert.ok(!again.isRecording(5));
});
