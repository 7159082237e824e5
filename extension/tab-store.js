// Per-tab records in storage.session: the exchanges kept for a tab and the core's answer for them.
// Every read-modify-write of a tab runs in that tab's queue, and re-reads storage first: the
// worker may have been stopped and restarted, and must never overwrite what an earlier instance
// stored with its empty memory (PLATFORM.md P7). Bounded: exchanges per tab, tabs in total, and a
// quota fallback.
//
// Pure apart from what it is given (`storage`, `action`, the core …): Node's tests pass fakes.

/** Exchanges kept per tab (context plus failures); context goes first, then the oldest. */
export const MAX_EXCHANGES_PER_TAB = 40;
/**
 * The newest exchanges of a tab are never evicted for being context: they are the request just
 * recorded and its own hops and preflight, which its failure needs to be diagnosed (a preflight
 * that answered 401, the redirect that dropped Authorization). When the only context left is
 * that recent, the oldest exchange goes instead, failure or not. 8 covers a preflight plus a
 * redirect chain of a few hops, for the one or two requests that usually finish together.
 */
export const RECENT_CONTEXT_KEPT = 8;
/** Tabs with stored records; the least recently updated tab is evicted first. */
export const MAX_TABS = 20;
/** The storage key of the index `[{tabId, updatedMs}]`, oldest first. */
export const INDEX_KEY = 'tabs';

/** The storage key of a tab's record. */
export const tabKey = (tabId) => `tab:${tabId}`;

/**
 * A tab's record as stored.
 * @typedef {{tabId:number, pageUrl:string|null, exchanges:any[], entries:any[], updatedMs:number,
 *   thirdPartyCookiesBlocked?:boolean|null, version?:string, error?:string|null}} TabRecord
 */

/** Inserts `x` after every exchange that started no later than it (stable for equal starts). */
export function insertByStart(list, x) {
  let i = list.length;
  while (i > 0 && (list[i - 1].startedMs ?? 0) > (x.startedMs ?? 0)) i--;
  list.splice(i, 0, x);
}

/**
 * Keeps `list` at MAX_EXCHANGES_PER_TAB: the oldest exchange the core did not call a failure goes
 * first (`interest`, set at capture time), unless it is among the RECENT_CONTEXT_KEPT newest; then
 * the oldest exchange goes.
 */
export function evict(list) {
  while (list.length > MAX_EXCHANGES_PER_TAB) {
    const i = list.findIndex((x) => x.interest !== 'failure');
    list.splice(i >= 0 && i < list.length - RECENT_CONTEXT_KEPT ? i : 0, 1);
  }
}

/** The toolbar badge for a record: the number of flagged requests, red when any top finding is an error. */
export function badgeOf(rec) {
  const n = rec?.entries?.length ?? 0;
  const error = rec?.entries?.some((e) => e.findings?.some((f) => f.severity === 'error'));
  return { text: n ? String(n) : '', color: error ? '#c62828' : '#b26a00' };
}

/**
 * Per-key promise queues: jobs for one key run in order, each after the previous settled.
 * @returns {(key: unknown, job: () => unknown) => Promise<unknown>}
 */
export function createQueues() {
  const queues = new Map();
  return (key, job) => {
    const prev = queues.get(key) ?? Promise.resolve();
    const next = prev.then(job, job);
    const settled = next.catch((e) => console.error('AuthLens:', e));
    queues.set(key, settled);
    settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return next;
  };
}

/** Counts unfinished work, for `whenIdle` (tests, and the popup's "analysing…" state). */
export function createWork() {
  let pending = 0;
  let waiters = [];
  return {
    /** @param {Promise<unknown>} p */
    track(p) {
      pending++;
      p.catch((e) => console.error('AuthLens:', e)).finally(() => {
        if (--pending === 0) {
          const w = waiters;
          waiters = [];
          for (const r of w) r();
        }
      });
    },
    whenIdle: () => (pending === 0 ? Promise.resolve() : new Promise((r) => waiters.push(r))),
  };
}

/**
 * The tab store.
 * @param {{storage: chrome.storage.StorageArea, action?: any, core: ReturnType<import('./core.js').createCore>,
 *   snapshotJar: (x: object) => Promise<void>, pageOf: (tabId: number) => string|undefined,
 *   tabUrl: (tabId: number) => Promise<string|null>, thirdPartyCookiesBlocked: () => Promise<boolean|undefined>,
 *   now?: () => number}} deps
 */
export function createTabStore({ storage, action, core, snapshotJar, pageOf, tabUrl, thirdPartyCookiesBlocked, now = Date.now }) {
  const enqueue = createQueues();

  /** @returns {Promise<TabRecord | null>} */
  async function read(tabId) {
    const got = await storage.get(tabKey(tabId));
    return got[tabKey(tabId)] ?? null;
  }

  /** Every stored record (after a worker restart). */
  async function readAll() {
    const all = (await storage.get(null)) ?? {};
    return Object.entries(all)
      .filter(([key]) => key.startsWith('tab:'))
      .map(([key, rec]) => ({ ...rec, tabId: Number(key.slice(4)) }));
  }

  async function paintBadge(tabId, rec) {
    if (!action) return;
    const { text, color } = badgeOf(rec);
    try {
      await action.setBadgeText({ tabId, text });
      if (text) await action.setBadgeBackgroundColor({ tabId, color });
    } catch {
      // The tab is gone.
    }
  }

  /** Writes the tab's record and keeps the total bounded (least recently updated tabs go first). */
  async function save(tabId, rec) {
    const got = await storage.get(INDEX_KEY);
    let index = (got[INDEX_KEY] ?? []).filter((t) => t.tabId !== tabId);
    index.push({ tabId, updatedMs: rec.updatedMs });
    const evicted = [];
    while (index.length > MAX_TABS) evicted.push(index.shift().tabId);
    if (evicted.length) await storage.remove(evicted.map(tabKey));
    try {
      await storage.set({ [tabKey(tabId)]: rec, [INDEX_KEY]: index });
    } catch (e) {
      // Quota: drop the oldest other tabs and this tab's oldest half, then try once more.
      const others = index.filter((t) => t.tabId !== tabId);
      const drop = Math.ceil(others.length / 2);
      await storage.remove(others.slice(0, drop).map((t) => tabKey(t.tabId)));
      index = index.filter((t) => !others.slice(0, drop).includes(t));
      rec.exchanges = rec.exchanges.slice(Math.floor(rec.exchanges.length / 2));
      await storage.set({ [tabKey(tabId)]: rec, [INDEX_KEY]: index });
      console.warn('AuthLens: session storage was full; older captures were dropped', e);
    }
  }

  /** Removes the tab's record and its index line. */
  async function forget(tabId) {
    await storage.remove(tabKey(tabId));
    const got = await storage.get(INDEX_KEY);
    await storage.set({ [INDEX_KEY]: (got[INDEX_KEY] ?? []).filter((t) => t.tabId !== tabId) });
  }

  /**
   * Appends a finished request's `chain` to the tab's record and, when it triggers an analysis (or
   * the tab already has entries), re-analyses the whole record.
   */
  async function record(tabId, chain, trigger) {
    if (trigger) {
      await Promise.all(chain.map((x) => (x.interest === 'failure' || x.interest === 'cookie' ? snapshotJar(x) : null)));
    }
    const rec = (await read(tabId)) ?? { tabId, pageUrl: null, exchanges: [], entries: [], updatedMs: 0 };
    for (const x of chain) {
      if (!x.pageUrl) x.pageUrl = pageOf(tabId) ?? (await tabUrl(tabId));
      insertByStart(rec.exchanges, x);
    }
    await core.load();
    for (const { index, headers } of core.preflightBorrowings(rec.exchanges)) rec.exchanges[index].requestHeaders = headers;
    evict(rec.exchanges);
    rec.pageUrl = pageOf(tabId) ?? rec.pageUrl ?? chain[chain.length - 1].pageUrl;
    rec.updatedMs = now();
    if (trigger || rec.entries.length) {
      try {
        rec.thirdPartyCookiesBlocked = (await thirdPartyCookiesBlocked()) ?? null;
        const result = core.analyze(rec);
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

  return {
    read,
    readAll,
    save,
    paintBadge,
    /** Queues `record` in the tab's queue. */
    record: (tabId, chain, trigger) => enqueue(tabId, () => record(tabId, chain, trigger)),
    /** Forgets the tab (closed, or cleared from the popup) and clears its badge. */
    clear: (tabId, { badge = true } = {}) =>
      enqueue(tabId, async () => {
        await forget(tabId);
        if (badge) await paintBadge(tabId, null);
      }),
    /** Repaints the tab's badge from its record (Chromium resets it on navigation). */
    repaint: (tabId) => enqueue(tabId, async () => paintBadge(tabId, await read(tabId))),
  };
}
