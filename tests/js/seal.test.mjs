import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSealer, fromBase64, fromBase64Js, SEAL_KEY, toBase64, toBase64Js } from '../../extension/seal.js';
import { fakeStorage } from './fakes.mjs';

test('seal/open round-trips; the sealed text holds no plaintext; a restarted worker opens it, another session cannot', async () => {
  const storage = fakeStorage();
  const a = createSealer(globalThis.crypto, storage);
  const value = [{ url: 'https://a.test/?access_token=tok-123456', requestHeaders: [{ name: 'x-session-token', value: 'sess-abcdef' }] }];
  const sealed = await a.seal(value);
  assert.match(sealed, /^sealed:v1:/);
  for (const secret of ['tok-123456', 'sess-abcdef', 'access_token']) assert.ok(!sealed.includes(secret));
  assert.deepEqual(await a.open(sealed), value);
  assert.ok((await storage.get(SEAL_KEY))[SEAL_KEY]);
  assert.deepEqual(await createSealer(globalThis.crypto, storage).open(sealed), value, 'same session');
  await assert.rejects(createSealer(globalThis.crypto, fakeStorage()).open(sealed), 'no key in another session');
  await assert.rejects(a.open('plain text'));
  assert.notEqual(await a.seal(value), sealed, 'a fresh IV per seal');
});

test('base64 helpers handle large buffers', () => {
  const big = new Uint8Array(300000).map((_, i) => i % 251);
  assert.deepEqual(fromBase64(toBase64(big)), big);
});

test('the portable base64 codec is standard base64 (what the browsers\' native toBase64/fromBase64 give)', () => {
  for (const n of [0, 1, 2, 3, 4, 5, 31, 32, 33, 0x8000 + 1, 70000]) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 7 + n) % 256);
    const expected = Buffer.from(bytes).toString('base64');
    assert.equal(toBase64Js(bytes), expected, `encode ${n} bytes`);
    assert.deepEqual(fromBase64Js(expected), bytes, `decode ${n} bytes`);
    assert.equal(toBase64(bytes), expected);
  }
  // Where the runtime has the native encoder, it is the one used (near miss: a look-alike without it is not).
  const marked = Object.assign(new Uint8Array([1, 2, 3]), { toBase64: () => 'native' });
  assert.equal(toBase64(marked), 'native');
  assert.equal(toBase64(new Uint8Array([1, 2, 3])), 'AQID');
});
