// Precise mode (Chromium only, opt-in): the browser's own verdicts through `chrome.debugger`.
//
// With the user's consent (the optional `debugger` permission, asked for in the popup or the panel
// at the moment of use, after saying that Chromium will show "AuthLens started debugging this
// browser"), the worker attaches to one tab, enables the Network and Audits domains, and keeps,
// per request, what Chromium says about it:
//   requestWillBeSentExtraInfo  associatedCookies[].blockedReasons / exemptionReason, siteHasCookieInOtherPartition
//   responseReceivedExtraInfo   blockedCookies (refused Set-Cookie lines), statusCode (the real status, also behind a CORS failure)
//   loadingFailed               corsErrorStatus, errorText
//   Audits.issueAdded           CookieIssue exclusion/warning reasons, CorsIssue corsErrorStatus
// This file only joins those events by the protocol's request id (one report per redirect hop) and
// keeps them sealed in storage.session (`precise:<tab>`): a refused Set-Cookie line holds a cookie
// value. What the reasons mean, which exchange a report belongs to and how it changes the
// diagnosis is the core's (src/browser_report/). Firefox has no `debugger` API: no precise mode.

/** Reports kept per tab (newest kept); older ones are dropped. */
export const MAX_REPORTS = 300;
/** Items kept per list in one report (cookies, refused lines, issues). */
const MAX_ITEMS = 64;
/** Characters kept of any protocol string. */
const MAX_TEXT = 8192;
/** The protocol version the worker asks for. */
const PROTOCOL = '1.3';

const text = (v) => (typeof v === 'string' ? v.slice(0, MAX_TEXT) : '');
const list = (v) => (Array.isArray(v) ? v.slice(0, MAX_ITEMS) : []);
const strings = (v) => list(v).filter((s) => typeof s === 'string').map(text);

/** The storage key of a tab's precise-mode state. */
export const preciseKey = (tabId) => `precise:${tabId}`;

/**
 * Joins one tab's protocol events into reports, one per request hop, shaped as the core's
 * `browser_report::BrowserReport` (camelCase). Pure: the tests feed it recorded events.
 * @param {{max?: number}} [options]
 */
export function createPreciseLog({ max = MAX_REPORTS } = {}) {
  /** requestId → {hops: report[], reqExtra: n, resExtra: n}; Map order is arrival order. */
  const byId = new Map();
  let count = 0;

  function entry(id) {
    let e = byId.get(id);
    if (!e) {
      e = { hops: [], reqExtra: 0, resExtra: 0 };
      byId.set(id, e);
    }
    return e;
  }
  /** The hop the n-th ExtraInfo belongs to (ExtraInfo may arrive before its requestWillBeSent). */
  function hopAt(e, n) {
    while (e.hops.length <= n) e.hops.push(blank());
    return e.hops[n];
  }
  const last = (e) => (e.hops.length ? e.hops[e.hops.length - 1] : hopAt(e, 0));
  function blank() {
    count++;
    return { method: '', url: '', startedMs: null, status: null, associatedCookies: null, blockedCookies: [], corsErrorStatus: null, errorText: null, siteHasCookieInOtherPartition: false, cookieIssues: [], sent: false };
  }
  function trim() {
    while (count > max && byId.size) {
      const [id, e] = byId.entries().next().value;
      byId.delete(id);
      count -= e.hops.length;
    }
  }

  const handlers = {
    'Network.requestWillBeSent'(p) {
      const e = entry(p.requestId);
      if (p.redirectResponse) {
        const prev = e.hops.filter((h) => h.sent).pop();
        if (prev && prev.status === null && Number.isInteger(p.redirectResponse.status)) prev.status = p.redirectResponse.status;
      }
      const n = e.hops.filter((h) => h.sent).length;
      const h = hopAt(e, n);
      h.sent = true;
      h.method = text(p.request?.method);
      h.url = text(p.request?.url);
      h.startedMs = typeof p.wallTime === 'number' ? p.wallTime * 1000 : null;
    },
    'Network.requestWillBeSentExtraInfo'(p) {
      const e = entry(p.requestId);
      const h = hopAt(e, e.reqExtra++);
      h.associatedCookies = list(p.associatedCookies).map((a) => ({
        name: text(a?.cookie?.name),
        blockedReasons: strings(a?.blockedReasons),
        exemptionReason: typeof a?.exemptionReason === 'string' ? text(a.exemptionReason) : null,
      }));
      h.siteHasCookieInOtherPartition = p.siteHasCookieInOtherPartition === true;
    },
    'Network.responseReceivedExtraInfo'(p) {
      const e = entry(p.requestId);
      const h = hopAt(e, e.resExtra++);
      h.blockedCookies = list(p.blockedCookies).map((b) => ({ cookieLine: text(b?.cookieLine), blockedReasons: strings(b?.blockedReasons) }));
      if (Number.isInteger(p.statusCode)) h.status = p.statusCode;
    },
    'Network.loadingFailed'(p) {
      const h = last(entry(p.requestId));
      h.errorText = text(p.errorText) || null;
      if (p.corsErrorStatus) h.corsErrorStatus = { corsError: text(p.corsErrorStatus.corsError), failedParameter: text(p.corsErrorStatus.failedParameter) };
    },
    'Audits.issueAdded'(p) {
      const issue = p.issue;
      const cookie = issue?.details?.cookieIssueDetails;
      const cors = issue?.details?.corsIssueDetails;
      const id = (cookie ?? cors)?.request?.requestId;
      if (typeof id !== 'string' || !byId.has(id)) return;
      const e = byId.get(id);
      const url = (cookie ?? cors)?.request?.url;
      const h = e.hops.filter((x) => x.url === url).pop() ?? last(e);
      if (cookie && h.cookieIssues.length < MAX_ITEMS) {
        h.cookieIssues.push({
          name: text(cookie.cookie?.name),
          operation: text(cookie.operation),
          exclusionReasons: strings(cookie.cookieExclusionReasons),
          warningReasons: strings(cookie.cookieWarningReasons),
        });
      }
      if (cors?.corsErrorStatus && !h.corsErrorStatus && cors.isWarning !== true) {
        h.corsErrorStatus = { corsError: text(cors.corsErrorStatus.corsError), failedParameter: text(cors.corsErrorStatus.failedParameter) };
      }
    },
  };

  return {
    /** Takes one protocol event; unknown events and malformed params are ignored. */
    event(method, params) {
      const h = Object.hasOwn(handlers, method) ? handlers[method] : null;
      if (!h || !params || typeof params !== 'object') return;
      if (method !== 'Audits.issueAdded' && typeof params.requestId !== 'string') return;
      h(params);
      trim();
    },
    /** Every report so far whose request was seen, oldest first (the core's input). */
    reports() {
      const out = [];
      for (const e of byId.values()) {
        for (const h of e.hops) {
          if (!h.sent) continue;
          const { sent: _sent, ...r } = h;
          out.push(r);
        }
      }
      return out;
    },
  };
}

/**
 * The worker's side: attaches to tabs, feeds their logs and keeps them sealed in storage.session.
 * @param {{api: any, storage: chrome.storage.StorageArea, sealer: {seal: (v: any) => Promise<string>, open: (s: string) => Promise<any>}, setTimeout?: typeof setTimeout}} deps
 */
export function createPrecise({ api, storage, sealer, setTimeout: later = setTimeout }) {
  /** tabId → {log, earlier: report[], timer} */
  const tabs = new Map();
  let listening = false;

  /** The browser's debugger API, present only once the optional permission is granted. */
  const dbg = () => api.debugger ?? null;

  async function read(tabId) {
    const key = preciseKey(tabId);
    return (await storage.get(key))[key] ?? null;
  }

  async function save(tabId, patch = {}) {
    const t = tabs.get(tabId);
    const prev = (await read(tabId)) ?? {};
    const reports = t ? [...t.earlier, ...t.log.reports()].slice(-MAX_REPORTS) : null;
    const next = { on: prev.on ?? false, since: prev.since ?? Date.now(), ...patch };
    if (reports) {
      t.dirty = false;
      next.sealed = await sealer.seal(reports);
      next.count = reports.length;
    }
    await storage.set({ [preciseKey(tabId)]: next });
  }

  function schedule(tabId) {
    const t = tabs.get(tabId);
    if (!t || t.timer) return;
    t.timer = later(() => {
      t.timer = null;
      t.saving = save(tabId).catch((e) => console.warn('AuthLens: cannot keep precise-mode reports', e));
    }, 300);
  }

  /**
   * A worker stopped and restarted while attached keeps receiving the tab's events but has lost its
   * memory: the first event of an unknown tab starts a log at once (so nothing is lost meanwhile)
   * and reads the stored state; a tab whose stored state is not on is dropped again.
   */
  function adopt(tabId) {
    const t = { log: createPreciseLog(), earlier: [], timer: null, saving: null, dirty: false };
    tabs.set(tabId, t);
    read(tabId)
      .then(async (stored) => {
        if (!stored?.on) return void tabs.delete(tabId);
        const earlier = typeof stored.sealed === 'string' ? await sealer.open(stored.sealed).catch(() => []) : [];
        t.earlier = Array.isArray(earlier) ? earlier : [];
      })
      .catch(() => tabs.delete(tabId));
    return t;
  }

  function onEvent(source, method, params) {
    const tabId = source?.tabId;
    if (!Number.isInteger(tabId)) return;
    const t = tabs.get(tabId) ?? adopt(tabId);
    t.log.event(method, params);
    t.dirty = true;
    schedule(tabId);
  }

  function onDetach(source, reason) {
    const tabId = source?.tabId;
    if (!tabs.has(tabId)) return;
    // `canceled_by_user`: the user closed the "is debugging this browser" bar; `target_closed`: the tab went.
    save(tabId, { on: false, detached: String(reason ?? '') })
      .catch(() => {})
      .finally(() => tabs.delete(tabId));
  }

  /** Registers the debugger listeners once the API exists (at start-up if granted, else when granted). */
  function listen() {
    const d = dbg();
    if (listening || !d) return;
    listening = true;
    d.onEvent.addListener(onEvent);
    d.onDetach.addListener(onDetach);
  }

  return {
    listen,
    /** Attaches to `tabId` and starts collecting. Needs the `debugger` permission already granted. */
    async start(tabId) {
      listen();
      const d = dbg();
      if (!d) throw new Error('precise mode needs the debugger permission (Chromium only)');
      const stored = await read(tabId);
      const earlier = typeof stored?.sealed === 'string' ? await sealer.open(stored.sealed).catch(() => []) : [];
      if (!tabs.has(tabId)) tabs.set(tabId, { log: createPreciseLog(), earlier: Array.isArray(earlier) ? earlier : [], timer: null, saving: null, dirty: false });
      try {
        await d.attach({ tabId }, PROTOCOL);
      } catch (e) {
        // Already attached by this extension (a restarted worker): keep going; anything else is fatal.
        if (!/already attached/i.test(String(e?.message ?? e))) {
          tabs.delete(tabId);
          throw e;
        }
      }
      await d.sendCommand({ tabId }, 'Network.enable', {});
      await d.sendCommand({ tabId }, 'Audits.enable', {}).catch(() => {});
      await save(tabId, { on: true, since: Date.now(), detached: null });
      return { on: true };
    },
    /** Detaches from `tabId`; the reports collected so far stay until the tab's records are cleared. */
    async stop(tabId) {
      const d = dbg();
      await d?.detach({ tabId }).catch(() => {});
      await this.flush(tabId);
      tabs.delete(tabId);
      await save(tabId, { on: false });
      return { on: false };
    },
    /** Writes pending reports now (tests, and before a popup reads them). */
    async flush(tabId) {
      const t = tabs.get(tabId);
      if (!t) return;
      await t.saving;
      // Only unsaved events are written: a page repaints on every write, and asks for the state when it does.
      if (t.dirty) await save(tabId);
    },
    /** `{on, count, detached}` of a tab. */
    async state(tabId) {
      const s = await read(tabId);
      return { on: Boolean(s?.on) && tabs.has(tabId), count: s?.count ?? 0, detached: s?.detached ?? null };
    },
    /** Drops the reports collected so far (the tab's records were cleared); precise mode stays as it was. */
    async clearReports(tabId) {
      const t = tabs.get(tabId);
      if (t) {
        t.log = createPreciseLog();
        t.earlier = [];
        t.dirty = false;
      }
      const prev = await read(tabId);
      if (prev) await storage.set({ [preciseKey(tabId)]: { on: Boolean(prev.on), since: Date.now(), detached: prev.detached ?? null, count: 0 } });
    },
    /** Forgets a tab (closed). */
    async forget(tabId) {
      tabs.delete(tabId);
      await storage.remove(preciseKey(tabId));
    },
    /** The tab's reports, opened (session memory only). */
    async reports(tabId) {
      const s = await read(tabId);
      if (typeof s?.sealed !== 'string') return [];
      const r = await sealer.open(s.sealed).catch(() => []);
      return Array.isArray(r) ? r : [];
    },
  };
}
