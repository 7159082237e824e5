import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BODY_LIMIT, filterRows, harOfEntries, keepEntry, reportOfEntries, rowsOf, sortRows } from '../../extension/panel-model.js';
import { createHarClient, progressText } from '../../extension/har-client.js';

const entries = [
  { index: 4, method: 'GET', url: 'https://api.a.test/me', status: 401, startedMs: 20, recoveredBy: 9, findings: [{ id: 'jwt-expired', title: 'Expired', severity: 'error' }, { id: 'x-info', severity: 'info' }] },
  { index: 2, method: 'POST', url: 'https://idp.b.test/token', status: 400, startedMs: 10, recoveredBy: null, findings: [{ id: 'cors-x', title: 'CORS', severity: 'warn' }] },
  { index: 7, method: 'GET', url: 'https://app.a.test/', status: 200, startedMs: 30, findings: [{ id: 'cookie-y', title: 'Cookie', severity: 'info' }] },
];

test('rows keep the core order, ids and recovery', () => {
  const rows = rowsOf(entries);
  assert.deepEqual(rows.map((r) => r.index), [4, 2, 7]);
  assert.deepEqual(rows[0].ids, ['jwt-expired', 'x-info']);
  assert.equal(rows[0].recovered, true);
  assert.equal(rows[1].recovered, false, 'null recoveredBy is not recovered');
  assert.equal(rows[0].severity, 'error');
});

test('sorting by column and direction; ties stay in core order', () => {
  const rows = rowsOf(entries);
  assert.deepEqual(sortRows(rows, 'time').map((r) => r.index), [2, 4, 7]);
  assert.deepEqual(sortRows(rows, 'time', 'desc').map((r) => r.index), [7, 4, 2]);
  assert.deepEqual(sortRows(rows, 'severity').map((r) => r.index), [4, 2, 7]);
  assert.deepEqual(sortRows(rows, 'status').map((r) => r.index), [7, 2, 4]);
  assert.deepEqual(sortRows(rows).map((r) => r.index), [4, 2, 7]);
});

test('filtering by text (any finding id) and by severity', () => {
  const rows = rowsOf(entries);
  assert.deepEqual(filterRows(rows, { text: 'X-INFO' }).map((r) => r.index), [4], 'a non-top finding id matches');
  assert.deepEqual(filterRows(rows, { text: 'idp.b' }).map((r) => r.index), [2]);
  assert.deepEqual(filterRows(rows, { text: 'nothing-like-this' }), []);
  assert.deepEqual(filterRows(rows, { severity: 'warn' }).map((r) => r.index), [4, 2]);
  assert.deepEqual(filterRows(rows, { severity: 'error' }).map((r) => r.index), [4]);
  assert.equal(filterRows(rows, {}).length, 3);
});

test('DevTools entries are trimmed: body cut, base64 dropped, getContent gone', () => {
  const har = { request: { url: 'u' }, response: { status: 401, content: { mimeType: 'application/json', text: 'old' } }, getContent() {} };
  const kept = keepEntry(har, 'x'.repeat(BODY_LIMIT + 10), null);
  assert.equal(kept.response.content.text.length, BODY_LIMIT);
  assert.equal('getContent' in kept, false);
  assert.equal(keepEntry(har, 'AAAA', 'base64').response.content.text, undefined);
  assert.equal(keepEntry(har, null, null).response.content.text, undefined);
  assert.notEqual(harOfEntries([]).log.creator.name, 'WebInspector', 'never mistaken for a sanitized Chrome export');
});

test('tab-mode JSON report counts severities', () => {
  const r = reportOfEntries(entries, { version: '1', file: 'p' });
  assert.deepEqual(r.summary, { errors: 1, warnings: 1, infos: 2 });
  assert.deepEqual(r.entries.map((e) => e.index), [4, 2, 7]);
});

test('har client matches answers to requests and relays progress and errors', async () => {
  const listeners = {};
  const sent = [];
  const fake = { postMessage: (m) => sent.push(m), addEventListener: (t, f) => (listeners[t] = f) };
  const client = createHarClient(() => fake);
  const seen = [];
  const a = client.check('blob', 'a.har', (p) => seen.push(p.phase));
  const b = client.redacted();
  const [ma, mb] = sent;
  listeners.message({ data: { id: ma.id, type: 'progress', phase: 'read', loaded: 1, total: 2 } });
  listeners.message({ data: { id: mb.id, type: 'error', message: 'the file is empty' } });
  listeners.message({ data: { id: ma.id, type: 'done', result: { entries: [] } } });
  assert.deepEqual(await a, { entries: [] });
  await assert.rejects(b, /the file is empty/);
  assert.deepEqual(seen, ['read']);
  assert.match(progressText({ phase: 'read', loaded: 5e6, total: 1e8 }), /5\.0 MB of 100\.0 MB/);
});
