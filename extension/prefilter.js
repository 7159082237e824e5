// The per-request shortcut in front of the core's triage (issue 13: events that need no analysis
// never cross into wasm). Almost every request a page makes is ordinary traffic the core would
// drop (`interest::triage` → keep false); asking it costs a JSON round trip into wasm per request.
// This file answers "certainly ordinary" for the plainest of them, and nothing else: whatever it is
// not sure of still goes to the core, which stays the one judge of what matters.
//
// It is a *subset* of the core's "drop" answer, never a second opinion: each condition below
// mirrors one branch of `src/interest.rs::interest`, made stricter where the exact rule would need
// parsing (the CORS check: any cross-origin script call goes to the core). tests/js/prefilter.test.mjs
// checks, against the real wasm when it is built, that every exchange called ordinary here is
// dropped by the core.
//
// Pure: Node's tests import it.

/** webRequest types of a script's request (interest.rs `is_script_request`). */
const SCRIPT_TYPES = new Set(['xmlhttprequest', 'fetch', 'ping']);

/**
 * Whether a finished request (`chain`: its redirect hops, then where it ended) is certainly
 * ordinary traffic, which the core would neither keep nor let trigger anything. False whenever in
 * doubt: redirected, any error or auth prompt, any status ≥ 400 (or none), any `Set-Cookie`, a
 * preflight, a script's 3xx, or a script's call carrying an `Origin` other than its URL's own.
 * A possible recovery (a retry of a remembered failure) is the caller's to rule out: it needs the
 * tab's failure memory.
 * @param {object[]} chain exchanges (`model::Exchange`, camelCase) as capture.js builds them
 */
export function isOrdinary(chain) {
  if (chain.length !== 1) return false; // a redirect may end on a login wall (interest::hit_login_wall)
  const x = chain[0];
  if (x.error != null || x.authRequired != null) return false;
  const s = x.status;
  if (!(s >= 200 && s < 400)) return false;
  const type = x.resourceType;
  if (type === 'preflight') return false;
  const script = SCRIPT_TYPES.has(type);
  if (script && s >= 300) return false;
  for (const h of x.responseHeaders) if (h.name.length === 10 && h.name.toLowerCase() === 'set-cookie') return false;
  if (script && s < 300) {
    // The CORS check of a completed cross-origin call (interest::fails_cors_check): the core's.
    for (const h of x.requestHeaders) {
      if (h.name.length === 6 && h.name.toLowerCase() === 'origin') {
        const origin = h.value.trim();
        const url = x.url ?? '';
        if (!(url.startsWith(origin) && (url.length === origin.length || '/?#'.includes(url[origin.length])))) return false;
      }
    }
  }
  return true;
}
