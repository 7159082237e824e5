// The DevTools panel's and import page's table, as data: rows from the core's entries, sorting,
// filtering, and the documents the panel builds (a HAR of what DevTools saw, report downloads).
// Pure: no DOM, no `chrome.*`, so Node's test runner can import it.

/** Severity order, most severe first (DIAGNOSES.md §0.3). */
const SEVERITY_RANK = { error: 0, warn: 1, info: 2 };
/** DevTools HAR entries kept for analysis (the oldest go first): memory stays bounded on long sessions. */
export const MAX_DEVTOOLS_ENTRIES = 2000;
/** Response bodies kept per DevTools entry, as the core keeps (har/mod.rs BODY_LIMIT). */
export const BODY_LIMIT = 4096;

/**
 * One table row per flagged entry, in the core's order (`order` keeps it for the default sort).
 * @param {any[]} entries the core's `EntryView`s
 */
export function rowsOf(entries) {
  return (entries ?? []).map((e, order) => {
    const top = e.findings?.[0] ?? null;
    return {
      order,
      index: e.index,
      status: e.status ?? 0,
      error: e.error ?? null,
      method: e.method ?? '',
      url: e.url ?? '',
      finding: top?.id ?? '',
      title: top?.title ?? '',
      severity: top?.severity ?? 'info',
      time: e.startedMs ?? null,
      recovered: e.recoveredBy !== null && e.recoveredBy !== undefined,
      ids: (e.findings ?? []).map((f) => f.id),
    };
  });
}

/** The value a column sorts by. */
function sortKey(row, key) {
  switch (key) {
    case 'severity':
      return SEVERITY_RANK[row.severity] ?? 3;
    case 'time':
      return row.time ?? -Infinity;
    case 'recovered':
      return row.recovered ? 1 : 0;
    case 'status':
    case 'order':
      return row[key];
    default:
      return String(row[key] ?? '').toLowerCase();
  }
}

/**
 * Rows sorted by `key` (`order` is the core's own), ties kept in the core's order.
 * @param {ReturnType<typeof rowsOf>} rows
 * @param {string} key
 * @param {'asc'|'desc'} dir
 */
export function sortRows(rows, key = 'order', dir = 'asc') {
  const sign = dir === 'desc' ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = sortKey(a, key);
    const y = sortKey(b, key);
    if (x < y) return -sign;
    if (x > y) return sign;
    return a.order - b.order;
  });
}

/**
 * Rows whose URL, method, status, top finding or any finding id contains `text` (ignoring case),
 * at `severity` or worse (`''` for all).
 */
export function filterRows(rows, { text = '', severity = '' } = {}) {
  const needle = text.trim().toLowerCase();
  const worst = severity ? SEVERITY_RANK[severity] ?? 3 : 3;
  return rows.filter((r) => {
    if ((SEVERITY_RANK[r.severity] ?? 3) > worst) return false;
    if (!needle) return true;
    const hay = [r.url, r.method, String(r.status), r.title, ...r.ids].join('\n').toLowerCase();
    return hay.includes(needle);
  });
}

/**
 * A DevTools `onRequestFinished` HAR entry trimmed for keeping: the response body cut to
 * BODY_LIMIT characters (or dropped when base64) — the core reads only a body's start.
 * @param {any} entry
 * @param {string | null} body what `getContent` gave
 * @param {string | null} encoding
 */
export function keepEntry(entry, body, encoding) {
  const { getContent: _ignored, ...rest } = entry ?? {};
  const response = rest.response ?? {};
  const content = { ...(response.content ?? {}) };
  delete content.text;
  if (typeof body === 'string' && encoding !== 'base64') content.text = body.slice(0, BODY_LIMIT);
  return { ...rest, response: { ...response, content } };
}

/** A HAR 1.2 document of the DevTools entries kept, for the core (`checkHar`). */
export function harOfEntries(entries, version = '') {
  // Not "WebInspector": the core would take a missing Cookie header for Chrome's sanitized export.
  return { log: { version: '1.2', creator: { name: 'AuthLens DevTools panel', version }, pages: [], entries } };
}

/**
 * The `authlens check --format json`-shaped report of a live tab's analysis (the file is the
 * page), for the JSON download in tab mode; an imported file has the core's own report.
 */
export function reportOfEntries(entries, { version = '', file = '' } = {}) {
  const summary = { errors: 0, warnings: 0, infos: 0 };
  const out = (entries ?? []).map((e) => {
    for (const f of e.findings ?? []) {
      if (f.severity === 'error') summary.errors++;
      else if (f.severity === 'warn') summary.warnings++;
      else summary.infos++;
    }
    return { index: e.index, method: e.method, url: e.url, status: e.status, findings: e.findings ?? [] };
  });
  return { tool: 'authlens', version, input: { file, entries: null }, entries: out, summary };
}
