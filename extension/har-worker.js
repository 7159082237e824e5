// AuthLens HAR worker: reads a HAR file and checks it with the wasm core off the main thread, so
// the import page and the DevTools panel stay responsive with 100 MB files. It loads the wasm
// itself. Protocol (postMessage):
//   in  {type: 'check', id, file: Blob, name}        → progress…, then done {entries, details, reportText, markdown, version} or error
//       `entries` are the table's rows only (index, method, URL, status, times, each finding's id, title and
//       severity); `details[i]` is entry i's full view as JSON text, parsed by the page only when that row is
//       opened; `reportText` is `authlens check --format json`'s report, pretty-printed, for the export. Text
//       crosses to the page as a cheap copy, where 3,500 flagged entries of a 100 MB file as objects (about
//       45 MB) froze the page for over a second to deserialize.
//   in  {type: 'redact', id}                         → redacted {text}: a redacted HAR of the last file's flagged requests
//   in  {type: 'redact-capture', id, captureJson}    → redacted {text}: the same for a live tab capture
//   out {type: 'progress', id, phase: 'read'|'parse', loaded, total}
//   out {type: 'done'|'redacted'|'error', id, …}; an error's `message` is the CLI's text (HarError).

// The page module: the worker module (./pkg) has no HAR import or export (src/wasm.rs).
import * as wasm from './pkg-page/authlens.js';

const ready = wasm.default({ module_or_path: new URL('./pkg-page/authlens_bg.wasm', import.meta.url) });
/** The bytes of the last file checked, kept for its export (the worker dies with the page). */
let lastBytes = null;
/** Progress is posted at most every this many bytes read (a message per chunk would flood). */
const PROGRESS_STEP = 1 << 20;

/**
 * Reads a Blob into one Uint8Array, posting progress as it goes.
 * @param {Blob} file
 * @param {(loaded: number) => void} onProgress
 */
async function readAll(file, onProgress) {
  const out = new Uint8Array(file.size);
  let loaded = 0;
  let reported = 0;
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    // A Blob's size is fixed, but guard against a stream longer than announced.
    if (loaded + value.length > out.length) throw new Error('the file changed while it was read');
    out.set(value, loaded);
    loaded += value.length;
    if (loaded - reported >= PROGRESS_STEP) {
      reported = loaded;
      onProgress(loaded);
    }
  }
  return loaded === out.length ? out : out.subarray(0, loaded);
}

/** What the page needs at once (rows) and, as text, what it needs later (details, exports). */
function slim(result) {
  const entries = (result.entries ?? []).map((e) => ({
    index: e.index,
    method: e.method,
    url: e.url,
    status: e.status,
    error: e.error ?? null,
    startedMs: e.startedMs ?? null,
    recoveredBy: e.recoveredBy ?? null,
    findings: (e.findings ?? []).map((f) => ({ id: f.id, title: f.title, severity: f.severity })),
  }));
  return {
    entries,
    details: (result.entries ?? []).map((e) => JSON.stringify(e)),
    reportText: `${JSON.stringify(result.report ?? null, null, 2)}\n`,
    markdown: result.markdown ?? '',
    version: result.report?.version ?? '',
  };
}

async function handle(msg) {
  const { id } = msg;
  const post = (m) => self.postMessage({ id, ...m });
  await ready;
  if (msg.type === 'check') {
    const file = /** @type {Blob} */ (msg.file);
    const total = file.size;
    post({ type: 'progress', phase: 'read', loaded: 0, total });
    lastBytes = null;
    const bytes = await readAll(file, (loaded) => post({ type: 'progress', phase: 'read', loaded, total }));
    post({ type: 'progress', phase: 'parse', loaded: bytes.length, total });
    const result = wasm.checkHar(bytes, String(msg.name ?? 'file.har'), false);
    lastBytes = bytes;
    post({ type: 'done', result: slim(result) });
  } else if (msg.type === 'redact') {
    if (!lastBytes) throw new Error('no HAR file has been checked yet');
    post({ type: 'redacted', text: wasm.redactedHar(lastBytes) });
  } else if (msg.type === 'redact-capture') {
    post({ type: 'redacted', text: wasm.redactedHarOfCapture(new TextEncoder().encode(String(msg.captureJson))) });
  } else {
    throw new Error(`unknown request ${String(msg.type)}`);
  }
}

self.addEventListener('message', (ev) => {
  const msg = ev.data ?? {};
  handle(msg).catch((e) => self.postMessage({ id: msg.id, type: 'error', message: String(e?.message ?? e) }));
});
