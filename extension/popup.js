// AuthLens popup: paints the tab's flagged requests from storage.session. Everything that came
// off the network is painted with textContent (never innerHTML); the painting of an entry's
// findings and sections is shared with the DevTools panel (render.js).
//
// Opened from the toolbar it shows the active tab; opened as popup.html?tab=<id> it shows that tab.
// DOM contract (the e2e tests rely on it): each flagged request is an element with data-entry,
// data-url and data-status; each of its findings an element with data-finding and data-severity,
// in rank order.

import * as wasm from './pkg/authlens.js';
import { api, browserName } from './browser-compat.js';
import { createCore } from './core.js';
import { MSG } from './messages.js';
import { createSealer } from './seal.js';
import { tabKey, withEntriesUnpacked } from './tab-store.js';
import { ago, copyButton, el, paintSections, shortUrl, statusClass, statusText } from './render.js';
import { mountPreciseControls, paintBrowserVerdicts, preciseKey, preciseReports } from './precise-ui.js';

/** Loaded only when Reveal, precise mode or a Copy button needs it: the stored analysis needs no wasm to be painted. */
const core = createCore(wasm, { browser: browserName, wasmUrl: new URL('./pkg/authlens_bg.wasm', import.meta.url) });

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @type {number | null} */
let tabId = null;
/** The tab's stored record: {pageUrl, exchanges, entries, version, error}. */
let rec = null;
let reveal = false;
/** The core's revealed analysis of the same capture, computed locally on demand and never stored. */
let revealedEntries = null;
/** Precise mode: the core's analysis with the browser's own verdicts merged in (null: none collected). */
let preciseEntries = null;
/** The browser reports behind `preciseEntries` (the Copy texts are built from the same ones). */
let preciseReportsUsed = [];
/** Which entries (by index) are open, kept across repaints. */
const openEntries = new Set();
let firstPaint = true;
/** The record's exchanges once unsealed (they are not needed for the first paint). */
let opening = Promise.resolve();
/** Bumped by every refresh and paint, so a slower earlier one gives way to the newer one. */
let refreshes = 0;
let paints = 0;
/** Closed entries whose sections are painted after the first screen, in chunks of this many. */
const FILL_CHUNK = 8;

async function currentTabId() {
  const q = new URLSearchParams(location.search).get('tab');
  if (q !== null && /^\d+$/.test(q)) return Number(q);
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab?.id ?? null;
}

/** Opens the sealed capture (seal.js): needed only for Reveal and the raw views, never stored opened. */
const sealer = createSealer(globalThis.crypto, api.storage.session);

/** The tab's stored record as it is (its capture still sealed): what the first paint needs. */
async function readStored() {
  if (tabId === null) return null;
  const key = tabKey(tabId);
  const got = await api.storage.session.get(key);
  return withEntriesUnpacked(got[key] ?? null);
}

/** The record's exchanges, unsealed (session memory only). */
function openExchanges(stored) {
  if (typeof stored?.sealed !== 'string') return Promise.resolve(stored?.exchanges ?? []);
  return sealer.open(stored.sealed).catch((e) => (console.warn('AuthLens: cannot open the stored capture', e), []));
}

/** The exchange behind an entry (raw, with secrets: session memory only). */
function rawExchange(entry) {
  return rec?.exchanges?.[entry.index] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Painting
// ---------------------------------------------------------------------------------------------

function paint() {
  const entriesBox = $('entries');
  // Remember what was open before repainting.
  for (const d of entriesBox.querySelectorAll('details.entry')) {
    const i = Number(/** @type {HTMLElement} */ (d).dataset.entry);
    if (/** @type {HTMLDetailsElement} */ (d).open) openEntries.add(i);
    else openEntries.delete(i);
  }
  entriesBox.replaceChildren();
  const page = rec?.pageUrl ?? '';
  $('page').textContent = page ? shortUrl(page) : tabId === null ? 'No tab' : `Tab ${tabId}`;
  $('page').title = page;
  $('version').textContent = rec?.version ? `AuthLens core ${rec.version}` : 'AuthLens';

  // With secrets revealed, the core's revealed analysis of the same capture is painted instead:
  // the same entries and findings (core.js builds both captures), secrets shown.
  // In precise mode the merged analysis (built with the same Reveal state) replaces both.
  const entries = [...(preciseEntries || (reveal && revealedEntries) || rec?.entries || [])];
  entries.sort((a, b) => (b.startedMs ?? 0) - (a.startedMs ?? 0) || b.index - a.index);

  if (rec?.error) {
    entriesBox.append(el('p', { className: 'error-box', text: `The analysis failed: ${rec.error}` }));
  }
  $('empty').hidden = entries.length > 0;
  // The core decides what blocks (an error the app did not recover from); the popup only counts.
  const errors = entries.filter((e) => e.blocking).length;
  $('summary').replaceChildren(
    ...(entries.length
      ? [
          el('strong', { text: `${entries.length} flagged request${entries.length === 1 ? '' : 's'}` }),
          errors ? ` · ${errors} blocking` : '',
          ' · newest first',
        ]
      : []),
  );

  // The first screen first: every request's line, and the sections of the open ones; the closed
  // ones' sections follow a few at a time (or at once when opened), so 50 requests with 200
  // findings cost the first paint only what is on screen.
  const later = [];
  entries.forEach((entry, n) => {
    const open = firstPaint ? n === 0 : openEntries.has(entry.index);
    const { details, fill } = paintEntry(entry, open);
    entriesBox.append(details);
    if (open) fill();
    else later.push(fill);
  });
  firstPaint = false;
  return fillLater(++paints, later);
}

/** Resolves after the browser had a chance to paint what is in the DOM now. */
const afterPaint = () => new Promise((r) => (requestAnimationFrame(() => setTimeout(r, 0)), setTimeout(r, 100)));

/** Paints the closed entries' sections after the first screen; resolves when all are there. */
async function fillLater(paint, fills) {
  if (!fills.length) return;
  await afterPaint();
  for (let i = 0; i < fills.length && paint === paints; i += FILL_CHUNK) {
    fills.slice(i, i + FILL_CHUNK).forEach((f) => f());
    await new Promise((r) => setTimeout(r, 0));
  }
}

/** The Copy texts of the analysis on screen, by entry index: built by the core on first use, never stored. */
let exportsCache = new Map();

/** What an entry's Copy buttons copy (`core.entryExports`), with the Reveal and precise state it was painted in. */
async function exportsOf(entry, revealed, precise) {
  const key = `${revealed}:${precise}`;
  if (!exportsCache.has(key)) {
    const cache = exportsCache;
    const made = (async () => {
      await Promise.all([core.load(), opening]);
      const list = core.entryExports(rec, { reports: precise ? preciseReportsUsed : [], reveal: revealed });
      return new Map(list.map((x) => [x.index, x]));
    })();
    cache.set(key, made);
    made.catch(() => cache.delete(key));
  }
  return (await exportsCache.get(key)).get(entry.index) ?? null;
}

/** An entry's request line now; its sections (`fill`) when shown. */
function paintEntry(entry, open) {
  const top = entry.findings?.[0];
  const details = el('details', {
    className: 'entry',
    data: { entry: entry.index, url: entry.url, status: entry.status ?? 0 },
  });
  details.open = open;
  const summary = el(
    'summary',
    {},
    el(
      'span',
      { className: 'req-line' },
      el('span', { className: statusClass(entry.status), text: statusText(entry) }),
      el('span', { className: 'req-method', text: entry.method }),
      el('span', { className: 'req-url', text: shortUrl(entry.url), attrs: { title: entry.url } }),
      entry.fetchedByWorker
        ? el('span', { className: 'req-via', text: 'via service worker', attrs: { title: "The site's service worker made this request, forwarding the page's fetch" } })
        : null,
      entry.recoveredBy !== null && entry.recoveredBy !== undefined
        ? el('span', { className: 'req-via req-recovered', text: 'recovered', attrs: { title: 'The app repeated this request with a new credential and it succeeded' } })
        : null,
    ),
    el('span', { className: 'req-when', text: ago(entry.startedMs) }),
    el('span', { className: 'req-headline', text: top ? top.title : '' }),
  );
  details.append(summary);

  const body = el('div', { className: 'entry-body' });
  details.append(body);
  // The state this entry is painted in: its Copy buttons copy the texts of that state.
  const shown = { reveal, precise: preciseEntries !== null };
  let filled = false;
  const fill = () => {
    if (filled) return;
    filled = true;
    fillBody(body, entry, shown);
  };
  details.addEventListener('toggle', fill);
  return { details, fill };
}

/** An entry's Copy buttons and sections, in the Reveal and precise state it was painted in. */
function fillBody(body, entry, shown) {
  body.append(
    el(
      'div',
      { className: 'actions' },
      // With Reveal on, the texts are built revealed: they show secrets in full.
      copyButton(
        () => exportsOf(entry, shown.reveal, shown.precise).then((x) => x?.markdown ?? ''),
        'Copy report',
        shown.reveal ? 'Copy this diagnosis as Markdown, secrets shown in full' : 'Copy this diagnosis as Markdown (secrets redacted)',
      ),
      copyButton(
        () => exportsOf(entry, shown.reveal, shown.precise).then((x) => x?.curl ?? ''),
        'Copy as cURL',
        shown.reveal ? 'Copy the request as a cURL command, secrets shown in full' : 'Copy the request as a cURL command (secrets redacted)',
      ),
    ),
  );
  body.append(...paintSections(entry, { reveal: shown.reveal, rawExchange, afterFindings: paintBrowserVerdicts }));
}


// ---------------------------------------------------------------------------------------------
// Reveal secrets: re-run the analysis locally with secrets shown; the result is never stored.
// ---------------------------------------------------------------------------------------------

async function revealed() {
  await opening;
  if (!rec?.exchanges?.length) return null;
  await core.load();
  return core.analyze(rec, { reveal: true }).entries;
}

async function setReveal(on) {
  reveal = on;
  preciseEntries = await precise().catch(() => null);
  $('reveal').setAttribute('aria-pressed', String(on));
  $('reveal').textContent = on ? 'Hide secrets' : 'Reveal secrets';
  revealedEntries = null;
  if (on) {
    try {
      revealedEntries = await revealed();
    } catch (e) {
      console.error('AuthLens: reveal failed', e);
    }
  }
  await paint();
  document.body.dataset.reveal = on ? 'on' : 'off'; // painted in this state
}

/** The merged analysis when the browser reported on this tab's requests (precise mode), else null. */
async function precise() {
  await opening;
  if (tabId === null || !rec?.exchanges?.length) return null;
  const reports = await preciseReports(tabId, sealer);
  if (!reports.length) return null;
  await core.load();
  const entries = core.analyzePrecise(rec, reports, { reveal }).entries;
  preciseReportsUsed = reports;
  return entries;
}

/**
 * Re-reads the tab's record and repaints. What is stored is painted at once (no unsealing, no
 * core: the first screen waits for nothing else); the capture is opened after, and the painting
 * is redone only when precise mode or Reveal changes what is shown. Resolves when all is painted.
 */
async function refresh() {
  const mine = ++refreshes;
  const stored = await readStored();
  if (mine !== refreshes) return;
  const { sealed: _sealed, ...rest } = stored ?? {};
  rec = stored ? { ...rest, exchanges: [] } : null;
  exportsCache = new Map();
  const current = rec;
  opening = openExchanges(stored).then((x) => {
    if (current) current.exchanges = x;
  });
  const quick = !reveal && preciseEntries === null;
  if (firstPaint) performance.mark('authlens:popup:stored'); // for the start-up benchmark
  const painted = quick ? paint() : null;
  if (quick && firstPaint === false && !performance.getEntriesByName('authlens:popup:painted').length) {
    performance.mark('authlens:popup:painted');
    requestAnimationFrame(() => performance.mark('authlens:popup:frame'));
  }
  await opening;
  if (mine !== refreshes) return painted;
  const before = preciseEntries;
  try {
    preciseEntries = await precise();
  } catch (e) {
    console.error('AuthLens: precise analysis failed', e);
    preciseEntries = null;
  }
  if (reveal) {
    try {
      revealedEntries = await revealed();
    } catch {
      revealedEntries = null;
    }
  }
  if (mine !== refreshes) return painted;
  if (!quick || preciseEntries !== null || before !== null) {
    exportsCache = new Map();
    await paint();
  } else await painted;
}

async function main() {
  tabId = await currentTabId();
  $('reveal').addEventListener('click', () => setReveal(!reveal));
  $('clear').addEventListener('click', async () => {
    if (tabId === null) return;
    await api.runtime.sendMessage({ type: MSG.CLEAR_TAB, tabId });
    await refresh();
  });
  api.storage.session.onChanged.addListener((changes) => {
    if (tabId !== null && tabKey(tabId) in changes) refresh();
    if (tabId !== null && `audit:${tabId}` in changes) paintAudit();
    if (tabId !== null && preciseKey(tabId) in changes) refresh().then(() => preciseUi.paint());
  });
  const preciseUi = mountPreciseControls($('precise-box'), () => tabId, () => refresh());
  await preciseUi.paint();
  $('audit').addEventListener('click', () => toggleAudit().catch((e) => ($('audit-note').textContent = `Audit: ${e?.message ?? e}`)));
  $('audit-open').addEventListener('click', () => openAudit());
  // The findings are painted from storage without waiting for the worker's answer about the audit
  // (a round trip that may have to wake a stopped worker first).
  await Promise.all([paintAudit(), refresh()]);
  document.body.dataset.ready = 'true';
}

// ---------------------------------------------------------------------------------------------
// The site owner's audit: start and finish the recording here; the audit itself is audit.html.
// ---------------------------------------------------------------------------------------------

async function auditState() {
  if (tabId === null) return null;
  const r = await api.runtime.sendMessage({ type: MSG.AUDIT_STATE, tabId });
  return r?.ok ? r : null;
}

async function paintAudit() {
  const st = await auditState();
  const recording = st?.state === 'recording';
  $('audit').textContent = recording ? 'Finish audit' : 'Audit this site';
  $('audit').classList.toggle('primary', recording);
  $('audit-open').hidden = st?.state !== 'finished';
  $('audit-note').textContent = recording
    ? `Recording: ${st.count} request${st.count === 1 ? '' : 's'}${st.capped ? ' (cap reached)' : ''}. Sign in and use the site, then finish.`
    : '';
  document.body.dataset.audit = st?.state ?? 'none';
}

function openAudit() {
  if (tabId === null) return;
  api.tabs.create({ url: api.runtime.getURL(`audit.html?tab=${tabId}`) });
}

async function toggleAudit() {
  if (tabId === null) return;
  const st = await auditState();
  if (st?.state === 'recording') {
    const r = await api.runtime.sendMessage({ type: MSG.AUDIT_FINISH, tabId });
    if (!r?.ok) throw new Error(r?.error ?? 'could not finish');
    await paintAudit();
    openAudit();
  } else {
    const r = await api.runtime.sendMessage({ type: MSG.AUDIT_START, tabId });
    if (!r?.ok) throw new Error(r?.error ?? 'could not start');
    await paintAudit();
  }
}

main().catch((e) => {
  $('entries').replaceChildren(el('p', { className: 'error-box', text: `AuthLens could not load: ${e?.message ?? e}` }));
  document.body.dataset.ready = 'true';
});
