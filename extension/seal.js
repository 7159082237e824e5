// The capture at rest, sealed. A tab's exchanges hold what the core needs to diagnose and what
// Reveal shows: Authorization and Cookie values, token-bearing URLs, Referer/Location, credential-
// like headers. Stored as plain JSON, every one of them sat readable in storage.session (and in any
// dump of it). They are stored encrypted instead (AES-GCM, a random 256-bit key made once per
// browser session), beside the core's answer, which is already redacted. The worker opens them to
// re-analyse; the popup opens them only for Reveal and the raw-header views.
//
// What this protects against: plaintext secrets in storage.session, in a dump of it, in a copy
// of the record made for a bug report. What it does not: the key lives in storage.session too
// (a restarted worker and the popup need it), so code that can read all of storage.session —
// this extension's own pages and worker — can open the capture. Both die with the browser
// session (storage.session is memory only).
//
// Pure apart from what it is given (`crypto`, `storage`): Node's tests use Node's WebCrypto.

/** The storage.session key of the sealing key (raw bytes, base64). */
export const SEAL_KEY = 'sealKey';
/** Marks a sealed value: `sealed:v1:<iv base64>.<ciphertext base64>`. */
const PREFIX = 'sealed:v1:';

/**
 * Bytes → base64: the browser's own encoder where it has one (Chromium 140+, Firefox 133+: the
 * JS fallback was 5–10 ms of the worker's time per busy page load, BENCHMARKS.md), else in chunks
 * (spreading a large array into fromCharCode overflows the stack).
 */
export function toBase64(bytes) {
  if (typeof bytes.toBase64 === 'function') return bytes.toBase64();
  return toBase64Js(bytes);
}

/** The portable encoder (Node 20 and older browsers); tests hold it equal to the native one. */
export function toBase64Js(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** base64 → bytes (the browser's own decoder where it has one). */
export function fromBase64(b64) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(b64);
  return fromBase64Js(b64);
}

/** The portable decoder. */
export function fromBase64Js(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * A sealer: `seal(value)` → string, `open(string)` → value. The key is made on first use and kept
 * in `storage` (storage.session), so a restarted worker and the popup open what another
 * instance sealed.
 * @param {{subtle: SubtleCrypto, getRandomValues: <T extends ArrayBufferView>(a: T) => T}} crypto
 * @param {{get: (k: string) => Promise<Record<string, any>>, set: (items: object) => Promise<void>}} storage
 */
export function createSealer(crypto, storage) {
  /** @type {Promise<CryptoKey> | null} */
  let key = null;
  const importKey = (raw) => crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  async function keyOf(create) {
    const got = (await storage.get(SEAL_KEY))?.[SEAL_KEY];
    if (typeof got === 'string') return importKey(fromBase64(got));
    if (!create) throw new Error('no sealing key in this session');
    const raw = crypto.getRandomValues(new Uint8Array(32));
    await storage.set({ [SEAL_KEY]: toBase64(raw) });
    return importKey(raw);
  }
  const theKey = (create) => (key ??= keyOf(create).catch((e) => ((key = null), Promise.reject(e))));
  return {
    /** @param {unknown} value any JSON value */
    async seal(value) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const data = new TextEncoder().encode(JSON.stringify(value));
      const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await theKey(true), data));
      return `${PREFIX}${toBase64(iv)}.${toBase64(ct)}`;
    },
    /** @param {string} sealed what `seal` returned */
    async open(sealed) {
      if (typeof sealed !== 'string' || !sealed.startsWith(PREFIX)) throw new Error('not a sealed value');
      const [iv, ct] = sealed.slice(PREFIX.length).split('.');
      const data = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv) }, await theKey(false), fromBase64(ct));
      return JSON.parse(new TextDecoder().decode(data));
    },
  };
}
