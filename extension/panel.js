// AuthLens DevTools panel and HAR import page (panel.html, import.html; body[data-page] says
// which). Three sources of flagged requests, one table and one detail pane:
//   tab       the inspected tab's record, as the popup reads it (storage.session, sealed capture);
//   devtools  the HAR entries DevTools hands the panel while it is open (with response bodies),
//             checked by the core in har-worker.js;
//   file      an opened or dropped .har, checked in har-worker.js exactly as `authlens check`.
// Opened as panel.html?tab=<id> it shows that tab (the e2e tests do this). Everything that came
// off the network is painted with textContent (render.js). DOM contract as the popup: each row
// has data-entry, data-url, data-status, data-findings (ids in rank order) and its top-finding
// cell data-finding and data-severity; the detail pane's findings have data-finding and
// data-severity, in rank order.

import * as wasm from './pkg/authlens.js';
import { api, browserName } from './browser-compat.js';
import { createCore } from './core.js';
import { mountPreciseControls, paintBrowserVerdicts, preciseKey, preciseReports } from './precise-ui.js';
import { createHarClient, progressText } from './har-client.js';
import { MAX_DEVTOOLS_ENTRIES, filterRows, harOfEntries, keepEntry, reportOfEntries, rowsOf, sortRows } from './panel-model.js';
import { ago, el, paintSections, shortUrl, statusText } from './render.js';
import { createSealer } from './seal.js';
import { tabKey, withEntriesUnpacked } from './tab-store.js';

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const page = document.body.dataset.page ?? 'panel';
const devtools = api?.devtools ?? null;

const harClient = createHarClient(() => new Worker(new URL('./har-worker.js', import.meta.url), { type: 'module' }));

/** What each source shows: {entries, report?, markdown?, label, rec?}. */
const sources = { tab: null, devtools: null, file: null };
let current = page === 'import' ? 'file' : 'tab';
let sort = { key: 'order', dir: 'asc' };
/** The selected entry's capture index, kept across repaints. */
let selected = null;
/** @type {number | null} */
let tabId = null;
/** DevTools HAR entries kept (trimmed), newest last. */
const devtoolsEntries = [];

// ---------------------------------------------------------------------------------------------
// Sources
// ---------------------------------------------------------------------------------------------

function inspectedTabId() {
  const q = new URLSearchParams(location.search).get('tab');
  if (q !== null && /^\d+$/.test(q)) return Number(q);
  const id = devtools?.inspectedWindow?.tabId;
  return Number.isInteger(id) && id >= 0 ? id : null;
}

const sealer = createSealer(globalThis.crypto, api.storage.session);

/** The tab's stored record with its sealed capture opened (the popup's `load`). */
async function loadTab() {
  if (tabId === null) return null;
  const key = tabKey(tabId);
  const stored = withEntriesUnpacked((await api.storage.session.get(key))[key] ?? null);
  if (typeof stored?.sealed !== 'string') return stored;
  const { sealed, ...rest } = stored;
  const exchanges = await sealer.open(sealed).catch(() => []);
  return { ...rest, exchanges };
}

/** The wasm core, loaded only for precise mode (files are checked in har-worker.js). */
const core = createCore(wasm, { browser: browserName, wasmUrl: new URL('./pkg/authlens_bg.wasm', import.meta.url) });

/** Precise mode: the tab's analysis with the browser's own verdicts merged in, or null without any. */
async function preciseEntries(rec) {
  if (tabId === null || !rec?.exchanges?.length) return null;
  const reports = await preciseReports(tabId, sealer);
  if (!reports.length) return null;
  await core.load();
  return core.analyzePrecise(rec, reports).entries;
}

async function refreshTab() {
  const rec = await loadTab();
  const merged = await preciseEntries(rec).catch((e) => (console.error('AuthLens: precise analysis failed', e), null));
  sources.tab = { entries: merged ?? rec?.entries ?? [], precise: merged !== null, label: rec?.pageUrl ?? (tabId === null ? 'No tab' : `Tab ${tabId}`), rec, version: rec?.version };
  if (current === 'tab') paint();
}

/** Runs a HAR through the worker with the progress line; the result becomes `source`. */
async function checkInWorker(source, blob, name, label) {
  showError(null);
  const progress = $('progress');
  progress.hidden = false;
  progress.textContent = progressText({ phase: 'read', loaded: 0, total: blob.size });
  document.body.dataset.busy = 'true';
  try {
    const result = await harClient.check(blob, name, (p) => (progress.textContent = progressText(p)));
    // Rows now; each entry's full view is parsed from `details` only when its row is opened.
    sources[source] = { entries: result.entries, details: result.details, reportText: result.reportText, markdown: result.markdown, label, version: result.version };
    return true;
  } catch (e) {
    // The CLI's words (HarError's Display), after the file name as `authlens check` prints it.
    showError(`${name}: ${e?.message ?? e}`);
    return false;
  } finally {
    progress.hidden = true;
    delete document.body.dataset.busy;
  }
}

async function openFile(file) {
  if (!file) return;
  const ok = await checkInWorker('file', file, file.name, file.name);
  if (ok) {
    const opt = /** @type {HTMLOptionElement | null} */ (document.querySelector('#source option[value="file"]'));
    if (opt) opt.disabled = false;
    setSource('file');
  }
  document.body.dataset.imported = ok ? 'ok' : 'error';
}

let devtoolsTimer = 0;
/** Re-checks what DevTools saw, at most every half second while requests keep finishing. */
function scheduleDevtoolsCheck() {
  clearTimeout(devtoolsTimer);
  devtoolsTimer = setTimeout(async () => {
    const text = JSON.stringify(harOfEntries(devtoolsEntries));
    const blob = new Blob([text], { type: 'application/json' });
    await checkInWorker('devtools', blob, 'DevTools network', 'Requests DevTools saw');
    if (current === 'devtools') paint();
  }, 500);
}

/** `network.onRequestFinished`: keeps the entry (with its body) and re-checks. */
function onRequestFinished(har) {
  const keep = (body, encoding) => {
    devtoolsEntries.push(keepEntry(har, body, encoding));
    if (devtoolsEntries.length > MAX_DEVTOOLS_ENTRIES) devtoolsEntries.splice(0, devtoolsEntries.length - MAX_DEVTOOLS_ENTRIES);
    scheduleDevtoolsCheck();
  };
  const status = har?.response?.status ?? 0;
  // Bodies only of failures (a token endpoint's JSON error): the rest cost memory for nothing.
  if (typeof har?.getContent === 'function' && (status === 0 || status >= 400)) har.getContent((body, encoding) => keep(body, encoding));
  else keep(null, null);
}

function setSource(name) {
  current = name;
  /** @type {HTMLSelectElement} */ ($('source') ?? {}).value = name;
  selected = null;
  paint();
}

// ---------------------------------------------------------------------------------------------
// Painting
// ---------------------------------------------------------------------------------------------

function showError(text) {
  $('error').hidden = !text;
  $('error').textContent = text ?? '';
}

function shown() {
  const src = sources[current];
  const all = rowsOf(src?.entries ?? []);
  const filter = { text: /** @type {HTMLInputElement} */ ($('filter')).value, severity: /** @type {HTMLSelectElement} */ ($('severity')).value };
  return sortRows(filterRows(all, filter), sort.key, sort.dir);
}

function paint() {
  const src = sources[current];
  const rows = shown();
  $('page').textContent = src?.label ? shortUrl(src.label) : '';
  $('page').title = src?.label ?? '';
  $('version').textContent = src?.version ? `AuthLens core ${src.version}` : 'AuthLens';
  const total = src?.entries?.length ?? 0;
  $('summary').textContent = total ? `${total} flagged request${total === 1 ? '' : 's'}${rows.length < total ? ` · ${rows.length} shown` : ''}` : '';
  $('empty').hidden = total > 0;
  for (const th of document.querySelectorAll('#requests th[data-sort]')) {
    const key = /** @type {HTMLElement} */ (th).dataset.sort;
    th.setAttribute('aria-sort', key === sort.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
  }
  paintRows($('rows'), rows);
  if (!rows.some((r) => r.index === selected)) selected = rows[0]?.index ?? null;
  select(selected, false);
  document.body.dataset.source = current;
  document.body.dataset.ready = 'true';
}

/** Rows painted at once; the rest follow in chunks between tasks, so a 100 MB import's thousands of rows never freeze the page. */
const FIRST_ROWS = 150;
const ROW_CHUNK = 250;
/** Bumped by every paint: a newer paint (filter, sort, new data) stops an older one's chunks. */
let rowsGeneration = 0;

/** Paints `rows` into the table body: the first ones now, the others chunk by chunk; body[data-rows="complete"] when done. */
function paintRows(body, rows) {
  const gen = ++rowsGeneration;
  body.replaceChildren(...rows.slice(0, FIRST_ROWS).map(paintRow));
  const more = (from) => {
    if (gen !== rowsGeneration) return;
    if (from >= rows.length) {
      document.body.dataset.rows = 'complete';
      return;
    }
    const frag = document.createDocumentFragment();
    for (const r of rows.slice(from, from + ROW_CHUNK)) frag.append(paintRow(r));
    body.append(frag);
    setTimeout(() => more(from + ROW_CHUNK), 0);
  };
  document.body.dataset.rows = rows.length > FIRST_ROWS ? 'painting' : 'complete';
  if (rows.length > FIRST_ROWS) setTimeout(() => more(FIRST_ROWS), 0);
}

function paintRow(r) {
  const tr = el(
    'tr',
    { data: { entry: r.index, url: r.url, status: r.status, findings: r.ids.join(' ') }, attrs: { tabindex: '-1', 'aria-selected': 'false' } },
    el('td', { className: 'status', text: statusText(r) }),
    el('td', { text: r.method }),
    el('td', { className: 'url', text: shortUrl(r.url), attrs: { title: r.url } }),
    el('td', { data: { finding: r.finding, severity: r.severity }, text: r.title }),
    el('td', {}, el('span', { className: `sev sev-${r.severity}`, text: r.severity === 'warn' ? 'warning' : r.severity })),
    el('td', { text: r.time ? ago(r.time) : '' }),
    el('td', { text: r.recovered ? 'recovered' : '' }),
  );
  tr.addEventListener('click', () => select(r.index, false));
  tr.addEventListener('dblclick', () => select(r.index, true));
  return tr;
}

/** The full view of entry `index` of a source: as held, or parsed from the worker's JSON text. */
function entryOf(src, index) {
  const pos = src?.entries?.findIndex((e) => e.index === index) ?? -1;
  if (pos < 0) return null;
  const text = src.details?.[pos];
  if (typeof text !== 'string') return src.entries[pos];
  try {
    return JSON.parse(text);
  } catch {
    return src.entries[pos];
  }
}

/** Selects a row: marks it, makes it the one focusable row, paints its detail; `focusDetail` moves focus there. */
function select(index, focusDetail) {
  selected = index;
  const src = sources[current];
  let row = null;
  for (const tr of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#rows tr'))) {
    const on = Number(tr.dataset.entry) === index;
    tr.setAttribute('aria-selected', String(on));
    tr.tabIndex = on ? 0 : -1;
    if (on) row = tr;
  }
  const entry = entryOf(src, index);
  const detail = $('detail');
  if (!entry) {
    detail.replaceChildren();
    return;
  }
  const rawExchange = (e) => src?.rec?.exchanges?.[e.index] ?? null;
  detail.replaceChildren(
    el('h2', {}, el('span', { className: 'req-method', text: entry.method }), ' ', el('span', { className: 'req-url', text: entry.url })),
    el('p', { className: 'muted', text: statusText(entry) }),
    ...paintSections(entry, { reveal: false, rawExchange, afterFindings: paintBrowserVerdicts }),
  );
  detail.dataset.entry = String(entry.index);
  if (focusDetail) detail.focus();
  return row;
}

/** Arrow keys move through the table, Home/End jump, Enter opens the detail pane. */
function onTableKey(ev) {
  const rows = /** @type {HTMLElement[]} */ ([...document.querySelectorAll('#rows tr')]);
  if (!rows.length) return;
  const at = rows.findIndex((tr) => Number(tr.dataset.entry) === selected);
  let next = at;
  if (ev.key === 'ArrowDown') next = Math.min(rows.length - 1, at + 1);
  else if (ev.key === 'ArrowUp') next = Math.max(0, at - 1);
  else if (ev.key === 'Home') next = 0;
  else if (ev.key === 'End') next = rows.length - 1;
  else if (ev.key === 'Enter') {
    ev.preventDefault();
    select(selected, true);
    return;
  } else return;
  ev.preventDefault();
  const tr = rows[next];
  select(Number(tr.dataset.entry), false);
  tr.focus();
}

// ---------------------------------------------------------------------------------------------
// Exports
// ---------------------------------------------------------------------------------------------

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { attrs: { href: url, download: name } });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function exportHar() {
  try {
    let text;
    if (current === 'file') text = await harClient.redacted();
    else if (current === 'devtools') text = await harClient.redacted();
    else {
      const rec = sources.tab?.rec;
      text = await harClient.redactedCapture(JSON.stringify({ browser: 'chromium', thirdPartyCookiesBlocked: rec?.thirdPartyCookiesBlocked ?? null, exchanges: rec?.exchanges ?? [] }));
    }
    download('authlens-redacted.har', text, 'application/json');
    document.body.dataset.exported = 'har';
  } catch (e) {
    showError(`Export failed: ${e?.message ?? e}`);
  }
}

async function exportReport(kind) {
  const src = sources[current];
  if (!src) return;
  if (kind === 'json') {
    const text = src.reportText ?? `${JSON.stringify(reportOfEntries(src.entries, { version: src.version ?? '', file: src.label ?? '' }), null, 2)}\n`;
    download('authlens-report.json', text, 'application/json');
  } else {
    try {
      const md = src.markdown ?? (await tabMarkdown(src));
      download('authlens-report.md', md, 'text/markdown');
    } catch (e) {
      showError(`Export failed: ${e?.message ?? e}`);
    }
  }
}

/**
 * The tab's entries as Markdown, one "Copy report" text each in the order shown: built by the
 * core when asked (the stored entries carry no Markdown), from the same reports as the entries.
 */
async function tabMarkdown(src) {
  if (!src.entries?.length || !src.rec) return '';
  await core.load();
  const reports = src.precise ? await preciseReports(tabId, sealer) : [];
  const byIndex = new Map(core.entryExports(src.rec, { reports }).map((x) => [x.index, x.markdown]));
  return src.entries.map((e) => byIndex.get(e.index) ?? '').join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// Start-up
// ---------------------------------------------------------------------------------------------

function applyTheme() {
  const theme = devtools?.panels?.themeName;
  // DevTools' own theme wins over the OS setting: 'dark', or 'default' for light.
  if (theme === 'dark') document.documentElement.dataset.theme = 'dark';
  else if (theme) document.documentElement.dataset.theme = 'light';
}

async function main() {
  applyTheme();
  $('filter').addEventListener('input', paint);
  $('severity').addEventListener('change', paint);
  $('rows').addEventListener('keydown', onTableKey);
  for (const th of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#requests th[data-sort]'))) {
    th.querySelector('button')?.addEventListener('click', () => {
      const key = th.dataset.sort ?? 'order';
      sort = { key, dir: sort.key === key && sort.dir === 'asc' ? 'desc' : 'asc' };
      paint();
    });
  }
  const input = /** @type {HTMLInputElement} */ ($('file'));
  input.addEventListener('change', () => openFile(input.files?.[0]));
  const drop = $('drop');
  drop.addEventListener('dragover', (ev) => ev.preventDefault());
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    openFile(ev.dataTransfer?.files?.[0]);
  });
  $('export-har').addEventListener('click', exportHar);
  $('export-md').addEventListener('click', () => exportReport('md'));
  $('export-json').addEventListener('click', () => exportReport('json'));
  if (page === 'import') {
    paint();
    return;
  }
  $('source').addEventListener('change', () => setSource(/** @type {HTMLSelectElement} */ ($('source')).value));
  tabId = inspectedTabId();
  devtools?.network?.onRequestFinished?.addListener(onRequestFinished);
  const preciseUi = mountPreciseControls($('precise-box'), () => tabId, () => refreshTab());
  api.storage.session.onChanged.addListener((changes) => {
    if (tabId !== null && tabKey(tabId) in changes) refreshTab();
    if (tabId !== null && preciseKey(tabId) in changes) refreshTab().then(() => preciseUi.paint());
  });
  await preciseUi.paint();
  await refreshTab();
  paint();
}

main().catch((e) => {
  showError(`AuthLens could not load: ${e?.message ?? e}`);
  document.body.dataset.ready = 'true';
});
