// AuthLens popup: paints the tab's flagged requests from storage.session. Everything that came
// off the network is painted with textContent (never innerHTML).
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
/** Which entries (by index) are open, kept across repaints. */
const openEntries = new Set();
let firstPaint = true;

/**
 * Creates an element; `props` may hold className, dataset, attributes (attrs) and text.
 * @param {string} tag
 * @param {{className?:string, text?:string|number|null, attrs?:Record<string,string>, data?:Record<string,string|number>}} [props]
 * @param {...(Node|string|null|undefined|false)} children
 */
function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined && props.text !== null) e.textContent = String(props.text);
  for (const [k, v] of Object.entries(props.attrs ?? {})) e.setAttribute(k, v);
  for (const [k, v] of Object.entries(props.data ?? {})) e.dataset[k] = String(v);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

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

// ---------------------------------------------------------------------------------------------
// Formatting helpers
// ---------------------------------------------------------------------------------------------

function ago(ms) {
  if (!ms) return '';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(ms).toLocaleString();
}

function shortUrl(u) {
  try {
    const url = new URL(u);
    return `${url.host}${url.pathname}${url.search}`;
  } catch {
    return u;
  }
}

function statusText(entry) {
  const err = entry.error ? entry.error.replace(/^net::/, '') : '';
  // A CORS failure keeps the status the server sent: show both, the page only saw the error.
  if (entry.status && err) return `${entry.status} · ${err}`;
  if (entry.status) return String(entry.status);
  return err || 'failed';
}

function statusClass(status) {
  if (status >= 200 && status < 300) return 'status s2xx';
  if (status >= 300 && status < 400) return 'status s3xx';
  return 'status';
}

/**
 * Writes `text` to the clipboard: the async Clipboard API first, then the execCommand fallback
 * (Firefox, or a popup that has lost focus). Resolves to true only when one of them succeeded.
 * @param {string} text
 */
async function writeClipboard(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = el('textarea', { attrs: { 'aria-hidden': 'true' } });
    ta.value = text;
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.append(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}

/**
 * Copies the text `getText()` returns and says on the button whether it worked: "Copied", or
 * "Copy failed" (with the reason in the tooltip) so that a refused clipboard is never silent.
 * @param {() => string} getText
 * @param {HTMLElement} button
 */
async function copy(getText, button) {
  let ok = false;
  let why = 'the browser refused clipboard access';
  try {
    const text = getText();
    if (!text) why = 'there was nothing to copy';
    else ok = await writeClipboard(text);
  } catch (e) {
    why = String(e?.message ?? e);
  }
  const label = button.dataset.label ?? button.textContent ?? '';
  const title = button.dataset.title ?? button.title;
  button.dataset.label = label;
  button.dataset.title = title;
  clearTimeout(Number(button.dataset.timer));
  button.textContent = ok ? 'Copied' : 'Copy failed';
  button.title = ok ? title : `Copy failed: ${why}`;
  button.classList.toggle('done', ok);
  button.classList.toggle('failed', !ok);
  button.dataset.copied = ok ? 'ok' : 'failed';
  button.dataset.timer = String(
    setTimeout(
      () => {
        button.textContent = label;
        button.title = title;
        button.classList.remove('done', 'failed');
        delete button.dataset.copied;
      },
      ok ? 1200 : 4000,
    ),
  );
}

/**
 * A copy button; `getText` is called at click time, so the text follows the Reveal toggle.
 * @param {() => string} getText
 */
function copyButton(getText, label = 'Copy', title = '') {
  const b = el('button', { className: 'copy', text: label, attrs: { type: 'button', title: title || label } });
  b.addEventListener('click', (ev) => {
    ev.preventDefault();
    ev.stopPropagation();
    copy(getText, b);
  });
  return b;
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
  const entries = [...((reveal && revealedEntries) || rec?.entries || [])];
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
  const list = el('ol', { className: 'findings', attrs: { 'aria-label': 'Findings, most likely cause first' } });
  (entry.findings ?? []).forEach((f, i) => list.append(paintFinding(f, i)));
  body.append(list);
  body.append(paintCredentials(entry));
  body.append(paintCookies(entry));
  if (entry.cors) body.append(paintCors(entry.cors));
  if (entry.challenges?.length) body.append(paintChallenges(entry.challenges));
  body.append(paintRaw(entry));
  details.append(body);
  return details;
}

/**
 * Text with Markdown code spans (`x`) as <code> elements; everything stays textContent.
 * @param {string} tag
 * @param {string} text
 * @param {string} [className]
 */
function richText(tag, text, className) {
  const e = el(tag, className ? { className } : {});
  String(text)
    .split('`')
    .forEach((part, i) => {
      if (part) e.append(i % 2 ? el('code', { text: part }) : document.createTextNode(part));
    });
  return e;
}

/** One finding: the first (most likely) cause is open; the others start folded to keep the hierarchy clear. */
function paintFinding(f, i) {
  const li = el('li', { className: 'finding', data: { finding: f.id, severity: f.severity } });
  const box = el('details', { className: 'finding-box' });
  box.open = i === 0;
  box.append(
    el(
      'summary',
      { className: 'finding-head' },
      el('span', { className: 'rank', text: `${i + 1}.` }),
      el('h3', { text: f.title }),
      el('span', { className: `sev sev-${f.severity}`, text: f.severity === 'warn' ? 'warning' : f.severity }),
      el('code', { className: 'fid', text: f.id }),
    ),
  );
  if (f.explanation) box.append(richText('p', f.explanation, 'explain'));
  if (f.evidence?.length) {
    const dl = el('dl', { className: 'evidence' });
    for (const e of f.evidence) dl.append(el('dt', { text: e.label }), el('dd', { text: e.value }));
    box.append(dl);
  }
  const fix = f.fix;
  if (fix && (fix.summary || fix.steps?.length || fix.snippets?.length)) {
    const fixBox = el('div', { className: 'fix' }, el('h4', { text: 'Fix' }));
    if (fix.summary) fixBox.append(richText('p', fix.summary));
    if (fix.steps?.length) fixBox.append(el('ol', {}, ...fix.steps.map((s) => richText('li', s))));
    const snippets = (fix.snippets ?? []).map((s) =>
      el(
        'div',
        { className: 'snippet' },
        el('div', { className: 'snippet-head' }, el('span', { text: s.lang }), copyButton(() => s.code, 'Copy', `Copy the ${s.lang} snippet`)),
        el('pre', {}, el('code', { text: s.code })),
      ),
    );
    // Two snippets inline; more (one per server stack) fold away under their names.
    fixBox.append(...snippets.slice(0, 2));
    if (snippets.length > 2) {
      const more = el('details', { className: 'more-snippets' });
      more.append(el('summary', { text: `More snippets: ${(fix.snippets ?? []).slice(2).map((s) => s.lang).join(', ')}` }), ...snippets.slice(2));
      fixBox.append(more);
    }
    box.append(fixBox);
  }
  if (f.source) box.append(el('div', { className: 'source', text: `Source: ${f.source}` }));
  li.append(box);
  return li;
}

function panel(title, count, ...content) {
  const d = el('details', { className: 'panel' });
  d.append(
    el('summary', {}, title, count !== null && count !== undefined ? el('span', { className: 'count', text: ` (${count})` }) : null),
    el('div', { className: 'panel-body' }, ...content),
  );
  return d;
}

function kv(pairs) {
  const dl = el('dl', { className: 'kv' });
  for (const [k, v, mono] of pairs) {
    if (v === null || v === undefined || v === '') continue;
    dl.append(el('dt', { text: k }), el('dd', { className: mono ? 'mono' : '', text: v }));
  }
  return dl;
}

function rawHeader(entry, name) {
  const x = rawExchange(entry);
  return x?.requestHeaders?.find((h) => h.name.toLowerCase() === name)?.value ?? null;
}

function paintCredentials(entry) {
  const c = entry.credentials ?? {};
  const a = c.authorization;
  const parts = [];
  const stateWords = { sent: 'Sent', missing: 'Nothing sent', rejected: 'Sent and rejected' };
  parts.push(kv([['State', stateWords[c.state] ?? c.state ?? 'unknown']]));
  if (a) {
    const credential = reveal ? rawHeader(entry, 'authorization') ?? a.credentialRedacted : a.credentialRedacted;
    parts.push(
      kv([
        ['Scheme', a.scheme],
        ['Summary', a.summary],
        ['User', a.user],
        ['Credential', credential, true],
      ]),
    );
    if (a.notes?.length) parts.push(el('ul', {}, ...a.notes.map((n) => el('li', { className: 'bad', text: n }))));
    if (a.jwt) parts.push(paintJwt(a.jwt));
  }
  if (c.apiKeys?.length) {
    parts.push(el('h4', { text: 'API key headers' }), kv(c.apiKeys.map((p) => [p.name, p.value, true])));
  }
  return panel('Credentials', null, ...parts);
}

function paintJwt(jwt) {
  const rows = (list) =>
    list.map((cl) =>
      el(
        'tr',
        {},
        el('td', { className: 'mono', text: cl.name }),
        el('td', { className: 'mono', text: cl.value }),
        el('td', { className: `claim-note ${cl.status === 'bad' ? 'bad' : ''}`, text: cl.note ?? '' }),
      ),
    );
  const table = el(
    'table',
    {},
    el('thead', {}, el('tr', {}, el('th', { text: 'Claim' }), el('th', { text: 'Value' }), el('th', { text: 'Note' }))),
    el('tbody', {}, ...rows(jwt.header ?? []), ...rows(jwt.claims ?? [])),
  );
  return el(
    'div',
    {},
    el('h4', { text: `JWT (${jwt.kind}, decoded locally, not verified)` }),
    el('div', { className: 'table-wrap' }, table),
    jwt.problems?.length ? el('ul', {}, ...jwt.problems.map((p) => el('li', { className: 'bad', text: p }))) : null,
  );
}

function paintCookies(entry) {
  const rows = entry.cookies ?? [];
  if (!rows.length) return panel('Cookies', 0, el('p', { className: 'muted', text: 'No cookies were sent, set or stored for this site.' }));
  const head = ['Name', 'Sent', 'Why not', 'SameSite', 'Secure', 'HttpOnly', 'Domain', 'Path', 'Expires', 'Partition'];
  const yn = (b) => el('td', { className: b ? 'yes' : '', text: b ? 'yes' : 'no' });
  const table = el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { attrs: { scope: 'col' }, text: h })))),
    el(
      'tbody',
      {},
      ...rows.map((r) =>
        el(
          'tr',
          { data: { cookie: r.name } },
          el('td', { className: 'mono', text: r.name, attrs: { title: `from ${r.origin}` } }),
          el('td', { className: r.sent ? 'yes' : 'no', text: r.sent ? 'sent' : 'not sent' }),
          el('td', { text: r.reason ?? '', attrs: r.finding ? { title: r.finding } : {} }),
          el('td', { text: r.sameSite }),
          yn(r.secure),
          yn(r.httpOnly),
          el('td', { className: 'mono', text: r.domain }),
          el('td', { className: 'mono', text: r.path }),
          el('td', { text: r.expires }),
          el('td', { className: 'mono', text: r.partitioned ?? '' }),
        ),
      ),
    ),
  );
  return panel('Cookies', rows.length, el('div', { className: 'table-wrap' }, table));
}

function paintCors(c) {
  const parts = [
    kv([
      ['Page origin', c.pageOrigin, true],
      ['Request Origin', c.requestOrigin, true],
      ['Credentials mode', c.credentialsMode],
      ['Failed check', c.failedCheck ?? 'none — all CORS checks passed'],
      ['Preflight', c.preflightStatus ? `answered ${c.preflightStatus}` : null],
    ]),
  ];
  if (c.responseHeaders?.length) parts.push(el('h4', { text: 'Response' }), kv(c.responseHeaders.map((p) => [p.name, p.value, true])));
  if (c.preflightHeaders?.length) parts.push(el('h4', { text: 'Preflight response' }), kv(c.preflightHeaders.map((p) => [p.name, p.value, true])));
  const d = panel('CORS', null, ...parts);
  if (c.failedCheck) d.querySelector('summary')?.append(el('span', { className: 'count bad', text: ' · failed' }));
  return d;
}

function paintChallenges(list) {
  const parts = list.map((ch) =>
    el(
      'div',
      { className: 'challenge' },
      el('h4', { text: `${ch.proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate'}: ${ch.scheme}` }),
      kv([...(ch.params ?? []).map((p) => [p.name, p.value, true]), ['token68', ch.token68, true]]),
      ch.meaning?.length ? el('ul', {}, ...ch.meaning.map((m) => el('li', { text: m }))) : null,
    ),
  );
  return panel('Challenge', list.length, ...parts);
}

function paintRaw(entry) {
  // With Reveal on, `entry` is the core's revealed twin and its headers are shown in full.
  const req = entry.requestHeaders ?? [];
  const res = entry.responseHeaders ?? [];
  const text = (list) => list.map((h) => `${h.name}: ${h.value}`).join('\n');
  const block = (title, list) =>
    el(
      'div',
      { className: 'snippet' },
      el('div', { className: 'snippet-head' }, el('span', { text: title }), copyButton(() => text(list), 'Copy', `Copy the ${title.toLowerCase()}`)),
      el('pre', {}, el('code', { text: list.length ? text(list) : '(none seen)' })),
    );
  return panel(
    reveal ? 'Raw headers (secrets shown)' : 'Raw headers (secrets redacted)',
    null,
    block(`Request: ${entry.method} ${entry.url}`, req),
    block(`Response: ${statusText(entry)}`, res),
  );
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

async function refresh() {
  rec = await load();
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
  });
  $('audit').addEventListener('click', () => toggleAudit().catch((e) => ($('audit-note').textContent = `Audit: ${e?.message ?? e}`)));
  $('audit-open').addEventListener('click', () => openAudit());
  await paintAudit();
  await refresh();
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
