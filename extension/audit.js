// The audit page (audit.html?tab=<id>): the site owner's recording of a tab, audited by the core
// (`audit::audit`) and painted. Every string from the network reaches the DOM as text. The
// exports are built by the core (Markdown) or are its JSON; both stay redacted until Reveal.
// Nothing here sends a request.

// The page module: `audit` and `auditMarkdown` are not in the service worker's module (src/wasm.rs).
import * as wasm from './pkg-page/authlens.js';
import { auditKey } from './audit-recorder.js';
import { api, browserName } from './browser-compat.js';
import { createCore } from './core.js';
import { createSealer } from './seal.js';

const core = createCore(wasm, { browser: browserName, wasmUrl: new URL('./pkg-page/authlens_bg.wasm', import.meta.url) });
const sealer = createSealer(globalThis.crypto, api.storage.session);
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

let rec = null;
let reveal = false;
let report = null;

/** An element with text content and data attributes (never HTML). */
function el(tag, { className, text, data } = {}, ...children) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(data ?? {})) e.dataset[k] = String(v);
  for (const c of children) if (c) e.append(c);
  return e;
}

function tabIdOf() {
  const q = new URLSearchParams(location.search).get('tab');
  return q !== null && /^\d+$/.test(q) ? Number(q) : null;
}

async function load(tabId) {
  const got = await api.storage.session.get(auditKey(tabId));
  const raw = got[auditKey(tabId)] ?? null;
  if (!raw) return null;
  const exchanges = typeof raw.sealed === 'string' ? await sealer.open(raw.sealed).catch(() => []) : raw.exchanges ?? [];
  return { ...raw, exchanges };
}

const ENGINES = [['chromium', 'Chromium'], ['firefox', 'Firefox'], ['safari', 'Safari']];

function paint() {
  const r = report;
  $('grade').textContent = r.grade;
  $('grade').dataset.grade = r.grade;
  const s = r.summary;
  $('counts').textContent = `${s.errors} error${s.errors === 1 ? '' : 's'} · ${s.warnings} warning${s.warnings === 1 ? '' : 's'} · ${s.infos} note${s.infos === 1 ? '' : 's'} · score ${r.score}/100 · ${r.input.entries} requests recorded`;
  const notes = [];
  if (rec.state === 'recording') notes.push('Still recording: finish from the popup for the complete audit.');
  if (rec.capped) notes.push('The recording reached its size cap; later requests were not kept.');
  $('recording-note').textContent = notes.join(' ');

  const areas = $('areas');
  areas.replaceChildren(
    el('tr', {}, el('th', { text: 'area' }), el('th', { text: 'grade' }), el('th', { text: 'errors' }), el('th', { text: 'warnings' }), el('th', { text: 'notes' })),
    ...r.areas.map((a) =>
      el('tr', { data: { area: a.area } }, el('td', { text: a.area }), el('td', { text: a.grade, data: { grade: a.grade } }),
        el('td', { text: a.errors }), el('td', { text: a.warnings }), el('td', { text: a.infos }))),
  );

  const withVerdicts = r.findings.filter((f) => f.browsers.length);
  $('matrix').replaceChildren(
    el('tr', {}, el('th', { text: 'finding' }), ...ENGINES.map(([, n]) => el('th', { text: n }))),
    ...withVerdicts.map((f) =>
      el('tr', { data: { matrixFinding: f.id } }, el('td', { text: f.title }),
        ...ENGINES.map(([key]) => {
          const b = f.browsers.find((x) => x.browser === key);
          const td = el('td', { text: b?.verdict ?? '–', data: { browser: key, verdict: b?.verdict ?? 'unknown' } });
          if (b?.note) td.title = b.note;
          return td;
        }))),
  );
  if (!withVerdicts.length) $('matrix').append(el('tr', {}, el('td', { text: 'No cookie or CORS findings: nothing differs between browsers.' })));

  const list = $('findings');
  list.replaceChildren(...r.findings.map(finding));
  if (!r.findings.length) list.append(el('p', { className: 'good', text: 'No problems found in this flow.' }));
}

function finding(f) {
  const art = el('article', { className: `finding sev-${f.severity}`, data: { finding: f.id, severity: f.severity, area: f.area } });
  art.append(
    el('h3', {}, el('span', { className: `sev ${f.severity}`, text: f.severity.toUpperCase() }), ' ', f.title, ' ', el('span', { className: 'id', text: f.id })),
    el('p', { text: f.explanation }),
  );
  if (f.evidence.length) {
    const dl = el('dl');
    for (const e of f.evidence) dl.append(el('dt', { text: e.label }), el('dd', { text: e.value }));
    art.append(dl);
  }
  art.append(el('p', {}, el('strong', { text: 'Fix: ' }), f.fix.summary));
  if (f.fix.steps.length) art.append(el('ol', {}, ...f.fix.steps.map((s) => el('li', { text: s }))));
  for (const s of f.fix.snippets) art.append(el('pre', { data: { lang: s.lang } }, el('code', { text: s.code })));
  const urls = f.entries.map((i) => {
    const x = rec.exchanges[i];
    if (!x) return `#${i}`;
    return `#${i} ${x.method} ${reveal ? x.url : core.redactUrl(x.url)} → ${x.status || x.error || '?'}`;
  });
  art.append(el('p', { className: 'entries', text: `Rests on: ${urls.join(' · ')}` }));
  art.append(el('p', { className: 'muted', text: `Source: ${f.source}` }));
  return art;
}

function download(name, type, text) {
  const a = el('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  setTimeout(() => (URL.revokeObjectURL(a.href), a.remove()), 1000);
}

async function analyze() {
  report = core.audit(rec, { reveal });
  paint();
  document.body.dataset.reveal = reveal ? 'on' : 'off';
}

async function main() {
  const tabId = tabIdOf();
  $('version').textContent = `AuthLens ${await core.load()}`;
  rec = tabId === null ? null : await load(tabId);
  if (!rec) {
    $('counts').textContent = 'No audit recording for this tab. Open AuthLens on the tab you want to audit and press "Audit this site".';
    document.body.dataset.ready = 'true';
    return;
  }
  const first = rec.exchanges.find((x) => x.pageUrl)?.pageUrl ?? rec.exchanges[0]?.url ?? '';
  $('page').textContent = first ? core.redactUrl(first) : '';
  $('reveal').addEventListener('click', async () => {
    reveal = !reveal;
    $('reveal').setAttribute('aria-pressed', String(reveal));
    $('reveal').textContent = reveal ? 'Hide secrets' : 'Reveal secrets';
    await analyze();
  });
  $('export-md').addEventListener('click', () => download('authlens-audit.md', 'text/markdown', core.auditMarkdown(rec, { reveal })));
  $('export-json').addEventListener('click', () => download('authlens-audit.json', 'application/json', `${JSON.stringify(report, null, 2)}\n`));
  await analyze();
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  $('counts').textContent = `AuthLens could not load the audit: ${e?.message ?? e}`;
  document.body.dataset.ready = 'true';
});
