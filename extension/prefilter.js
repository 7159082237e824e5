// The per-request shortcut in front of the core's triage (issue 13: events that need no analysis
// never cross into wasm). Almost every request a page makes is ordinary traffic the core would
// drop (`interest::triage` → keep false); asking it costs a JSON round trip into wasm per request.
// This file answers for the plainest requests — ordinary traffic, and a plain response setting
// cookies — and nothing else: whatever it is not sure of still goes to the core, which stays the
// one judge of what matters.
//
// Its answers are the core's own, never a second opinion: each condition below mirrors one branch
// of `src/interest.rs::interest`, made stricter where the exact rule would need parsing (the CORS
// check: any cross-origin script call goes to the core). tests/js/prefilter.test.mjs checks,
// against the real wasm when it is built, that wherever this file answers, the core answers the
// same.
//
// Pure: Node's tests import it.

/** webRequest types of a script's request (interest.rs `is_script_request`). */
const SCRIPT_TYPES = new Set(['xmlhttprequest', 'fetch', 'ping']);

/** The core's triage of a request nothing in which matters (interest.rs `Triage`). */
const DROP = Object.freeze({ keep: false, trigger: null, interests: Object.freeze([null]), ignored: false });
/** The core's triage of a plain response that sets cookies: kept, and it triggers an analysis. */
const COOKIE = Object.freeze({ keep: true, trigger: 'cookie', interests: Object.freeze(['cookie']), ignored: false });

/**
 * The core's triage of a finished request (`chain`: its redirect hops, then where it ended) for the
 * two plainest shapes, or null to ask the core. One hop, no error, no auth prompt, a status in
 * 200–399, then:
 * - a `Set-Cookie` in the response: `Interest::Cookie` (interest.rs tests it before the preflight,
 *   redirect and CORS branches, so none of those can change the answer);
 * - otherwise ordinary traffic (see `isOrdinary`) is dropped;
 * - anything else — redirected, a failure status, a preflight, a script's 3xx, a cross-origin
 *   script call (the CORS check), an error — is the core's.
 * A possible recovery (a retry of a remembered failure) is the caller's to rule out: it needs the
 * tab's failure memory.
 * @param {object[]} chain exchanges (`model::Exchange`, camelCase) as capture.js builds them
 * @returns {{keep: boolean, trigger: string|null, interests: (string|null)[], ignored: boolean} | null}
 */
export function quickTriage(chain) {
  if (chain.length !== 1) return null; // a redirect may end on a login wall (interest::hit_login_wall)
  const x = chain[0];
  if (x.error != null || x.authRequired != null) return null;
  const s = x.status;
  if (!(s >= 200 && s < 400)) return null;
  for (const h of x.responseHeaders) if (h.name.length === 10 && h.name.toLowerCase() === 'set-cookie') return COOKIE;
  // An authorization server's refusal in the URL or a redirect's Location, and token requests
  // (interest.rs: carries_oauth_error, is_token_request): the core's.
  if ((x.url ?? '').includes('error=')) return null;
  if (x.method === 'POST' && (/\/(access_)?token\/*$/i.test((x.url ?? '').split(/[?#]/, 1)[0]) || (typeof x.requestBody === 'string' && x.requestBody.includes('grant_type')))) return null;
  for (const h of x.responseHeaders) if (h.name.length === 8 && h.name.toLowerCase() === 'location' && h.value.includes('error=')) return null;
  const type = x.resourceType;
  if (type === 'preflight') return null;
  const script = SCRIPT_TYPES.has(type);
  if (script && s >= 300) return null;
  if (script) {
    // The CORS check of a completed cross-origin call (interest::fails_cors_check): the core's.
    for (const h of x.requestHeaders) {
      if (h.name.length === 6 && h.name.toLowerCase() === 'origin') {
        const origin = h.value.trim();
        const url = x.url ?? '';
        if (!(url.startsWith(origin) && (url.length === origin.length || '/?#'.includes(url[origin.length])))) return null;
      }
    }
  }
  return DROP;
}

/** Whether `chain` is certainly ordinary traffic, which the core would neither keep nor let trigger anything. */
export const isOrdinary = (chain) => quickTriage(chain) === DROP;
