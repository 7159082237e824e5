// AuthLens background: watches webRequest, keeps a small per-tab buffer of the exchanges that
// matter for authentication, and asks the wasm core why a request was refused.
//
// Rules this file lives by (PLATFORM.md):
// - listeners are registered synchronously at start-up, every time the worker starts (P6, P7);
// - no top-level await: the wasm `ready` promise starts here and handlers await it (P6);
// - `extraHeaders` where the browser has it, or Cookie/Set-Cookie/preflights stay invisible (P11);
// - all state lives in storage.session and is re-read before it is written, so a stopped and
//   restarted worker loses nothing (P7);
// - ordinary traffic is dropped cheaply: one Map entry per request in flight, nothing else;
// - a service worker's own requests (tabId -1) count for the tab(s) showing the worker's site:
//   a PWA's API calls reach the network as its worker's requests, never as the page's.
// - the extension makes no network request of its own and sends nothing anywhere.

import init, { analyze, registrableDomain, version } from './pkg/authlens.js';
import { action, api, browserName, errorSpec, EXTRA, onThirdPartyCookiesChange, thirdPartyCookiesBlocked } from './browser-compat.js';

/** Exchanges kept per tab (context plus failures); the oldest go first. */
const MAX_EXCHANGES_PER_TAB = 40;
/** Tabs with stored results; the least recently updated tab is evicted first. */
const MAX_TABS = 20;
/** Header lines kept per message and characters kept per value (bounds storage, keeps 4 KiB cookie checks). */
const MAX_HEADERS = 80;
const MAX_VALUE = 10000;
/** Cookies kept per jar snapshot. */
const MAX_JAR = 60;
/** Network errors that are not authentication trouble (navigation cancelled, cache probes, ad blockers). */
const IGNORED_ERRORS = new Set(['net::ERR_ABORTED', 'net::ERR_CACHE_MISS', 'net::ERR_BLOCKED_BY_CLIENT', 'NS_BINDING_ABORTED']);

const ready = init({ module_or_path: new URL('./pkg/authlens_bg.wasm', import.meta.url) }).then(() => version());
ready.catch((e) => console.error('AuthLens: the analysis core failed to load', e));

/** The profile's third-party cookie blocking (read-only; the core needs it to say "blocked as third-party"). */
let tpcBlocked = thirdPartyCookiesBlocked();
onThirdPartyCookiesChange(() => (tpcBlocked = thirdPartyCookiesBlocked()));

/**
 * One request in flight, by requestId. `worker` is set for a request made outside any tab (tabId -1,
 * e.g. a service worker forwarding a page's fetch): the worker's origin, and the tabs showing that
 * origin when the request started (null while the tab list is still being read after a restart).
 * @typedef {{tabId:number, method:string, url:string, type:string, initiator?:string, startedMs:number,
 *   requestHeaders:chrome.webRequest.HttpHeader[], responseHeaders:chrome.webRequest.HttpHeader[], status:number,
 *   authRequired?:object, hops:object[], worker?:{origin:string, tabIds:number[]|null}}} Flight
 */
/** @type {Map<string, Flight>} */
const flights = new Map();
/**
 * Top-level URL and its origin per tab, from main_frame requests and committed navigations (a cheap
 * stand-in for tabs.get). A restarted worker starts empty and refills it from tabs.query (`tabsKnown`).
 * @type {Map<number, {url:string, origin:string|undefined}>}
 */
const tabPages = new Map();

/**
 * Per tab, the "METHOD url" of requests that failed (401/403/407 …), newest last, so that a later
 * credentialed success of the same request — an SPA's refresh-and-retry — is kept and the core can
 * say the app recovered. In memory only: after a worker restart earlier failures are not matched,
 * which only costs the "recovered" note.
 * @type {Map<number, string[]>}
 */
const failedRequests = new Map();
const MAX_FAILED_PER_TAB = 200;
const requestKey = (x) => `${x.method} ${x.url}`;

function noteFailure(tabId, x) {
  const list = failedRequests.get(tabId) ?? [];
  list.push(requestKey(x));
  if (list.length > MAX_FAILED_PER_TAB) list.shift();
  failedRequests.set(tabId, list);
}

/** Whether `x` repeats, with a credential, a request that failed earlier in tab `tabId`, and succeeded. */
function isRecovery(tabId, x) {
  if (!(x.status >= 200 && x.status < 400)) return false;
  if (!hasHeader(x.requestHeaders, 'authorization') && !hasHeader(x.requestHeaders, 'cookie')) return false;
  return (failedRequests.get(tabId) ?? []).includes(requestKey(x));
}
/** Per-tab promise chain: every read-modify-write of a tab's record runs in order. */
const tabQueues = new Map();
/** Work not yet finished, for tests and for the popup's "analysing…" state. */
let inFlightWork = 0;
let idleWaiters = [];

// ---------------------------------------------------------------------------------------------
// webRequest listeners — registered synchronously, before anything is awaited.
// ---------------------------------------------------------------------------------------------

const FILTER = { urls: ['<all_urls>'] };
const wr = api.webRequest;

wr.onSendHeaders.addListener(onSendHeaders, FILTER, ['requestHeaders', ...EXTRA]);
wr.onHeadersReceived.addListener(onHeadersReceived, FILTER, ['responseHeaders', ...EXTRA]);
wr.onBeforeRedirect.addListener(onBeforeRedirect, FILTER, ['responseHeaders', ...EXTRA]);
wr.onCompleted.addListener(onCompleted, FILTER, ['responseHeaders', ...EXTRA]);
// Firefox throws on any extra spec argument here (P22).
if (errorSpec()) wr.onErrorOccurred.addListener(onErrorOccurred, FILTER, errorSpec());
else wr.onErrorOccurred.addListener(onErrorOccurred, FILTER);
// Recorded only, never blocking: the user's own login prompt must still appear.
wr.onAuthRequired.addListener(onAuthRequired, FILTER, ['responseHeaders', ...EXTRA]);

api.tabs.onRemoved.addListener((tabId) => {
  tabPages.delete(tabId);
  failedRequests.delete(tabId);
  enqueue(tabId, () => api.storage.session.remove(tabKey(tabId)).then(() => forgetTab(tabId)));
});
api.tabs.onUpdated.addListener((tabId, change) => {
  // The committed URL: also covers navigations webRequest never sees (back/forward cache, pages a
  // service worker answered, history.pushState). Absent for pages the extension may not read.
  if (change.url) setTabPage(tabId, change.url);
  // Chromium resets tab-specific badge text on navigation; paint it again once the page is loaded.
  if (change.status === 'complete') enqueue(tabId, async () => paintBadge(tabId, await readTab(tabId)));
});
// A prerendered page swapped in under a new tab id.
api.tabs.onReplaced?.addListener((added, removed) => {
  tabPages.delete(removed);
  api.tabs.get(added).then((t) => t?.url && setTabPage(added, t.url), () => {});
});
api.runtime.onMessage.addListener((msg, _sender, reply) => {
  switch (msg?.type) {
    case 'clear-tab':
      enqueue(msg.tabId, async () => {
        await api.storage.session.remove(tabKey(msg.tabId));
        await forgetTab(msg.tabId);
        await paintBadge(msg.tabId, null);
      }).then(() => reply({ ok: true }), (e) => reply({ ok: false, error: String(e) }));
      return true;
    case 'idle':
      whenIdle().then(() => reply({ ok: true }));
      return true;
    default:
      return false;
  }
});

// ---------------------------------------------------------------------------------------------
// Which tab shows which site
// ---------------------------------------------------------------------------------------------

function setTabPage(tabId, url) {
  if (tabId >= 0 && url) tabPages.set(tabId, { url, origin: originOf(url) });
}

/** The tab's top-level URL, or undefined. */
function pageOf(tabId) {
  return tabPages.get(tabId)?.url;
}

/** Whether tabPages holds every open tab (false from a worker start until tabs.query answers). */
let tabsHydrated = false;
/**
 * Fills tabPages with the open tabs (the worker may have been stopped and restarted: in-memory state
 * is gone, but the tabs are still there). Entries learnt meanwhile from events are newer and win.
 */
const tabsKnown = api.tabs
  .query({})
  .then((tabs) => {
    for (const t of tabs) if (t.id !== undefined && !tabPages.has(t.id)) setTabPage(t.id, t.url || t.pendingUrl);
  })
  .catch((e) => console.warn('AuthLens: cannot list tabs; requests of service workers may go unattributed', e))
  .finally(() => (tabsHydrated = true));

/**
 * Refills failedRequests from the stored records (the worker may have been stopped and restarted),
 * so a retry that succeeds after the restart still counts as a recovery.
 */
api.storage.session
  .get(null)
  .then((all) => {
    for (const [key, rec] of Object.entries(all ?? {})) {
      if (!key.startsWith('tab:')) continue;
      const tabId = Number(key.slice(4));
      for (const x of rec?.exchanges ?? []) if (x.status === 401 || x.status === 403 || x.status === 407) noteFailure(tabId, x);
    }
  })
  .catch((e) => console.warn('AuthLens: cannot read stored records; earlier failures will not be matched to retries', e));

/** The open tabs whose top-level page has `origin` (usually one, or none). */
function tabsOfOrigin(origin) {
  const ids = [];
  for (const [id, p] of tabPages) if (p.origin === origin) ids.push(id);
  return ids;
}

/**
 * The web origin of a request made outside any tab (service worker, shared worker): its initiator.
 * Extension pages, browser-internal requests (no initiator) and opaque origins have none.
 */
function workerOrigin(d) {
  const o = d.initiator ?? originOf(d.originUrl);
  return o && (o.startsWith('https://') || o.startsWith('http://')) ? o : undefined;
}

/**
 * For a request without a tab: which tabs it belongs to, or undefined to ignore it. A worker's
 * requests belong to the tabs whose top-level page has the worker's origin; when none does, the
 * request is nobody's and costs nothing. Until the tab list is known every web-origin worker
 * request is kept, and attributed when it finishes.
 * @returns {{origin:string, tabIds:number[]|null} | undefined}
 */
function workerOf(d) {
  const origin = workerOrigin(d);
  if (!origin) return undefined;
  if (!tabsHydrated) return { origin, tabIds: null };
  const tabIds = tabsOfOrigin(origin);
  return tabIds.length ? { origin, tabIds } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Event handlers: cheap bookkeeping by requestId.
// ---------------------------------------------------------------------------------------------

/** Requests in flight beyond this many trigger a sweep of ones that never finished (a hung auth prompt, a worker restart). */
const MAX_FLIGHTS = 2000;
const FLIGHT_TTL_MS = 5 * 60 * 1000;

function sweepFlights(now) {
  for (const [id, f] of flights) if (now - f.startedMs > FLIGHT_TTL_MS) flights.delete(id);
}

/** @returns {Flight | undefined} */
function flightFor(d, create) {
  let f = flights.get(d.requestId);
  if (!f && create) {
    f = newFlight(d);
    if (!f) return undefined;
    if (flights.size >= MAX_FLIGHTS) sweepFlights(d.timeStamp);
    flights.set(d.requestId, f);
  }
  return f;
}

function onSendHeaders(d) {
  const f = flightFor(d, true);
  if (!f) return;
  if (d.type === 'main_frame' && d.tabId >= 0) setTabPage(d.tabId, d.url);
  f.url = d.url;
  f.method = d.method;
  f.requestHeaders = d.requestHeaders ?? [];
}

function onHeadersReceived(d) {
  const f = flightFor(d, true);
  if (!f) return;
  f.status = d.statusCode;
  f.responseHeaders = d.responseHeaders ?? [];
}

function onAuthRequired(d) {
  const f = flightFor(d, true);
  if (!f) return;
  f.status = d.statusCode;
  f.responseHeaders = d.responseHeaders ?? f.responseHeaders;
  f.authRequired = { scheme: d.scheme ?? '', realm: d.realm ?? null, isProxy: !!d.isProxy };
}

function onBeforeRedirect(d) {
  const f = flightFor(d, true);
  if (!f) return;
  // One hop ends here; the same requestId continues at redirectUrl with fresh headers.
  f.hops.push(exchangeOf(f, d, { status: d.statusCode, redirectUrl: d.redirectUrl, responseHeaders: d.responseHeaders }));
  if (d.type === 'main_frame' && d.tabId >= 0) setTabPage(d.tabId, d.redirectUrl);
  f.url = d.redirectUrl;
  f.requestHeaders = [];
  f.responseHeaders = [];
  f.status = 0;
  f.authRequired = undefined;
  f.startedMs = d.timeStamp;
}

function onCompleted(d) {
  const f = flights.get(d.requestId);
  flights.delete(d.requestId);
  if (!f) return;
  finish(f, exchangeOf(f, d, { status: d.statusCode, responseHeaders: d.responseHeaders }));
}

function onErrorOccurred(d) {
  const f = flights.get(d.requestId) ?? newFlight(d);
  flights.delete(d.requestId);
  if (!f) return;
  if (IGNORED_ERRORS.has(d.error) && f.hops.length === 0) return;
  finish(f, exchangeOf(f, d, { status: f.status, responseHeaders: f.responseHeaders, error: d.error }));
}

/**
 * A fresh flight for a webRequest event; also used for a request the browser failed before sending
 * (e.g. its preflight failed), where only the error event exists. Undefined for a request outside
 * any tab that no open tab owns (see workerOf).
 * @returns {Flight | undefined}
 */
function newFlight(d) {
  const worker = d.tabId < 0 ? workerOf(d) : undefined;
  if (d.tabId < 0 && !worker) return undefined;
  return {
    tabId: d.tabId,
    worker,
    method: d.method,
    url: d.url,
    type: d.type,
    initiator: d.initiator ?? originOf(d.originUrl),
    startedMs: d.timeStamp,
    requestHeaders: [],
    responseHeaders: [],
    status: 0,
    hops: [],
  };
}

/** The core's `model::Exchange` (camelCase) for the current hop of `f`. */
function exchangeOf(f, d, { status, responseHeaders, redirectUrl, error }) {
  const mainFrame = f.type === 'main_frame';
  /** @type {Record<string, unknown>} */
  const x = {
    method: f.method,
    url: f.url,
    status: status ?? 0,
    requestHeaders: headers(f.requestHeaders),
    responseHeaders: headers(responseHeaders ?? []),
    startedMs: f.startedMs,
    pageUrl: mainFrame ? f.url : pageOf(f.tabId) ?? null,
    // A worker's request keeps its own initiator (the worker's origin) and its webRequest type, and
    // says so with fetchedByWorker; never fromCache: "service-worker", which would mean a worker
    // *answered* a page's request, something webRequest never shows.
    initiator: f.initiator ?? null,
    fetchedByWorker: Boolean(f.worker),
    resourceType: resourceType(f),
    fromCache: d.fromCache ? 'disk' : null,
    error: error ?? null,
    redirectUrl: redirectUrl ?? null,
    authRequired: f.authRequired ?? null,
    serverIp: d.ip ?? null,
  };
  return x;
}

function resourceType(f) {
  if (f.method === 'OPTIONS' && f.requestHeaders.some((h) => h.name.toLowerCase() === 'access-control-request-method')) {
    return 'preflight';
  }
  return f.type;
}

function headers(list) {
  const out = [];
  for (const h of list) {
    if (out.length >= MAX_HEADERS) break;
    let value = h.value ?? (h.binaryValue ? String.fromCharCode(...h.binaryValue) : '');
    if (value.length > MAX_VALUE) value = value.slice(0, MAX_VALUE);
    out.push({ name: h.name, value });
  }
  return out;
}

function originOf(url) {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function hasHeader(list, name) {
  return list.some((h) => h.name.length === name.length && h.name.toLowerCase() === name);
}

function isApiCall(x) {
  return x.resourceType === 'xmlhttprequest' || x.resourceType === 'fetch' || x.resourceType === 'ping';
}

/**
 * How much an exchange matters: 'failure' and 'cookie' trigger an analysis (and a jar snapshot),
 * 'context' is kept so the core can correlate (preflights, redirects of API calls), null is dropped.
 */
function interest(x) {
  const s = x.status;
  if (s === 401 || s === 403 || s === 407 || x.authRequired) return 'failure';
  if (x.error) return IGNORED_ERRORS.has(x.error) ? null : 'failure';
  if (hasHeader(x.responseHeaders, 'set-cookie')) return 'cookie';
  if (x.resourceType === 'preflight') return 'context';
  if (s >= 300 && s < 400 && isApiCall(x)) return 'context';
  if (hasHeader(x.requestHeaders, 'authorization') && s >= 400) return 'failure';
  return null;
}

/** A request (with its redirect hops) is over: keep what matters, analyse if something failed. */
function finish(f, last) {
  const chain = [...f.hops, last];
  let trigger = null;
  let keep = false;
  for (const x of chain) {
    const i = interest(x);
    if (i) keep = true;
    if (i === 'failure' || (i === 'cookie' && trigger !== 'failure')) trigger = i;
  }
  // An API call that was redirected and ended on a 200 HTML page hit a login wall.
  if (!trigger && f.hops.length && isApiCall(last) && /text\/html/i.test(headerValue(last.responseHeaders, 'content-type'))) {
    trigger = 'failure';
    keep = true;
  }
  if (!f.worker && trigger === 'failure') noteFailure(f.tabId, last);
  // A refresh-and-retry that worked: kept (no new analysis trigger needed: the tab's earlier
  // failure already has entries, and any stored entries are re-analysed with it).
  if (!keep && !f.worker && isRecovery(f.tabId, last)) keep = true;
  if (!keep) return;
  if (f.worker) track(recordForTabs(f.worker, chain, trigger));
  else track(enqueue(f.tabId, () => record(f.tabId, chain, trigger)));
}

/** A worker's request goes to every tab showing the worker's site (each tab gets its own copy). */
async function recordForTabs(worker, chain, trigger) {
  let tabIds = worker.tabIds;
  if (!tabIds) {
    await tabsKnown;
    tabIds = tabsOfOrigin(worker.origin);
  }
  tabIds = tabIds.filter((id) => tabPages.has(id)); // closed meanwhile: nothing to show it in
  await Promise.all(tabIds.map((tabId, i) => enqueue(tabId, () => record(tabId, i ? structuredClone(chain) : chain, trigger))));
}

function headerValue(list, name) {
  return list.find((h) => h.name.toLowerCase() === name)?.value ?? '';
}

// ---------------------------------------------------------------------------------------------
// Per-tab state in storage.session
// ---------------------------------------------------------------------------------------------

const tabKey = (tabId) => `tab:${tabId}`;
const INDEX_KEY = 'tabs';

function enqueue(tabId, job) {
  const prev = tabQueues.get(tabId) ?? Promise.resolve();
  const next = prev.then(job, job);
  const settled = next.catch((e) => console.error('AuthLens:', e));
  tabQueues.set(tabId, settled);
  settled.then(() => {
    if (tabQueues.get(tabId) === settled) tabQueues.delete(tabId);
  });
  return next;
}

function track(p) {
  inFlightWork++;
  p.catch(() => {}).finally(() => {
    inFlightWork--;
    if (inFlightWork === 0) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const r of w) r();
    }
  });
}

function whenIdle() {
  return inFlightWork === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r));
}

async function readTab(tabId) {
  const got = await api.storage.session.get(tabKey(tabId));
  return got[tabKey(tabId)] ?? null;
}

async function forgetTab(tabId) {
  const got = await api.storage.session.get(INDEX_KEY);
  const index = (got[INDEX_KEY] ?? []).filter((t) => t.tabId !== tabId);
  await api.storage.session.set({ [INDEX_KEY]: index });
}

/** Appends `chain` to the tab's buffer (re-read from storage first: the worker may have restarted). */
async function record(tabId, chain, trigger) {
  if (trigger) {
    await Promise.all(chain.map((x) => (interest(x) === 'failure' || interest(x) === 'cookie' ? snapshotJar(x) : null)));
  }
  const rec = (await readTab(tabId)) ?? { tabId, pageUrl: null, exchanges: [], entries: [], updatedMs: 0 };
  for (const x of chain) {
    if (!x.pageUrl) x.pageUrl = pageOf(tabId) ?? (await tabUrl(tabId));
    insertByStart(rec.exchanges, x);
  }
  for (const x of chain) borrowFromPreflight(rec.exchanges, x);
  evict(rec.exchanges);
  rec.pageUrl = pageOf(tabId) ?? rec.pageUrl ?? chain[chain.length - 1].pageUrl;
  rec.updatedMs = Date.now();
  if (trigger || rec.entries.length) {
    await ready;
    try {
      rec.thirdPartyCookiesBlocked = (await tpcBlocked) ?? null;
      const capture = { browser: browserName, thirdPartyCookiesBlocked: rec.thirdPartyCookiesBlocked, exchanges: rec.exchanges };
      const result = analyze(JSON.stringify(capture));
      rec.entries = result.entries;
      rec.version = result.version;
      rec.error = null;
    } catch (e) {
      rec.error = String(e?.message ?? e);
    }
  }
  await save(tabId, rec);
  await paintBadge(tabId, rec);
}

/**
 * A request whose preflight failed is never sent, so webRequest shows it only as an error, without
 * headers. Its preflight (same URL, Access-Control-Request-Method = its method) carried the very
 * Origin and Sec-Fetch-* values the request would have had (Fetch §4.8 copies them), so the core
 * can still tell it was a CORS request and from where.
 */
function borrowFromPreflight(list, x) {
  if (!x.error || x.requestHeaders.length || x.resourceType === 'preflight') return;
  for (let i = list.length - 1; i >= 0; i--) {
    const p = list[i];
    if (p === x || p.resourceType !== 'preflight' || p.url !== x.url) continue;
    if (headerValue(p.requestHeaders, 'access-control-request-method').toUpperCase() !== x.method.toUpperCase()) continue;
    const copy = new Set(['origin', 'sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-dest']);
    x.requestHeaders = p.requestHeaders.filter((h) => copy.has(h.name.toLowerCase()));
    return;
  }
}

/** Keeps the buffer bounded; context (cookie setters, preflights) goes before failures, oldest first. */
function evict(list) {
  while (list.length > MAX_EXCHANGES_PER_TAB) {
    const i = list.findIndex((x) => interest(x) !== 'failure');
    list.splice(i >= 0 && i < list.length - 8 ? i : 0, 1);
  }
}

function insertByStart(list, x) {
  let i = list.length;
  while (i > 0 && (list[i - 1].startedMs ?? 0) > (x.startedMs ?? 0)) i--;
  list.splice(i, 0, x);
}

async function tabUrl(tabId) {
  try {
    const tab = await api.tabs.get(tabId);
    return tab?.url ?? tab?.pendingUrl ?? null;
  } catch {
    return null;
  }
}

/** Writes the tab's record and keeps the total bounded (least recently updated tabs go first). */
async function save(tabId, rec) {
  const got = await api.storage.session.get(INDEX_KEY);
  let index = (got[INDEX_KEY] ?? []).filter((t) => t.tabId !== tabId);
  index.push({ tabId, updatedMs: rec.updatedMs });
  const evicted = [];
  while (index.length > MAX_TABS) evicted.push(index.shift().tabId);
  if (evicted.length) await api.storage.session.remove(evicted.map(tabKey));
  try {
    await api.storage.session.set({ [tabKey(tabId)]: rec, [INDEX_KEY]: index });
  } catch (e) {
    // Quota: drop the oldest other tabs and this tab's oldest half, then try once more.
    const others = index.filter((t) => t.tabId !== tabId);
    await api.storage.session.remove(others.slice(0, Math.ceil(others.length / 2)).map((t) => tabKey(t.tabId)));
    index = index.slice(Math.ceil(others.length / 2));
    rec.exchanges = rec.exchanges.slice(Math.floor(rec.exchanges.length / 2));
    await api.storage.session.set({ [tabKey(tabId)]: rec, [INDEX_KEY]: index });
    console.warn('AuthLens: session storage was full; older captures were dropped', e);
  }
}

async function paintBadge(tabId, rec) {
  const n = rec?.entries?.length ?? 0;
  const worst = rec?.entries?.some((e) => e.findings?.some((f) => f.severity === 'error')) ? 'error' : 'warn';
  try {
    await action.setBadgeText({ tabId, text: n ? String(n) : '' });
    if (n) await action.setBadgeBackgroundColor({ tabId, color: worst === 'error' ? '#c62828' : '#b26a00' });
  } catch {
    // The tab is gone.
  }
}

// ---------------------------------------------------------------------------------------------
// Cookie jar snapshots
// ---------------------------------------------------------------------------------------------

/** Every cookie of the request's site (all hosts and paths, partitioned ones too), so the core can say which exist but were not sent. */
async function snapshotJar(x) {
  let host;
  try {
    host = new URL(x.url).hostname;
  } catch {
    return;
  }
  await ready;
  const domain = registrableDomain(host);
  const seen = new Map();
  const add = (list) => {
    for (const c of list ?? []) {
      const key = `${c.name}\u0000${c.domain}\u0000${c.path}\u0000${c.partitionKey?.topLevelSite ?? ''}`;
      if (!seen.has(key) && seen.size < MAX_JAR) seen.set(key, c);
    }
  };
  add(await api.cookies.getAll({ domain }).catch(() => []));
  // Partitioned cookies stay hidden unless asked for by partition (P18).
  const top = originOf(x.pageUrl ?? x.initiator);
  if (top) {
    try {
      const topSite = `${new URL(top).protocol}//${registrableDomain(new URL(top).hostname)}`;
      add(await api.cookies.getAll({ domain, partitionKey: { topLevelSite: topSite } }));
    } catch {
      // No partitionKey support in this browser.
    }
  }
  x.jar = [...seen.values()].map((c) => ({
    name: c.name,
    value: c.value,
    domain: c.domain,
    hostOnly: !!c.hostOnly,
    path: c.path,
    secure: !!c.secure,
    httpOnly: !!c.httpOnly,
    sameSite: c.sameSite ?? 'unspecified',
    session: !!c.session,
    expirationDate: c.expirationDate ?? null,
    partitionTopLevelSite: c.partitionKey?.topLevelSite ?? null,
  }));
}

// For tests and for debugging from the worker's console.
globalThis.__authlens = {
  ready,
  whenIdle,
  readTab,
  inFlight: () => flights.size,
};
