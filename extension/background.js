// AuthLens background: registers the listeners and routes messages; nothing else. The work is
// done by the modules it wires together:
//   capture.js       webRequest events → exchange records (the core decides which are kept)
//   tab-store.js     per-tab records in storage.session, eviction, the badge
//   jar-snapshot.js  the cookies of a failing request's site
//   core.js          the one place a capture is built and handed to the wasm core
//   messages.js      message names and the router
//   audit-recorder.js  the site owner's audit recording of a tab (everything relevant, not only failures)
//   browser-compat.js  the one file that knows Chrome from Firefox
//   precise.js       precise mode: the browser's own verdicts through chrome.debugger (opt-in, Chromium)
//
// Rules this file lives by (PLATFORM.md):
// - listeners are registered synchronously at the top level, every time the worker starts (P6, P7);
// - no top-level await and no import(): the wasm loads in the background, handlers await it (P6);
// - `extraHeaders` where the browser has it, or Cookie/Set-Cookie/preflights stay invisible (P11);
// - the extension makes no network request of its own and sends nothing anywhere.

import * as wasm from './pkg/authlens.js';
import {
  action, api, browserName, cookieInOtherPartition, cookieStoreOf, errorSpec, EXTRA, getAllCookies, onThirdPartyCookiesChange, thirdPartyCookiesBlocked,
} from './browser-compat.js';
import { createAuditRecorder } from './audit-recorder.js';
import { createCapture } from './capture.js';
import { createCore } from './core.js';
import { createDigest, createJarSnapshot } from './jar-snapshot.js';
import { isTabId, MSG, router } from './messages.js';
import { createSealer } from './seal.js';
import { createPrecise } from './precise.js';
import { createTabStore, createWork } from './tab-store.js';

/**
 * Start-up marks, in ms since this worker started (its time origin), for the benchmark
 * (BENCHMARKS.md, start-up): the core loaded, the first finished request seen, the first analysis
 * done and how long that analysis took.
 */
const startup = { timeOrigin: performance.timeOrigin, coreReadyMs: null, firstEventMs: null, firstAnalysisMs: null, firstAnalysisTookMs: null };
const loaded = createCore(wasm, { browser: browserName, wasmUrl: new URL('./pkg/authlens_bg.wasm', import.meta.url) });
const core = {
  ...loaded,
  analyze(rec, options) {
    const t0 = performance.now();
    const result = loaded.analyze(rec, options);
    if (startup.firstAnalysisMs === null) {
      startup.firstAnalysisMs = performance.now();
      startup.firstAnalysisTookMs = startup.firstAnalysisMs - t0;
    }
    return result;
  },
};
const ready = core.load();
ready.then(() => (startup.coreReadyMs = performance.now())).catch((e) => console.error('AuthLens: the analysis core failed to load', e));

/** The profile's third-party cookie blocking (read-only; the core needs it to say "blocked as third-party"). */
let tpcBlocked = thirdPartyCookiesBlocked();
onThirdPartyCookiesChange(() => (tpcBlocked = thirdPartyCookiesBlocked()));

const work = createWork();
const sealer = createSealer(globalThis.crypto, api.storage.session);
const recorder = createAuditRecorder({
  storage: api.storage.session,
  action,
  keeps: (x) => core.auditKeeps(x),
  sealer,
});
// While a tab records an audit its badge says REC: the failure count waits until it finishes.
const badge = action && {
  setBadgeText: (d) => (recorder.isRecording(d?.tabId) ? Promise.resolve() : action.setBadgeText(d)),
  setBadgeBackgroundColor: (d) => (recorder.isRecording(d?.tabId) ? Promise.resolve() : action.setBadgeBackgroundColor(d)),
};
const store = createTabStore({
  storage: api.storage.session,
  action: badge,
  core,
  snapshotJar: createJarSnapshot({
    cookies: { getAll: (q) => getAllCookies(q) },
    core,
    digest: createDigest(globalThis.crypto, api.storage.session),
    storeOf: cookieStoreOf,
    otherPartition: (q, topSite) => cookieInOtherPartition(q, topSite),
  }),
  pageOf: (tabId) => capture.pageOf(tabId),
  tabUrl: (tabId) => api.tabs.get(tabId).then((t) => t?.url ?? t?.pendingUrl ?? null, () => null),
  tabExists: (tabId) => api.tabs.get(tabId).then(() => true, () => false),
  thirdPartyCookiesBlocked: () => tpcBlocked,
  sealer,
});
const precise = createPrecise({ api, storage: api.storage.session, sealer });
const capture = createCapture({
  core,
  deliver: store.record,
  track: work.track,
  observe: recorder.observe,
  watching: recorder.isRecording,
  ended: () => (startup.firstEventMs ??= performance.now()),
});

// ---------------------------------------------------------------------------------------------
// Listeners: registered synchronously, before anything is awaited.
// ---------------------------------------------------------------------------------------------

const FILTER = { urls: ['<all_urls>'] };
const wr = api.webRequest;
// Request bodies only for script POSTs to token-like URLs (OAuth token endpoints: the core reads
// grant_type and the refresh token presented); every other request pays nothing for it.
wr.onBeforeRequest.addListener(capture.onBeforeRequest, { urls: ['*://*/*token*'], types: ['xmlhttprequest'] }, ['requestBody']);
wr.onSendHeaders.addListener(capture.onSendHeaders, FILTER, ['requestHeaders', ...EXTRA]);
wr.onHeadersReceived.addListener(capture.onHeadersReceived, FILTER, ['responseHeaders', ...EXTRA]);
wr.onBeforeRedirect.addListener(capture.onBeforeRedirect, FILTER, ['responseHeaders', ...EXTRA]);
wr.onCompleted.addListener(capture.onCompleted, FILTER, ['responseHeaders', ...EXTRA]);
// Firefox throws on any extra spec argument here (P22).
if (errorSpec()) wr.onErrorOccurred.addListener(capture.onErrorOccurred, FILTER, errorSpec());
else wr.onErrorOccurred.addListener(capture.onErrorOccurred, FILTER);
// Recorded only, never blocking: the user's own login prompt must still appear.
wr.onAuthRequired.addListener(capture.onAuthRequired, FILTER, ['responseHeaders', ...EXTRA]);

// Precise mode's listeners exist once the optional `debugger` permission does (never in Firefox).
precise.listen();
api.permissions?.onAdded?.addListener(() => precise.listen());

api.tabs.onRemoved.addListener((tabId) => {
  precise.forget(tabId).catch(() => {});
  capture.forgetTab(tabId);
  recorder.drop(tabId).catch(() => {});
  store.clear(tabId, { badge: false, closed: true });
});
api.tabs.onUpdated.addListener((tabId, change) => {
  // The committed URL: also covers navigations webRequest never sees (back/forward cache, pages a
  // service worker answered, history.pushState). Absent for pages the extension may not read.
  if (change.url) capture.setTabPage(tabId, change.url);
  // Chromium resets tab-specific badge text on navigation; paint it again once the page is loaded.
  if (change.status === 'complete') store.repaint(tabId);
});
// A prerendered page swapped in under a new tab id.
api.tabs.onReplaced?.addListener((added, removed) => {
  capture.forgetTab(removed);
  api.tabs.get(added).then((t) => t?.url && capture.setTabPage(added, t.url), () => {});
});

api.runtime.onMessage.addListener(
  router(
    {
      [MSG.CLEAR_TAB]: async (msg) => {
        if (!isTabId(msg.tabId)) throw new Error('clear-tab needs a tab id');
        await precise.clearReports(msg.tabId).catch(() => {});
        return store.clear(msg.tabId);
      },
      [MSG.IDLE]: () => work.whenIdle(),
      [MSG.PING]: () => ({}),
      [MSG.AUDIT_START]: (msg) => {
        if (!isTabId(msg.tabId)) throw new Error('audit-start needs a tab id');
        return recorder.start(msg.tabId);
      },
      [MSG.AUDIT_FINISH]: async (msg) => {
        if (!isTabId(msg.tabId)) throw new Error('audit-finish needs a tab id');
        // Requests still being processed belong to the recording.
        await work.whenIdle();
        const done = await recorder.finish(msg.tabId);
        await store.repaint(msg.tabId);
        return done;
      },
      [MSG.AUDIT_STATE]: async (msg) => {
        if (!isTabId(msg.tabId)) throw new Error('audit-state needs a tab id');
        const rec = await recorder.read(msg.tabId);
        return { state: rec?.state ?? null, count: rec?.exchanges.length ?? 0, capped: Boolean(rec?.capped) };
      },
      [MSG.PRECISE_START]: (msg) => {
        if (!isTabId(msg.tabId)) throw new Error('precise-start needs a tab id');
        return precise.start(msg.tabId);
      },
      [MSG.PRECISE_STOP]: (msg) => {
        if (!isTabId(msg.tabId)) throw new Error('precise-stop needs a tab id');
        return precise.stop(msg.tabId);
      },
      [MSG.PRECISE_STATE]: async (msg) => {
        if (!isTabId(msg.tabId)) throw new Error('precise-state needs a tab id');
        await precise.flush(msg.tabId);
        return precise.state(msg.tabId);
      },
    },
    { selfId: api.runtime.id },
  ),
);

// ---------------------------------------------------------------------------------------------
// Start-up: the worker may have been stopped and restarted. Rebuild what memory lost.
// ---------------------------------------------------------------------------------------------

capture.hydrateTabs(api.tabs.query({}));
recorder.hydrate().catch((e) => console.warn('AuthLens: cannot read audit recordings', e));
store
  .readAll()
  .then((records) => capture.rememberFailures(records))
  .catch((e) => console.warn('AuthLens: cannot read stored records; earlier failures will not be matched to retries', e))
  // Requests a stopped worker had queued but not yet analysed.
  .then(() => work.track(store.resume()));

// For tests and for debugging from the worker's console.
globalThis.__authlens = {
  ready,
  whenIdle: work.whenIdle,
  readTab: store.read,
  readAudit: recorder.read,
  inFlight: () => capture.flights.size,
  wasmMemoryBytes: () => core.memoryBytes(),
  startup,
  precise,
  /** Precise mode's analysis of a tab: its capture with the browser's reports, and the comparison. */
  preciseAnalysis: async (tabId) => {
    await ready;
    await precise.flush(tabId);
    return core.analyzePrecise(await store.read(tabId), await precise.reports(tabId));
  },
};
