// webRequest events → exchange records (`model::Exchange`, camelCase). Bookkeeping only: one Map
// entry per request in flight, dropped on completion, redirect or error. Which finished requests
// are kept is the core's decision (`core.triage`, `core.isRecovery`): this file holds no status
// or header lists of its own.
//
// It also knows which tab shows which site: a service worker's requests (tabId -1, e.g. a PWA
// forwarding its page's fetch) count for the tab(s) whose top-level page has the worker's origin.
//
// Pure apart from what it is given: Node's tests drive it with fake events and a fake core.

import { isOrdinary, quickTriage } from './prefilter.js';

/** Header lines kept per message and characters kept per value (bounds storage, keeps 4 KiB cookie checks). */
export const MAX_HEADERS = 80;
export const MAX_VALUE = 10000;
/** `Set-Cookie` lines kept per response (a page's login sets a handful; 5,000 is an attack). */
export const MAX_SET_COOKIE = 50;
/** Requests in flight beyond this many trigger a sweep of ones that never finished (a hung auth prompt, a worker restart). */
export const MAX_FLIGHTS = 2000;
export const FLIGHT_TTL_MS = 5 * 60 * 1000;
/** Redirect hops kept per request (browsers stop at 20). */
export const MAX_HOPS = 20;
/** Failed requests remembered per tab, to recognise a later successful retry. */
export const MAX_FAILED_PER_TAB = 200;
/**
 * Characters kept of a URL-like string (request URL, redirect target, page URL, initiator). A
 * hostile page can make URLs of megabytes; everything downstream (storage, the core, the popup,
 * the failure memory) copies them. The origin is always kept, then a prefix of the path; the
 * query and fragment go first (they are where tokens live), and the cut is marked (URL_CUT).
 */
export const MAX_URL = 2048;
/** Appended to a cut URL's path, with the number of characters dropped. */
export const URL_CUT = '\u2026[cut]';

/**
 * `url` at most MAX_URL characters: unchanged when short enough; otherwise its origin, the longest
 * path prefix that fits, and the URL_CUT mark (query and fragment dropped). A string that is not
 * a URL is cut to a plain prefix with the mark.
 * @param {string | null | undefined} url
 * @returns {string | null | undefined}
 */
export function capUrl(url) {
  if (typeof url !== 'string' || url.length <= MAX_URL) return url;
  let origin = '';
  let path = url;
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url.slice(0, MAX_URL));
  if (m) {
    origin = m[0];
    path = url.slice(origin.length).split(/[?#]/, 1)[0];
  }
  const room = Math.max(0, MAX_URL - origin.length - URL_CUT.length);
  return origin + path.slice(0, room) + URL_CUT;
}

/**
 * A short, stable key for "METHOD url" (FNV-1a, 52 bits, as hex): the failure memory is keyed by it
 * so that its keys stay small whatever the URL. A collision can only make an unrelated success
 * a recovery *candidate*; the core's isRecovery compares the real method and URL.
 * @param {string} s
 */
export function hashKey(s) {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return ((h2 >>> 0) & 0xfffff).toString(16).padStart(5, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/**
 * One request in flight, by requestId. `worker` is set for a request made outside any tab (tabId -1,
 * e.g. a service worker forwarding a page's fetch): the worker's origin, and the tabs showing that
 * origin when the request started (null while the tab list is still being read after a restart).
 * @typedef {{tabId:number, method:string, url:string, type:string, initiator?:string, startedMs:number,
 *   requestHeaders:{name:string, value?:string, binaryValue?:number[]}[], responseHeaders:object[], status:number,
 *   authRequired?:object, requestBody?:string, hops:object[], worker?:{origin:string, tabIds:number[]|null}}} Flight
 */

/**
 * Header lines as the core takes them: at most MAX_HEADERS lines, of which at most MAX_SET_COOKIE
 * `Set-Cookie` lines (Firefox joins them into one value with newlines: split first), values cut at
 * MAX_VALUE characters, binary values (Chromium's `binaryValue`) as Latin-1 text. Capping
 * Set-Cookie separately keeps a challenge or CORS header that follows 5,000 cookies.
 * @param {{name:string, value?:string, binaryValue?:number[]}[] | undefined} list
 * @returns {{name:string, value:string}[]}
 */
export function capHeaders(list) {
  const out = [];
  let cookies = 0;
  for (const h of list ?? []) {
    if (out.length >= MAX_HEADERS) break;
    const name = typeof h?.name === 'string' ? h.name.slice(0, 256) : '';
    let value = headerText(h);
    if (name.toLowerCase() === 'set-cookie') {
      for (const line of value.split('\n')) {
        if (cookies >= MAX_SET_COOKIE || out.length >= MAX_HEADERS) break;
        if (!line && value) continue;
        cookies++;
        out.push({ name, value: line.slice(0, MAX_VALUE) });
      }
      continue;
    }
    if (value.length > MAX_VALUE) value = value.slice(0, MAX_VALUE);
    out.push({ name, value });
  }
  return out;
}

/**
 * A header's value as text. A binary value (Chromium's `binaryValue`, for bytes that are not
 * UTF-8) is cut to MAX_VALUE bytes *before* it is converted, and converted in chunks: spreading a
 * 200 KB array into `String.fromCharCode` overflows the stack and used to drop the whole exchange.
 * Anything unreadable becomes '' rather than costing the exchange.
 * @param {{value?: unknown, binaryValue?: ArrayLike<number>}} h
 */
export function headerText(h) {
  try {
    if (typeof h?.value === 'string') return h.value;
    const bytes = h?.binaryValue;
    if (!bytes || typeof bytes.length !== 'number') return '';
    const n = Math.min(bytes.length, MAX_VALUE);
    let s = '';
    for (let i = 0; i < n; i += 4096) s += String.fromCharCode.apply(null, Array.prototype.slice.call(bytes, i, Math.min(i + 4096, n)));
    return s;
  } catch {
    return '';
  }
}

/** The web origin of `url`, or undefined. */
export function originOf(url) {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * The webRequest type, except that a CORS preflight (an OPTIONS request announcing the method
 * it stands for) is called `preflight`, as the core's model spells it.
 * @param {Flight} f
 */
export function resourceType(f) {
  if (f.method === 'OPTIONS' && f.requestHeaders.some((h) => h.name.toLowerCase() === 'access-control-request-method')) {
    return 'preflight';
  }
  return f.type;
}

/**
 * The core's `model::Exchange` (camelCase) for the current hop of `f`.
 * @param {Flight} f
 * @param {{fromCache?: boolean, ip?: string}} d the webRequest event that ends the hop
 * @param {{status?: number, responseHeaders?: object[], redirectUrl?: string, error?: string}} end
 * @param {string | undefined} tabPage the tab's top-level URL, when known
 */
export function exchangeOf(f, d, { status, responseHeaders, redirectUrl, error }, tabPage) {
  const mainFrame = f.type === 'main_frame';
  return {
    method: f.method,
    url: capUrl(f.url),
    status: status ?? 0,
    requestHeaders: capHeaders(f.requestHeaders),
    responseHeaders: capHeaders(responseHeaders ?? []),
    startedMs: f.startedMs,
    pageUrl: capUrl(mainFrame ? f.url : tabPage ?? null),
    // A worker's request keeps its own initiator (the worker's origin) and its webRequest type, and
    // says so with fetchedByWorker; never fromCache: "service-worker", which would mean a worker
    // *answered* a page's request, something webRequest never shows.
    initiator: f.initiator ?? null,
    fetchedByWorker: Boolean(f.worker),
    resourceType: resourceType(f),
    fromCache: d.fromCache ? 'disk' : null,
    error: error ?? null,
    redirectUrl: capUrl(redirectUrl) ?? null,
    authRequired: f.authRequired ?? null,
    serverIp: d.ip ?? null,
    requestBody: f.requestBody ?? null,
    // Firefox classifies third-party requests (trackers whose cookies Enhanced Tracking Protection
    // blocks); kept only when present, bounded like every other field.
    ...classification(d.urlClassification?.thirdParty),
  };
}

/** Firefox's `urlClassification.thirdParty` flags as the core reads them, or nothing. */
function classification(flags) {
  if (!Array.isArray(flags) || !flags.length) return {};
  return { urlClassification: flags.slice(0, 16).map((x) => String(x).slice(0, 64)) };
}

/** At most this much of a request body is kept (the core reads only a token request's form). */
export const MAX_BODY = 4096;

/**
 * A token request's body as text (webRequest `requestBody`: parsed `formData`, or the first `raw`
 * chunk decoded), capped; undefined when the browser gave none. The core reads `grant_type` and
 * which refresh token was presented (issue 10 class 4); the views redact it like a header.
 * @param {{formData?: Record<string, string[]>, raw?: {bytes?: ArrayBuffer}[]} | undefined} body
 * @returns {string | undefined}
 */
export function bodyText(body) {
  if (!body) return undefined;
  if (body.formData) {
    const p = new URLSearchParams();
    for (const [k, vs] of Object.entries(body.formData)) for (const v of vs) p.append(k, String(v));
    return p.toString().slice(0, MAX_BODY);
  }
  const bytes = body.raw?.[0]?.bytes;
  if (!bytes) return undefined;
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.slice(0, MAX_BODY));
}

/**
 * The capture state machine. `deliver(tabId, chain, trigger)` is called for every chain to keep,
 * once per tab it belongs to, and must return a promise (the tab store's queued record).
 * `track(promise)` counts work for `whenIdle`.
 * @param {{core: ReturnType<import('./core.js').createCore>,
 *   deliver: (tabId: number, chain: object[], trigger: string|null) => Promise<unknown>,
 *   track?: (p: Promise<unknown>) => void,
 *   observe?: (tabId: number, chain: object[]) => Promise<unknown> | void,
 *   watching?: (tabId: number) => boolean, ended?: () => void}} deps
 * `watching(tabId)` says whether `observe` wants every request of the tab (an audit recording):
 * only then does an ordinary request (prefilter.js) cost more than its bookkeeping. `ended()` is
 * told of every finished request (the worker's start-up marks).
 */
export function createCapture({ core, deliver, track = () => {}, observe = () => {}, watching = () => true, ended = () => {} }) {
  /** @type {Map<string, Flight>} */
  const flights = new Map();
  /**
   * Top-level URL and its origin per tab, from main_frame requests and committed navigations (a
   * cheap stand-in for tabs.get). A restarted worker starts empty and refills it (`hydrateTabs`).
   * @type {Map<number, {url:string, origin:string|undefined}>}
   */
  const tabPages = new Map();
  /**
   * Per tab, the requests that failed (newest last) by "METHOD url", so that a later credentialed
   * success of the same request — an SPA's refresh-and-retry — is kept and the core can say the
   * app recovered. Refilled from the stored records after a worker restart (`rememberFailures`).
   * @type {Map<number, Map<string, {method:string, url:string, status:number}>>}
   */
  const failures = new Map();
  /** Whether tabPages holds every open tab (false from a worker start until hydrateTabs settles). */
  let tabsHydrated = false;
  /** @type {Promise<void>} */
  let tabsKnown = Promise.resolve();

  const requestKey = (x) => hashKey(`${x.method} ${x.url}`);

  function setTabPage(tabId, url) {
    if (tabId >= 0 && url) tabPages.set(tabId, { url: capUrl(url), origin: originOf(url) });
  }
  const pageOf = (tabId) => tabPages.get(tabId)?.url;

  function noteFailure(tabId, x) {
    const list = failures.get(tabId) ?? new Map();
    const key = requestKey(x);
    list.delete(key); // re-inserted as the newest
    list.set(key, { method: x.method, url: x.url, status: x.status });
    if (list.size > MAX_FAILED_PER_TAB) list.delete(list.keys().next().value);
    failures.set(tabId, list);
  }

  /** The open tabs whose top-level page has `origin` (usually one, or none). */
  function tabsOfOrigin(origin) {
    const ids = [];
    for (const [id, p] of tabPages) if (p.origin === origin) ids.push(id);
    return ids;
  }

  /**
   * For a request without a tab: which tabs it belongs to, or undefined to ignore it. A worker's
   * requests belong to the tabs whose top-level page has the worker's origin (its initiator);
   * when none does, the request is nobody's and costs nothing. Until the tab list is known every
   * web-origin worker request is kept, and attributed when it finishes. Extension pages,
   * browser-internal requests (no initiator) and opaque origins have no web origin.
   * @returns {{origin:string, tabIds:number[]|null} | undefined}
   */
  function workerOf(d) {
    const origin = d.initiator ?? originOf(d.originUrl);
    if (!origin || !(origin.startsWith('https://') || origin.startsWith('http://'))) return undefined;
    if (!tabsHydrated) return { origin, tabIds: null };
    const tabIds = tabsOfOrigin(origin);
    return tabIds.length ? { origin, tabIds } : undefined;
  }

  /**
   * A fresh flight for a webRequest event; also used for a request the browser failed before
   * sending (e.g. its preflight failed), where only the error event exists. Undefined for a
   * request outside any tab that no open tab owns.
   * @returns {Flight | undefined}
   */
  function newFlight(d) {
    const worker = d.tabId < 0 ? workerOf(d) : undefined;
    if (d.tabId < 0 && !worker) return undefined;
    return {
      tabId: d.tabId,
      worker,
      method: d.method,
      url: capUrl(d.url),
      type: d.type,
      initiator: capUrl(d.initiator ?? originOf(d.originUrl)),
      startedMs: d.timeStamp,
      requestHeaders: [],
      responseHeaders: [],
      status: 0,
      hops: [],
    };
  }

  /** @returns {Flight | undefined} */
  function flightFor(d) {
    let f = flights.get(d.requestId);
    if (!f) {
      f = newFlight(d);
      if (!f) return undefined;
      if (flights.size >= MAX_FLIGHTS) {
        for (const [id, old] of flights) if (d.timeStamp - old.startedMs > FLIGHT_TTL_MS) flights.delete(id);
        // Still full: a page keeps that many requests open. The oldest go (Map order is insertion
        // order); if one of them ends later, its error event still makes a bare record of it.
        for (const id of flights.keys()) {
          if (flights.size < MAX_FLIGHTS) break;
          flights.delete(id);
        }
      }
      flights.set(d.requestId, f);
    }
    return f;
  }

  /** A request (with its redirect hops) is over: the core says what to keep; keep it, per tab. */
  async function finish(f, chain) {
    await core.load();
    // A site owner's audit recording sees every finished request of its tab (it keeps what the
    // core calls relevant), before the failure triage below drops healthy traffic.
    if (!f.worker && f.tabId >= 0) {
      await Promise.resolve()
        .then(() => observe(f.tabId, chain))
        .catch((e) => console.warn('AuthLens: the audit recording missed a request', e));
    }
    // The plainest shapes are answered in JS with the core's own answer (prefilter.js).
    const t = quickTriage(chain) ?? core.triage(chain);
    if (t.ignored) return;
    const last = chain[chain.length - 1];
    let keep = t.keep;
    if (!f.worker && t.trigger === 'failure') noteFailure(f.tabId, last);
    // A refresh-and-retry that worked: kept (no new analysis trigger needed: the tab's earlier
    // failure already has entries, and the stored entries are re-analysed with it).
    if (!keep && !f.worker) {
      const failed = failures.get(f.tabId)?.get(requestKey(last));
      keep = Boolean(failed) && core.isRecovery(failed, last);
    }
    if (!keep) return;
    // The core's verdict per hop travels with the record: eviction and the restart refill read it
    // (the core ignores the field).
    chain.forEach((x, i) => (x.interest = t.interests[i] ?? null));
    if (!f.worker) return deliver(f.tabId, chain, t.trigger);
    let tabIds = f.worker.tabIds;
    if (!tabIds) {
      await tabsKnown;
      tabIds = tabsOfOrigin(f.worker.origin);
    }
    // A worker's request goes to every tab showing its site (each its own copy); a tab closed
    // meanwhile has nowhere to show it.
    tabIds = tabIds.filter((id) => tabPages.has(id));
    await Promise.all(tabIds.map((id, i) => deliver(id, i ? structuredClone(chain) : chain, t.trigger)));
  }

  /**
   * A request waiting on its CORS preflight leaves only once the preflight succeeded (Fetch §4.8).
   * Firefox reports the request's headers (onSendHeaders) before it sends the preflight, so its
   * start would precede its own preflight and the core would pair them wrongly (issue 11 §4): the
   * open, unanswered request of the same tab and URL is stamped with the preflight's end instead.
   * In Chromium the request's events only begin after the preflight, so nothing matches here.
   * Bounded: one pass over the open flights (at most MAX_FLIGHTS).
   */
  function sentAfterPreflight(preflight, endedMs) {
    for (const f of flights.values()) {
      if (f.tabId === preflight.tabId && f.url === preflight.url && f.status === 0 && f.startedMs <= preflight.startedMs && resourceType(f) !== 'preflight') {
        f.startedMs = endedMs;
      }
    }
  }

  /**
   * Whether a finished request can skip the core altogether: ordinary traffic (prefilter.js), not a
   * retry of a remembered failure (a recovery candidate), and no audit recording wants it.
   */
  function skips(f, chain) {
    if (!isOrdinary(chain)) return false;
    if (f.worker) return true;
    if (watching(f.tabId)) return false;
    const remembered = failures.get(f.tabId);
    return !remembered?.size || !remembered.has(requestKey(chain[0]));
  }

  function end(f, d, hop) {
    ended();
    const chain = [...f.hops, exchangeOf(f, d, hop, pageOf(f.tabId))];
    // The per-event path of ordinary traffic ends here: no promise, no JSON, no wasm.
    if (skips(f, chain)) return;
    track(finish(f, chain));
  }

  return {
    flights,
    pageOf,
    setTabPage,
    /** webRequest.onBeforeRequest, registered only for token-endpoint-like URLs (background.js). */
    onBeforeRequest(d) {
      if (d.method !== 'POST' || !d.requestBody) return;
      const f = flightFor(d);
      if (f) f.requestBody = bodyText(d.requestBody);
    },
    /** webRequest.onSendHeaders */
    onSendHeaders(d) {
      const f = flightFor(d);
      if (!f) return;
      if (d.type === 'main_frame' && d.tabId >= 0) setTabPage(d.tabId, d.url);
      f.url = capUrl(d.url);
      f.method = d.method;
      // Capped on entry: the flight table holds up to MAX_FLIGHTS of these.
      f.requestHeaders = capHeaders(d.requestHeaders);
    },
    /** webRequest.onHeadersReceived */
    onHeadersReceived(d) {
      const f = flightFor(d);
      if (!f) return;
      f.status = d.statusCode;
      f.responseHeaders = capHeaders(d.responseHeaders);
    },
    /** webRequest.onAuthRequired (recorded only, never answered: the user's prompt must appear). */
    onAuthRequired(d) {
      const f = flightFor(d);
      if (!f) return;
      f.status = d.statusCode;
      f.responseHeaders = d.responseHeaders ? capHeaders(d.responseHeaders) : f.responseHeaders;
      f.authRequired = { scheme: d.scheme ?? '', realm: d.realm ?? null, isProxy: !!d.isProxy };
    },
    /** webRequest.onBeforeRedirect: one hop ends; the same requestId continues at redirectUrl. */
    onBeforeRedirect(d) {
      const f = flightFor(d);
      if (!f) return;
      const redirectUrl = capUrl(d.redirectUrl);
      // Hops are bounded too: a redirect loop ends at the browser's limit (20), a hostile one may not.
      if (f.hops.length < MAX_HOPS) f.hops.push(exchangeOf(f, d, { status: d.statusCode, redirectUrl, responseHeaders: d.responseHeaders }, pageOf(f.tabId)));
      if (d.type === 'main_frame' && d.tabId >= 0) setTabPage(d.tabId, d.redirectUrl);
      f.url = redirectUrl;
      f.requestHeaders = [];
      f.responseHeaders = [];
      f.status = 0;
      f.authRequired = undefined;
      f.requestBody = undefined;
      f.startedMs = d.timeStamp;
    },
    /** webRequest.onCompleted */
    onCompleted(d) {
      // No flight: the worker was stopped and restarted while the request was out. Its request
      // headers are lost, but its answer is here: still a record, rather than a failure never shown.
      const f = flights.get(d.requestId) ?? newFlight(d);
      flights.delete(d.requestId);
      if (!f) return;
      if (resourceType(f) === 'preflight') sentAfterPreflight(f, d.timeStamp);
      end(f, d, { status: d.statusCode, responseHeaders: d.responseHeaders });
    },
    /** webRequest.onErrorOccurred */
    onErrorOccurred(d) {
      const f = flights.get(d.requestId) ?? newFlight(d);
      flights.delete(d.requestId);
      if (f) end(f, d, { status: f.status, responseHeaders: f.responseHeaders, error: d.error });
    },
    /** The failure memory's keys for a tab (tests). */
    failureKeys: (tabId) => [...(failures.get(tabId)?.keys() ?? [])],
    /** The tab is gone: forget its page and failures. */
    forgetTab(tabId) {
      tabPages.delete(tabId);
      failures.delete(tabId);
      for (const [id, f] of flights) if (f.tabId === tabId) flights.delete(id);
    },
    /**
     * Fills the tab list from `tabs.query` (the worker may have been stopped and restarted:
     * in-memory state is gone, but the tabs are still there). Entries learnt meanwhile from
     * events are newer and win. Until it settles, worker requests are kept unattributed.
     * @param {Promise<{id?:number, url?:string, pendingUrl?:string}[]>} query
     */
    hydrateTabs(query) {
      tabsKnown = query
        .then((tabs) => {
          for (const t of tabs) if (t.id !== undefined && !tabPages.has(t.id)) setTabPage(t.id, t.url || t.pendingUrl);
        })
        .catch((e) => console.warn('AuthLens: cannot list tabs; requests of service workers may go unattributed', e))
        .finally(() => (tabsHydrated = true));
      return tabsKnown;
    },
    /**
     * Refills the failure memory from stored records (after a worker restart), so a retry that
     * succeeds after the restart still counts as a recovery.
     * @param {{tabId:number, exchanges?:{interest?:string|null}[]}[]} records
     */
    rememberFailures(records) {
      for (const rec of records) for (const x of rec.exchanges ?? []) if (x.interest === 'failure') noteFailure(rec.tabId, x);
    },
  };
}
