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
import { tabKey } from './tab-store.js';
import { ago, copyButton, el, paintSections, shortUrl, statusClass, statusText } from './render.js';
import { mountPreciseControls, paintBrowserVerdicts, preciseKey, preciseReports } from './precise-ui.js';

/** Loaded only when Reveal is first used: the stored analysis needs no wasm to be painted. */
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
/** Which entries (by index) are open, kept across repaints. */
const openEntries = new Set();
let firstPaint = true;

async function currentTabId() {
  const q = new URLSearchParams(location.search).get('tab');
  if (q !== null && /^\d+$/.test(q)) return Number(q);
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab?.id ?? null;
}

/** Opens the sealed capture (seal.js): needed only for Reveal and the raw views, never stored opened. */
const sealer = createSealer(globalThis.crypto, api.storage.session);

async function load() {
  if (tabId === null) return null;
  const key = tabKey(tabId);
  const got = await api.storage.session.get(key);
  const stored = got[key] ?? null;
  if (typeof stored?.sealed !== 'string') return stored;
  const { sealed, ...rest } = stored;
  const exchanges = await sealer.open(sealed).catch((e) => (console.warn('AuthLens: cannot open the stored capture', e), []));
  return { ...rest, exchanges };
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

  entries.forEach((entry, n) => {
    const open = firstPaint ? n === 0 : openEntries.has(entry.index);
    entriesBox.append(paintEntry(entry, open));
  });
  firstPaint = false;
}

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
  body.append(
    el(
      'div',
      { className: 'actions' },
      // With Reveal on, `entry` is the core's revealed twin: its exports show secrets in full.
      copyButton(
        () => entry.markdown,
        'Copy report',
        reveal ? 'Copy this diagnosis as Markdown, secrets shown in full' : 'Copy this diagnosis as Markdown (secrets redacted)',
      ),
      copyButton(
        () => entry.curl,
        'Copy as cURL',
        reveal ? 'Copy the request as a cURL command, secrets shown in full' : 'Copy the request as a cURL command (secrets redacted)',
      ),
    ),
  );
  body.append(...paintSections(entry, { reveal, rawExchange, afterFindings: paintBrowserVerdicts }));
  details.append(body);
  return details;
}


// ---------------------------------------------------------------------------------------------
// Reveal secrets: re-run the analysis locally with secrets shown; the result is never stored.
// ---------------------------------------------------------------------------------------------

async function revealed() {
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
  paint();
  document.body.dataset.reveal = on ? 'on' : 'off'; // painted in this state
}

/** The merged analysis when the browser reported on this tab's requests (precise mode), else null. */
async function precise() {
  if (tabId === null || !rec?.exchanges?.length) return null;
  const reports = await preciseReports(tabId, sealer);
  if (!reports.length) return null;
  await core.load();
  return core.analyzePrecise(rec, reports, { reveal }).entries;
}

async function refresh() {
  rec = await load();
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
  paint();
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
