// The bridge to the wasm core, and the one place a capture is built and handed to it. Both the
// background's analysis and the popup's "Reveal secrets" go through `analyze(rec)`, so the two
// can never see different captures (they once did: Reveal left out the third-party-cookie
// setting and changed the diagnosis).
//
// Pure apart from the wasm bindings it is given: Node's tests pass a fake `wasm` object.

/**
 * The capture the core analyses (`model::Capture`), built from a tab's stored record.
 * @param {{exchanges?: object[], thirdPartyCookiesBlocked?: boolean|null} | null} rec
 * @param {string} browser `chromium` or `firefox` (browser-compat.js `browserName`)
 */
export function captureOf(rec, browser) {
  return {
    browser,
    thirdPartyCookiesBlocked: rec?.thirdPartyCookiesBlocked ?? null,
    exchanges: rec?.exchanges ?? [],
  };
}

/**
 * The core, as the shell uses it. `wasm` is a wasm-bindgen module: `./pkg/authlens.js`, the worker
 * module (service worker, popup, panel), or `./pkg-page/authlens.js`, the page module, which adds
 * `audit`, `auditMarkdown` and the HAR exports (audit page, har-worker.js; see src/wasm.rs). Its
 * default export loads the binary; the others are the exports of `src/wasm.rs`.
 * Every method except `load` needs the promise of `load()` to have resolved.
 * @param {any} wasm
 * @param {{browser: string, wasmUrl: URL | string}} options
 */
export function createCore(wasm, { browser, wasmUrl }) {
  /** @type {Promise<string> | null} */
  let loading = null;
  /** The module's exports once loaded (its linear memory is measured by the heap benchmark). */
  let exports = null;
  const json = (v) => JSON.stringify(v);
  // A capture crosses as UTF-8 bytes (src/wasm.rs `parse`): wasm-bindgen copies a string argument
  // one UTF-16 unit at a time in JS, where TextEncoder is one native pass (18% of a 10k analysis).
  const encoder = new TextEncoder();
  const captureBytes = (rec) => encoder.encode(json(captureOf(rec, browser)));
  return {
    browser,
    /** Loads the wasm once; resolves to the core's version. */
    load() {
      loading ??= wasm.default({ module_or_path: wasmUrl }).then((out) => {
        exports = out;
        return wasm.version();
      });
      return loading;
    },
    /** Bytes of the wasm module's linear memory (0 before it is loaded). */
    memoryBytes: () => exports?.memory?.buffer?.byteLength ?? 0,
    /**
     * Analyses a tab's record; with `reveal`, secrets are shown in full (popup only, never stored).
     * @returns {{version: string, entries: any[]}}
     */
    analyze(rec, { reveal = false } = {}) {
      const capture = captureBytes(rec);
      return reveal ? wasm.analyzeRevealed(capture) : wasm.analyze(capture);
    },
    /**
     * Precise mode: the same analysis with the browser's own verdicts (precise.js reports) merged
     * in, each finding labelled `browser` or `inferred`, and the comparison of the two
     * (`crate::PreciseAnalysis`). The capture is the one `analyze` builds.
     * @param {object[]} reports
     * @returns {{version: string, entries: any[], comparisons: any[], unmatchedReports: number}}
     */
    analyzePrecise(rec, reports, { reveal = false } = {}) {
      return wasm.analyzePrecise(captureBytes(rec), json(reports ?? []), reveal);
    },
    /**
     * What the Copy buttons copy, built only when one is pressed (the stored entries carry
     * neither text): `[{index, markdown, curl}]` for every flagged request of the record, with the
     * redaction of `analyze` (`reveal`: of the revealed analysis). With `reports` (precise mode)
     * the findings are those of `analyzePrecise`.
     * @returns {{index: number, markdown: string, curl: string}[]}
     */
    entryExports(rec, { reports = [], reveal = false } = {}) {
      return wasm.entryExports(captureBytes(rec), json(reports ?? []), reveal);
    },
    /**
     * What to do with a finished request (its redirect hops, then where it ended).
     * @returns {{keep: boolean, trigger: 'failure'|'cookie'|null, interests: (string|null)[], ignored: boolean}}
     */
    triage(chain) {
      return wasm.triage(json(chain));
    },
    /** Whether `later` repeats the failed request `failed` with a credential, and succeeded. */
    isRecovery(failed, later) {
      return wasm.isRecovery(json(failed), json(later));
    },
    /** @returns {{index: number, headers: {name: string, value: string}[]}[]} */
    preflightBorrowings(exchanges) {
      return wasm.preflightBorrowings(json(exchanges));
    },
    /** Whether a site owner's audit recording keeps this exchange (interest::audit_relevant). */
    auditKeeps(exchange) {
      return wasm.auditKeeps(json(exchange));
    },
    /**
     * The audit of a recording (`audit::Report`); `reveal` shows secrets (audit page toggle only).
     * @param {{exchanges?: object[]} | null} rec
     */
    audit(rec, { reveal = false } = {}) {
      return wasm.audit(captureBytes(rec), reveal);
    },
    /** The audit as Markdown, redacted unless `reveal`. */
    auditMarkdown(rec, { reveal = false } = {}) {
      return wasm.auditMarkdown(captureBytes(rec), reveal);
    },
    /** `url` with token-like query/fragment parameters and a userinfo password redacted (secret.rs). */
    redactUrl(url) {
      return wasm.redactUrl(url);
    },
    /** @param {string} host */
    registrableDomain(host) {
      return wasm.registrableDomain(host);
    },
  };
}
