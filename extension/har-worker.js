// AuthLens HAR worker: reads a HAR file and checks it with the wasm core off the main thread, so
// the import page and the DevTools panel stay responsive with 100 MB files. It loads the wasm
// itself. Protocol (postMessage):
//   in  {type: 'check', id, file: Blob, name}        → progress…, then done {report, entries, markdown} or error
//   in  {type: 'redact', id}                         → redacted {text}: a redacted HAR of the last file's flagged requests
//   in  {type: 'redact-capture', id, captureJson}    → redacted {text}: the same for a live tab capture
//   out {type: 'progress', id, phase: 'read'|'parse', loaded, total}
//   out {type: 'done'|'redacted'|'error', id, …}; an error's `message` is the CLI's text (HarError).

import * as wasm from './pkg/authlens.js';

const ready = wasm.default({ module_or_path: new URL('./pkg/authlens_bg.wasm', import.meta.url) });
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
    post({ type: 'done', result });
  } else if (msg.type === 'redact') {
    if (!lastBytes) throw new Error('no HAR file has been checked yet');
    post({ type: 'redacted', text: wasm.redactedHar(lastBytes) });
  } else if (msg.type === 'redact-capture') {
    post({ type: 'redacted', text: wasm.redactedHarOfCapture(String(msg.captureJson)) });
  } else {
    throw new Error(`unknown request ${String(msg.type)}`);
  }
}

self.addEventListener('message', (ev) => {
  const msg = ev.data ?? {};
  handle(msg).catch((e) => self.postMessage({ id: msg.id, type: 'error', message: String(e?.message ?? e) }));
});
