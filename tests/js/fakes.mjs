// Test doubles for the browser and the wasm core, shared by the shell's unit tests.

/** storage.session in memory (get/set/remove with the chrome.storage argument shapes). */
export function fakeStorage({ quotaBytes = Infinity } = {}) {
  const data = new Map();
  const size = () => JSON.stringify(Object.fromEntries(data)).length;
  return {
    data,
    async get(keys) {
      if (keys === null || keys === undefined) return structuredClone(Object.fromEntries(data));
      const out = {};
      for (const k of Array.isArray(keys) ? keys : [keys]) if (data.has(k)) out[k] = structuredClone(data.get(k));
      return out;
    },
    async set(items) {
      const before = new Map(data);
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
      if (size() > quotaBytes) {
        data.clear();
        for (const [k, v] of before) data.set(k, v);
        throw new Error('QUOTA_BYTES quota exceeded');
      }
    },
    async remove(keys) {
      for (const k of Array.isArray(keys) ? keys : [keys]) data.delete(k);
    },
  };
}

/**
 * A capture as the real core receives it: UTF-8 bytes of its JSON (src/wasm.rs `parse`). Throws on
 * a string, as the real binding would misread one, so a shell that hands over text fails here.
 * @param {Uint8Array} bytes
 */
export function captureText(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`a capture must cross as UTF-8 bytes, got ${typeof bytes}`);
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/**
 * The wasm module's shape (`./pkg/authlens.js`), recording every call (a capture as its JSON text). `triage` answers from
 * `verdicts` (url → interest) so tests pick what the "core" keeps.
 */
export function fakeWasm({ verdicts = {}, recovery = false } = {}) {
  const calls = [];
  const interestOf = (x) => verdicts[x.url] ?? null;
  return {
    calls,
    default: async (opts) => calls.push(['init', opts]),
    version: () => 'test',
    analyze: (bytes) => (calls.push(['analyze', captureText(bytes)]), { version: 'test', entries: [{ index: 0, findings: [] }] }),
    analyzeRevealed: (bytes) => (calls.push(['analyzeRevealed', captureText(bytes)]), { version: 'test', entries: [] }),
    entryExports: (bytes, reports, reveal) => (calls.push(['entryExports', captureText(bytes), reports, reveal]), [{ index: 0, markdown: 'm', curl: 'c' }]),
    triage: (json) => {
      calls.push(['triage', json]);
      const chain = JSON.parse(json);
      const interests = chain.map(interestOf);
      const trigger = interests.includes('failure') ? 'failure' : interests.includes('cookie') ? 'cookie' : null;
      return { keep: interests.some(Boolean), trigger, interests, ignored: chain.length === 1 && chain[0].error === 'net::ERR_ABORTED' };
    },
    isRecovery: (failed, later) => (calls.push(['isRecovery', failed, later]), recovery),
    preflightBorrowings: (json) => (calls.push(['preflightBorrowings', json]), []),
    registrableDomain: (host) => host.split('.').slice(-2).join('.'),
    redactUrl: (url) => url.replace(/([?&#](?:code|access_token)=)[^&#]*/g, '$1…(redacted)'),
  };
}

/** Lets pending promise jobs run. */
export const flush = () => new Promise((r) => setTimeout(r, 0));
