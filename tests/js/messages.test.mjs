import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MSG, router } from '../../extension/messages.js';

const call = (listener, msg) =>
  new Promise((resolve) => {
    const sync = listener(msg, {}, resolve);
    if (!sync) resolve('not answered');
  });

test('message names are the wire strings the popup and the tests send', () => {
  assert.deepEqual({ ...MSG }, { CLEAR_TAB: 'clear-tab', IDLE: 'idle' });
  assert.throws(() => {
    'use strict';
    MSG.NEW = 'x';
  });
});

test('a known message reaches its handler and is answered {ok: true}', async () => {
  const seen = [];
  const listener = router({ [MSG.CLEAR_TAB]: (msg) => seen.push(msg.tabId), [MSG.IDLE]: async () => ({ idle: true }) });
  assert.deepEqual(await call(listener, { type: MSG.CLEAR_TAB, tabId: 7 }), { ok: true });
  assert.deepEqual(seen, [7]);
  assert.deepEqual(await call(listener, { type: MSG.IDLE }), { idle: true, ok: true });
});

test('a failing handler answers {ok: false, error}', async () => {
  const listener = router({ [MSG.CLEAR_TAB]: async () => { throw new Error('storage gone'); } });
  assert.deepEqual(await call(listener, { type: MSG.CLEAR_TAB, tabId: 1 }), { ok: false, error: 'storage gone' });
});

test('unknown, malformed and prototype-named messages are left unanswered', async () => {
  const listener = router({ [MSG.IDLE]: () => {} });
  for (const msg of [{ type: 'nope' }, null, undefined, 'idle', { type: 'toString' }, { type: '__proto__' }]) {
    assert.equal(await call(listener, msg), 'not answered', JSON.stringify(msg));
  }
});
