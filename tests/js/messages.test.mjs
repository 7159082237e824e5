import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTabId, MSG, router } from '../../extension/messages.js';

const SELF = 'abcdefghijklmnop';
const call = (listener, msg, sender = { id: SELF }) =>
  new Promise((resolve) => {
    const sync = listener(msg, sender, resolve);
    if (!sync) resolve('not answered');
  });

test('message names are the wire strings the popup and the tests send', () => {
  assert.deepEqual({ ...MSG }, {
    CLEAR_TAB: 'clear-tab', IDLE: 'idle', PING: 'ping', AUDIT_START: 'audit-start', AUDIT_FINISH: 'audit-finish', AUDIT_STATE: 'audit-state',
    PRECISE_START: 'precise-start', PRECISE_STOP: 'precise-stop', PRECISE_STATE: 'precise-state',
  });
  assert.throws(() => {
    'use strict';
    MSG.NEW = 'x';
  });
});

test('a known message reaches its handler and is answered {ok: true}', async () => {
  const seen = [];
  const listener = router({ [MSG.CLEAR_TAB]: (msg) => seen.push(msg.tabId), [MSG.IDLE]: async () => ({ idle: true }) }, { selfId: SELF });
  assert.deepEqual(await call(listener, { type: MSG.CLEAR_TAB, tabId: 7 }), { ok: true });
  assert.deepEqual(seen, [7]);
  assert.deepEqual(await call(listener, { type: MSG.IDLE }), { idle: true, ok: true });
});

test('a failing handler answers {ok: false, error}', async () => {
  const listener = router({ [MSG.CLEAR_TAB]: async () => { throw new Error('storage gone'); } }, { selfId: SELF });
  assert.deepEqual(await call(listener, { type: MSG.CLEAR_TAB, tabId: 1 }), { ok: false, error: 'storage gone' });
});

test('unknown, malformed and prototype-named messages are left unanswered', async () => {
  const listener = router({ [MSG.IDLE]: () => {} }, { selfId: SELF });
  for (const msg of [{ type: 'nope' }, null, undefined, 'idle', { type: 'toString' }, { type: '__proto__' }]) {
    assert.equal(await call(listener, msg), 'not answered', JSON.stringify(msg));
  }
});

test('messages from anyone but this extension are left unanswered; tab ids are checked', async () => {
  const seen = [];
  const listener = router({ [MSG.CLEAR_TAB]: (msg) => seen.push(msg.tabId) }, { selfId: SELF });
  for (const sender of [{}, { id: 'other-extension' }, null, { id: SELF.toUpperCase() }]) {
    assert.equal(await call(listener, { type: MSG.CLEAR_TAB, tabId: 1 }, sender), 'not answered', JSON.stringify(sender));
  }
  assert.equal(await call(router({ [MSG.IDLE]: () => {} }), { type: MSG.IDLE }), 'not answered', 'no selfId: nothing answered');
  assert.deepEqual(seen, []);
  for (const v of [1, 0, 2147483647]) assert.equal(isTabId(v), true);
  for (const v of [-1, 1.5, '1', null, undefined, {}, NaN, '1; tab:2']) assert.equal(isTabId(v), false, String(v));
});
