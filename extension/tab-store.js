// Per-tab records in storage.session: the exchanges kept for a tab and the core's answer for them.
// Every read-modify-write of a tab runs in that tab's queue. The worker keeps the records it has
// read or written in memory (issue 13: a batch costs one storage write, not a read, an unseal and
// a write); a tab it has not seen since it started is read from storage first: the worker may
// have been stopped and restarted, and must never overwrite what an earlier instance stored with
// its empty memory (PLATFORM.md P7). storage.session stays the restart-safe copy: every batch is
// saved before its badge is painted, so whatever was reported survives a stop. Bounded: exchanges
// per tab, tabs in total, bytes per record (a record too big shrinks itself; it never costs
// another tab its record).
//
// Analysis is debounced per tab: finished requests wait in the tab's batch until DEBOUNCE_MS pass
// without a new one (at most MAX_WAIT_MS after the first), then one job merges, analyses and saves
// them all; only a tab's first failure after a quiet spell goes at once (leading edge). One batch runs per tab at a time and at most one more waits, however many requests
// a page fires. Each waiting request is also written to storage.session at once (`q:<tab>:<id>`),
// so a worker stopped mid-burst picks its batch up again on restart (`resume`); exchanges carry a
// capture id (`cid`), so a batch saved just before the stop is never merged twice. Those writes
// are coalesced: one write per tab is in flight at a time, and the requests that finish meanwhile
// go together in the next one (a burst of 300 requests is a handful of writes, not 300).
//
// At rest, a record's exchanges and the waiting requests are sealed (seal.js: encrypted with a
// per-session key): storage.session holds no raw credential, cookie value or token-bearing URL in
// plain text. Beside them: the core's answer (redacted by the core) and the page URL redacted by
// the core's URL redactor.
//
// Pure apart from what it is given (`storage`, `action`, the core …): Node's tests pass fakes.

/**
 * Exchanges kept per tab (context plus failures); context goes first, then the oldest. 64 holds
 * 50 failures with their recent context (issue 13: the popup's budget names 200 findings); the
 * record's 450 KiB holds them since the entries no longer carry their Markdown and cURL.
 */
export const MAX_EXCHANGES_PER_TAB = 64;
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
/** The storage key of a request waiting in a tab's batch. */
export const queueKey = (tabId, id) => `q:${tabId}:${id}`;
/** Quiet time before a tab's batch is analysed, and the longest a request waits in a burst. */
export const DEBOUNCE_MS = 150;
export const MAX_WAIT_MS = 1000;
/**
 * How long a finished request that is no failure (a cookie setter, context) waits before it is
 * written to its `q:` key (restart safety for the debounce wait): requests finishing meanwhile
 * join the same write, and a batch analysed sooner is saved by its own analysis without a `q:`
 * write at all. Writing each at once made one write, seal and IPC per request or two in a real
 * burst (136 per 300-request page load, 520 KB: the worker's largest cost above the listener
 * floor; BENCHMARKS.md). A failure is still written at once: a worker stopped moments after it
 * must not lose what the badge is about to report.
 */
export const QUEUE_WRITE_MS = 100;
/** Requests waiting per tab; beyond, the oldest waiting one is dropped. */
export const MAX_PENDING_PER_TAB = 100;
/**
 * Characters (JSON) a tab's record may take in storage.session. MAX_TABS records of this size fit
 * Chromium's 10 MiB session quota with room for the waiting requests.
 */
export const MAX_RECORD_CHARS = 450 * 1024;
/** Shrink-and-re-analyse rounds at most per save (each round at least halves something). */
const MAX_SHRINK_ROUNDS = 8;
/** Header values of a record that still does not fit are cut to this many characters. */
export const SHRUNK_VALUE = 1024;

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
 * Makes `rec` smaller, one step per call, never touching another tab: first the older half of its
 * context exchanges (not the RECENT_CONTEXT_KEPT newest), then header values and jars are cut,
 * then the older half of its exchanges goes. Returns false when there is nothing left to drop.
 * The caller re-analyses: entries point at exchanges.
 * @param {{exchanges: any[]}} rec
 */
export function shrink(rec) {
  const list = rec.exchanges;
  const context = list.map((x, i) => (x.interest !== 'failure' && i < list.length - RECENT_CONTEXT_KEPT ? i : -1)).filter((i) => i >= 0);
  if (context.length) {
    const drop = new Set(context.slice(0, Math.ceil(context.length / 2)));
    rec.exchanges = list.filter((_, i) => !drop.has(i));
    return true;
  }
  let cut = false;
  for (const x of list) {
    for (const h of [...(x.requestHeaders ?? []), ...(x.responseHeaders ?? [])]) {
      if (h.value?.length > SHRUNK_VALUE) {
        h.value = h.value.slice(0, SHRUNK_VALUE);
        cut = true;
      }
    }
    if (x.jar?.length) {
      x.jar = x.jar.slice(0, 10);
      cut ||= x.jar.length === 10;
    }
  }
  if (cut) return true;
  if (list.length > 1) {
    rec.exchanges = list.slice(Math.floor(list.length / 2));
    return true;
  }
  return false;
}

/**
 * Finding fields whose text is the catalogue's and repeats across a tab's entries (the same 401
 * fifty times has fifty identical explanations and fixes): stored once per record.
 */
const SHARED_FIELDS = ['explanation', 'fix', 'source'];

/**
 * A record's entries as stored (issue 13: no duplicated text): every distinct value of a finding's
 * SHARED_FIELDS once in `texts`, the findings holding its number there instead. Pure; the entries
 * given are not changed.
 * @param {any[]} entries
 * @returns {{entries: any[], texts: any[]}}
 */
export function packEntries(entries) {
  const texts = [];
  const seen = new Map();
  const ref = (v) => {
    const key = JSON.stringify(v);
    let n = seen.get(key);
    if (n === undefined) {
      n = texts.push(v) - 1;
      seen.set(key, n);
    }
    return n;
  };
  const packed = (entries ?? []).map((e) => {
    if (!Array.isArray(e?.findings)) return e;
    const findings = e.findings.map((f) => {
      const out = { ...f };
      for (const k of SHARED_FIELDS) if (out[k] !== undefined && out[k] !== null) out[k] = ref(out[k]);
      return out;
    });
    return { ...e, findings };
  });
  return { entries: packed, texts };
}

/**
 * The entries of a stored record as the core gave them (undoes `packEntries`; a record stored
 * without `texts` is returned as it is).
 * @param {any[]} entries
 * @param {any[] | undefined} texts
 */
export function unpackEntries(entries, texts) {
  if (!Array.isArray(texts) || !Array.isArray(entries)) return entries;
  return entries.map((e) => {
    if (!Array.isArray(e?.findings)) return e;
    const findings = e.findings.map((f) => {
      const out = { ...f };
      for (const k of SHARED_FIELDS) if (typeof out[k] === 'number') out[k] = texts[out[k]] ?? null;
      return out;
    });
    return { ...e, findings };
  });
}

/** A stored record (or its storage form) with its entries unpacked and no text table. */
export function withEntriesUnpacked(stored) {
  if (!stored || !Array.isArray(stored.texts)) return stored;
  const { texts, ...rest } = stored;
  return { ...rest, entries: unpackEntries(rest.entries, texts) };
}

/** A record's storage form apart from its exchanges: entries packed (`packEntries`). */
function packedRest(rec) {
  const { exchanges: _exchanges, entries, ...rest } = rec;
  return { ...rest, ...packEntries(entries) };
}

/**
 * The size of a record as stored, in characters (close enough to the quota's bytes): its
 * exchanges are sealed (base64: 4/3 of their JSON), the rest is JSON. The core's entries count:
 * they are most of a record. `rest` is `packedRest(rec)`.
 */
const sizeOf = (rec, rest) => JSON.stringify(rest).length + Math.ceil((JSON.stringify(rec.exchanges ?? []).length * 4) / 3);

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
 *   snapshotJar: (x: object, cache?: Map<string, Promise<any>>, tabId?: number) => Promise<void>, pageOf: (tabId: number) => string|undefined,
 *   tabUrl: (tabId: number) => Promise<string|null>, tabExists?: (tabId: number) => Promise<boolean>,
 *   thirdPartyCookiesBlocked: () => Promise<boolean|undefined>, now?: () => number, debounceMs?: number,
 *   maxRecordChars?: number, sealer?: {seal: (v: unknown) => Promise<string>, open: (s: string) => Promise<any>} | null}} deps
 * Without a `sealer` (unit tests) records are stored as plain JSON.
 */
export function createTabStore({
  storage, action, core, snapshotJar, pageOf, tabUrl, tabExists = async () => true, thirdPartyCookiesBlocked,
  now = Date.now, debounceMs = DEBOUNCE_MS, maxRecordChars = MAX_RECORD_CHARS, sealer = null, queueWriteMs = QUEUE_WRITE_MS,
}) {
  /** A stored record with its exchanges opened (an unreadable seal leaves none: nothing to show). */
  async function opened(stored) {
    const rec = withEntriesUnpacked(stored);
    if (!rec || typeof rec.sealed !== 'string') return rec ?? null;
    const { sealed, ...rest } = rec;
    try {
      return { ...rest, exchanges: sealer ? await sealer.open(sealed) : [] };
    } catch (e) {
      console.warn('AuthLens: a stored capture cannot be opened (its key is gone); it starts afresh', e);
      return { ...rest, exchanges: [], entries: [] };
    }
  }
  /** The record as stored: exchanges sealed, entries packed (`rest` is `packedRest(rec)`). */
  async function sealedForm(rec, rest) {
    if (!sealer) return { ...rest, exchanges: rec.exchanges };
    return { ...rest, sealed: await sealer.seal(rec.exchanges ?? []) };
  }
  const enqueue = createQueues();
  /**
   * The batch waiting per tab. `unwritten` are its requests not yet in storage, `writing` the
   * chain of its writes (null before the first), `writeTimer` the next write's timer (`writeUrgent`
   * when a failure set it), `flushing` once its analysis started (no more writes), `keys` the
   * storage keys holding its requests.
   * @type {Map<number, {items:{id:string, chain:any[], trigger:string|null}[], unwritten:object[],
   *   writing:Promise<void>|null, writeTimer:any, writeUrgent:boolean, flushing:boolean, keys:Set<string>,
   *   firstMs:number, timer:any, due:boolean, done:Promise<void>, resolve:()=>void, reject:(e:unknown)=>void}>}
   */
  const pending = new Map();
  /**
   * The records this worker has read or saved, opened (exchanges in the clear), by tab: what
   * storage holds for them, without the read and the unseal. Gone with the worker.
   * @type {Map<number, TabRecord>}
   */
  const mem = new Map();
  /** The index of tabs with records, once read (`[{tabId, updatedMs}]`, oldest first). */
  let indexCache = null;
  const readIndex = async () => (indexCache ??= (await storage.get(INDEX_KEY))[INDEX_KEY] ?? []);
  /** Tabs whose batch is being processed. */
  const running = new Set();
  /** When each tab's last batch was saved: a failure after a quiet spell is analysed at once. */
  const lastSaved = new Map();
  /** Tabs closed in this worker's lifetime: a request finishing late must not re-create them. */
  const closed = new Set();
  let seq = 0;
  const runId = Math.random().toString(36).slice(2, 8);

  /** @returns {Promise<TabRecord | null>} */
  async function read(tabId) {
    const got = await storage.get(tabKey(tabId));
    return opened(got[tabKey(tabId)]);
  }

  /** Every stored record (after a worker restart). */
  async function readAll() {
    const all = (await storage.get(null)) ?? {};
    const recs = Object.entries(all).filter(([key]) => key.startsWith('tab:'));
    return Promise.all(recs.map(async ([key, rec]) => ({ ...(await opened(rec)), tabId: Number(key.slice(4)) })));
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

  /** Re-runs the core on `rec` (after its exchanges changed). */
  async function analyze(rec) {
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

  /**
   * Writes the tab's record and keeps the number of tabs bounded (least recently updated tabs go
   * first). A record that does not fit shrinks itself (`shrink`) and is re-analysed; no other
   * tab's record is ever removed for it.
   * @param {boolean} [analysed] whether `rec.entries` must be recomputed after shrinking
   */
  async function save(tabId, rec, analysed = false) {
    const index = (await readIndex()).filter((t) => t.tabId !== tabId);
    index.push({ tabId, updatedMs: rec.updatedMs });
    const evicted = [];
    while (index.length > MAX_TABS) evicted.push(index.shift().tabId);
    for (const id of evicted) mem.delete(id);
    if (evicted.length) await storage.remove(evicted.map(tabKey));
    let shrunk = false;
    // The stored form of everything but the exchanges, packed once per state of the record: both
    // the size check and the write use it.
    let rest = packedRest(rec);
    // Entries follow exchanges: re-analyse after each round, or the loop shrinks to nothing.
    for (let round = 0; round < MAX_SHRINK_ROUNDS && sizeOf(rec, rest) > maxRecordChars && shrink(rec); round++) {
      shrunk = true;
      if (analysed) await analyze(rec);
      rest = packedRest(rec);
    }
    for (;;) {
      try {
        await storage.set({ [tabKey(tabId)]: await sealedForm(rec, rest), [INDEX_KEY]: index });
        indexCache = index;
        mem.set(tabId, rec);
        break;
      } catch (e) {
        // Quota: this record gives way, nobody else's.
        if (!shrink(rec)) throw e;
        shrunk = true;
        if (analysed) await analyze(rec);
        rest = packedRest(rec);
        console.warn('AuthLens: session storage is full; older captures of this tab were dropped', e);
      }
    }
    if (shrunk) console.warn(`AuthLens: tab ${tabId}'s captures were too large; its oldest were dropped or cut`);
  }

  /** Removes the tab's record, its index line and its waiting requests. */
  async function forget(tabId) {
    const p = pending.get(tabId);
    if (p) {
      clearTimeout(p.timer);
      pending.delete(tabId);
      p.resolve();
    }
    mem.delete(tabId);
    const all = (await storage.get(null)) ?? {};
    const waiting = Object.keys(all).filter((k) => k.startsWith(`q:${tabId}:`));
    await storage.remove([tabKey(tabId), ...waiting]);
    const index = (await readIndex()).filter((t) => t.tabId !== tabId);
    await storage.set({ [INDEX_KEY]: index });
    indexCache = index;
  }

  /** Merges a batch into the tab's record, analyses once, saves, paints the badge. */
  async function flush(tabId, batch) {
    // What is not written yet is saved by this analysis instead (moments from now).
    batch.flushing = true;
    clearTimeout(batch.writeTimer);
    batch.writeTimer = null;
    await batch.writing;
    const keys = [...batch.keys];
    const stored = mem.get(tabId) ?? (await read(tabId));
    // A request that finished after its tab closed (in an earlier worker, too) has nowhere to go.
    if (closed.has(tabId) || (!stored && !(await tabExists(tabId)))) {
      if (keys.length) await storage.remove(keys);
      return;
    }
    const rec = stored ?? { tabId, pageUrl: null, exchanges: [], entries: [], updatedMs: 0 };
    const have = new Set(rec.exchanges.map((x) => x.cid).filter(Boolean));
    let trigger = null;
    const added = [];
    for (const { chain, trigger: t } of batch.items) {
      if (t === 'failure' || (t && !trigger)) trigger = t;
      for (const x of chain) {
        if (x.cid && have.has(x.cid)) continue; // saved by a worker stopped before it could clean up
        if (!x.pageUrl) x.pageUrl = pageOf(tabId) ?? (await tabUrl(tabId));
        insertByStart(rec.exchanges, x);
        added.push(x);
        if (x.cid) have.add(x.cid);
      }
    }
    await core.load();
    for (const { index, headers } of core.preflightBorrowings(rec.exchanges)) rec.exchanges[index].requestHeaders = headers;
    evict(rec.exchanges);
    // Jars for the failures that stayed, one cookie read per site and partition per batch. Only
    // failures: a response that merely set cookies needs none (its Set-Cookie lines are the
    // evidence), and each jar is up to MAX_JAR cookie records at rest.
    const kept = new Set(rec.exchanges);
    const jars = new Map();
    await Promise.all(added.map((x) => (kept.has(x) && !x.jar && x.interest === 'failure' ? snapshotJar(x, jars, tabId) : null)));
    const last = added[added.length - 1];
    const page = pageOf(tabId) ?? last?.pageUrl;
    // Shown in the popup's header and stored in the clear: redacted like every URL the core shows.
    if (page) rec.pageUrl = core.redactUrl(page);
    rec.updatedMs = now();
    const analyse = Boolean(trigger || rec.entries.length);
    if (analyse) await analyze(rec);
    await save(tabId, rec, analyse);
    if (keys.length) await storage.remove(keys);
    await paintBadge(tabId, rec);
  }

  /** Moves the tab's batch into its queue, unless one is being processed (it starts this one when done). */
  function fire(tabId) {
    const batch = pending.get(tabId);
    if (!batch) return;
    batch.due = true;
    if (running.has(tabId)) return;
    pending.delete(tabId);
    running.add(tabId);
    enqueue(tabId, () => flush(tabId, batch))
      .then(batch.resolve, batch.reject)
      .finally(() => {
        running.delete(tabId);
        lastSaved.set(tabId, now());
        if (pending.get(tabId)?.due) fire(tabId);
      });
  }

  /**
   * Adds a finished request's `chain` to the tab's batch. The promise settles once the batch is
   * saved (and analysed, when it triggers an analysis or the tab already has entries).
   * @returns {Promise<void>}
   */
  /**
   * Writes the batch's unwritten requests, in as few writes as the burst allows: one write at a
   * time, each taking every request that finished while the previous one was under way. Each write
   * is a new key (`q:<tab>:<first request's id>`) holding `{items: [{id, chain, trigger}]}`.
   */
  async function writeQueued(tabId, batch) {
    const items = batch.unwritten.splice(0).map(({ id, chain, trigger }) => ({ id, chain, trigger }));
    if (!items.length) return;
    const key = queueKey(tabId, items[0].id);
    batch.keys.add(key);
    try {
      await storage.set({ [key]: sealer ? await sealer.seal({ items }) : { items } });
    } catch {
      // Not restart-safe then, but still in this worker's batch.
    }
  }

  /**
   * Schedules the next write of the batch's unwritten requests: at once for a failure, else
   * QUEUE_WRITE_MS from now (one write at a time: each follows the previous one). A batch whose
   * analysis starts first is saved by it (`flush` cancels the timer).
   */
  function scheduleWrite(tabId, batch, urgent) {
    if (batch.flushing) return;
    if (batch.writeTimer !== null) {
      if (!urgent || batch.writeUrgent) return;
      clearTimeout(batch.writeTimer);
    }
    batch.writeUrgent = urgent;
    batch.writeTimer = setTimeout(() => {
      batch.writeTimer = null;
      const previous = batch.writing;
      batch.writing = (async () => {
        await previous;
        await writeQueued(tabId, batch);
      })();
    }, urgent ? 0 : queueWriteMs);
  }

  function record(tabId, chain, trigger, { id = `${runId}-${++seq}`, persist = true, key = null } = {}) {
    if (closed.has(tabId)) return Promise.resolve();
    let batch = pending.get(tabId);
    if (!batch) {
      let resolve, reject;
      const done = new Promise((res, rej) => ((resolve = res), (reject = rej)));
      batch = { items: [], unwritten: [], writing: null, writeTimer: null, writeUrgent: false, flushing: false, keys: new Set(), firstMs: now(), timer: null, due: false, done, resolve, reject };
      pending.set(tabId, batch);
    }
    chain.forEach((x, i) => (x.cid ??= `${id}.${i}`));
    const item = { id, chain, trigger };
    if (key) batch.keys.add(key);
    if (persist) {
      batch.unwritten.push(item);
      scheduleWrite(tabId, batch, trigger === 'failure');
    }
    batch.items.push(item);
    if (batch.items.length > MAX_PENDING_PER_TAB) {
      // The oldest waiting request goes. If it was already written, its key stays until the batch
      // is saved (other requests share it); a restart in between brings it back, capped again.
      const dropped = batch.items.shift();
      const at = batch.unwritten.indexOf(dropped);
      if (at >= 0) batch.unwritten.splice(at, 1);
    }
    if (!batch.due) {
      clearTimeout(batch.timer);
      // Leading edge: a tab's first failure (its record shows nothing yet, or this worker has not
      // read it), after a quiet spell (nothing waiting or running, no save for a debounce period),
      // is analysed as soon as the events already queued have joined it: the badge that first
      // says something is wrong does not wait out the debounce. A tab that already shows
      // findings waits as before (each analysis is of the whole tab: issue 13's page-load budget).
      const shown = mem.get(tabId)?.entries?.length ?? 0;
      const leading = trigger === 'failure' && !shown && batch.items.length === 1 && !running.has(tabId) && !(now() - (lastSaved.get(tabId) ?? -Infinity) < debounceMs);
      const wait = leading ? 0 : Math.max(0, Math.min(debounceMs, batch.firstMs + MAX_WAIT_MS - now()));
      batch.timer = setTimeout(() => fire(tabId), wait);
    }
    return batch.done;
  }

  /**
   * After a worker restart: the requests a stopped worker had queued go back into their tabs'
   * batches (their exchanges keep their capture ids, so none is merged twice).
   * @returns {Promise<number>} how many were resumed
   */
  async function resume() {
    const all = (await storage.get(null)) ?? {};
    const found = Object.entries(all).filter(([k]) => k.startsWith('q:'));
    // Opened first, then recorded without an await in between: a write's requests go into one batch.
    const back = [];
    for (const [key, stored] of found) {
      const [, tab, id] = key.split(':');
      // Written by this worker since it started: already in its batch.
      if (id?.startsWith(`${runId}-`)) continue;
      const value = typeof stored === 'string' && sealer ? await sealer.open(stored).catch(() => null) : stored;
      const tabId = Number(tab);
      // A coalesced write holds `items`; one request alone (an earlier version) is `{chain, trigger}`.
      const items = Array.isArray(value?.items) ? value.items : [{ id, ...value }];
      const usable = items.filter((it) => typeof it?.id === 'string' && Array.isArray(it.chain));
      if (!Number.isInteger(tabId) || !usable.length) {
        await storage.remove(key);
        continue;
      }
      back.push({ tabId, key, usable });
    }
    const done = [];
    for (const { tabId, key, usable } of back) {
      for (const it of usable) done.push(record(tabId, it.chain, it.trigger ?? null, { id: it.id, persist: false, key }));
    }
    await Promise.all(done);
    return found.length;
  }

  return {
    read,
    readAll,
    save,
    paintBadge,
    resume,
    record,
    /** Forgets the tab (closed, or cleared from the popup) and clears its badge. */
    clear: (tabId, { badge = true, closed: isClosed = false } = {}) => {
      if (isClosed) {
        closed.add(tabId);
        if (closed.size > 1000) closed.delete(closed.values().next().value);
      }
      return enqueue(tabId, async () => {
        await forget(tabId);
        if (badge) await paintBadge(tabId, null);
      });
    },
    /** Repaints the tab's badge from its record (Chromium resets it on navigation). */
    repaint: (tabId) => enqueue(tabId, async () => paintBadge(tabId, mem.get(tabId) ?? (await read(tabId)))),
  };
}
