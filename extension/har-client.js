// The page side of har-worker.js: one module worker per page, requests matched to answers by id.
// Pure apart from the Worker constructor it is given (Node's tests pass a fake).

/**
 * @param {() => {postMessage: (m: any) => void, addEventListener: (t: string, f: (ev: any) => void) => void}} makeWorker
 */
export function createHarClient(makeWorker) {
  let worker = null;
  let nextId = 1;
  /** id → {resolve, reject, onProgress} */
  const pending = new Map();
  const start = () => {
    if (worker) return worker;
    worker = makeWorker();
    worker.addEventListener('message', (ev) => {
      const m = ev.data ?? {};
      const p = pending.get(m.id);
      if (!p) return;
      if (m.type === 'progress') return p.onProgress?.(m);
      pending.delete(m.id);
      if (m.type === 'error') p.reject(new Error(m.message));
      else p.resolve(m);
    });
    worker.addEventListener('error', (ev) => {
      // A worker that fails to load (the wasm, a CSP refusal) fails every pending request.
      for (const p of pending.values()) p.reject(new Error(ev?.message || 'the HAR worker failed to start'));
      pending.clear();
    });
    return worker;
  };
  const request = (msg, onProgress) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject, onProgress });
      start().postMessage({ ...msg, id });
    });
  return {
    /**
     * Checks a HAR file; `onProgress({phase, loaded, total})` while it is read and parsed.
     * `entries` are rows (findings with id, title, severity only); `details[i]` is entries[i]'s full
     * view as JSON text (see har-worker.js); `reportText` the JSON report for the export.
     * @returns {Promise<{entries: any[], details: string[], reportText: string, markdown: string, version: string}>}
     */
    check: (file, name, onProgress) => request({ type: 'check', file, name }, onProgress).then((m) => m.result),
    /** A redacted HAR (text) of the flagged requests of the last file checked. */
    redacted: () => request({ type: 'redact' }).then((m) => m.text),
    /** A redacted HAR (text) of the flagged requests of a live capture (`model::Capture` JSON). */
    redactedCapture: (captureJson) => request({ type: 'redact-capture', captureJson }).then((m) => m.text),
  };
}

/** "12.3 MB of 100.0 MB read" / "parsing 100.0 MB…": the progress line's text. */
export function progressText({ phase, loaded = 0, total = 0 }) {
  const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
  if (phase === 'parse') return `Diagnosing ${mb(loaded)}…`;
  return `Reading ${mb(loaded)} of ${mb(total)}…`;
}
