// The site owner's audit recording: while a tab records ("Audit this site" in the popup), every
// authentication-relevant request of that tab is kept in full — not only failures, and not
// bounded by the failure buffer of tab-store.js — until "Finish". Which requests are relevant is
// the core's decision (`auditKeeps`); this file only stores them.
//
// The recording lives in storage.session under `audit:<tabId>`, sealed like the tab records
// (seal.js), so it survives the service worker being stopped and never reaches disk. It is dropped
// when its tab closes. While a tab records, its badge says REC.
//
// Pure apart from what it is given: Node's tests pass fakes for storage, the badge and the core.

/** Storage key of a tab's recording. */
export const auditKey = (tabId) => `audit:${tabId}`;

/** Requests kept per recording: a sign-in flow is dozens; a long session of use, hundreds. */
export const MAX_AUDIT_EXCHANGES = 1500;
/** Bytes of (unsealed) JSON kept per recording, so one busy tab cannot fill storage.session. */
export const MAX_AUDIT_BYTES = 3 * 1024 * 1024;

/**
 * @param {{
 *   storage: {get: (k: string|string[]|null) => Promise<Record<string, any>>, set: (o: object) => Promise<void>, remove: (k: string) => Promise<void>},
 *   action: {setBadgeText: (d: object) => Promise<void>, setBadgeBackgroundColor: (d: object) => Promise<void>},
 *   keeps: (exchange: object) => boolean,
 *   sealer?: {seal: (v: any) => Promise<string>, open: (s: string) => Promise<any>} | null,
 *   now?: () => number,
 * }} deps
 */
export function createAuditRecorder({ storage, action, keeps, sealer = null, now = Date.now }) {
  /** Tabs recording now (memory, rebuilt from storage by `hydrate` after a worker restart). */
  const recording = new Set();
  /** One write at a time per tab, so appends never overwrite each other. */
  const queues = new Map();

  const serial = (tabId, fn) => {
    const prev = queues.get(tabId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    queues.set(tabId, next.catch(() => {}));
    return next;
  };

  async function readRaw(tabId) {
    return (await storage.get(auditKey(tabId)))[auditKey(tabId)] ?? null;
  }

  async function openRec(raw) {
    if (!raw) return null;
    const exchanges = raw.sealed !== undefined ? (sealer ? await sealer.open(raw.sealed) : []) : raw.exchanges ?? [];
    return { ...raw, sealed: undefined, exchanges };
  }

  async function write(tabId, rec) {
    const { exchanges, ...rest } = rec;
    const stored = sealer ? { ...rest, sealed: await sealer.seal(exchanges) } : { ...rest, exchanges };
    await storage.set({ [auditKey(tabId)]: stored });
  }

  async function badge(tabId, on) {
    try {
      await action.setBadgeText({ tabId, text: on ? 'REC' : '' });
      if (on) await action.setBadgeBackgroundColor({ tabId, color: '#b3261e' });
    } catch {
      // The tab is gone; nothing to paint.
    }
  }

  return {
    /** Whether `tabId` is recording (synchronous: the badge painter of tab-store asks it). */
    isRecording: (tabId) => recording.has(tabId),

    /** Starts (or restarts, empty) the recording of a tab. */
    start(tabId) {
      return serial(tabId, async () => {
        recording.add(tabId);
        await write(tabId, { tabId, state: 'recording', startedAt: now(), finishedAt: null, bytes: 0, capped: false, exchanges: [] });
        await badge(tabId, true);
        return { recording: true };
      });
    },

    /** Finishes the recording: kept for the audit page until the tab closes. */
    finish(tabId) {
      return serial(tabId, async () => {
        recording.delete(tabId);
        const rec = await openRec(await readRaw(tabId));
        if (rec) await write(tabId, { ...rec, state: 'finished', finishedAt: now() });
        await badge(tabId, false);
        return { finished: Boolean(rec), count: rec?.exchanges.length ?? 0 };
      });
    },

    /**
     * A finished request of `tabId` (its redirect hops, then where it ended): the relevant
     * exchanges are appended while the tab records, up to the caps (then `capped` is set).
     * @param {number} tabId
     * @param {object[]} chain
     */
    observe(tabId, chain) {
      if (!recording.has(tabId)) return Promise.resolve();
      const kept = chain.filter((x) => keeps(x));
      if (!kept.length) return Promise.resolve();
      return serial(tabId, async () => {
        const rec = await openRec(await readRaw(tabId));
        if (!rec || rec.state !== 'recording') return;
        for (const x of kept) {
          const size = JSON.stringify(x).length;
          if (rec.exchanges.length >= MAX_AUDIT_EXCHANGES || rec.bytes + size > MAX_AUDIT_BYTES) {
            rec.capped = true;
            break;
          }
          // The core ignores the shell's own field; the audit needs the exchange as captured.
          const { interest: _interest, ...clean } = x;
          rec.exchanges.push(clean);
          rec.bytes += size;
        }
        await write(tabId, rec);
      });
    },

    /** The recording of a tab, opened: `{state, exchanges, capped, startedAt, finishedAt}` or null. */
    read(tabId) {
      return serial(tabId, async () => openRec(await readRaw(tabId)));
    },

    /** The tab closed: its recording goes. */
    drop(tabId) {
      recording.delete(tabId);
      return serial(tabId, () => storage.remove(auditKey(tabId)));
    },

    /** After a worker restart: which tabs were recording (their badge stays REC). */
    async hydrate() {
      const all = await storage.get(null);
      for (const [k, v] of Object.entries(all ?? {})) {
        if (k.startsWith('audit:') && v?.state === 'recording' && Number.isInteger(v.tabId)) recording.add(v.tabId);
      }
      return [...recording];
    },
  };
}
