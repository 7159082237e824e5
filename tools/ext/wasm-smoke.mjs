// Instantiates the optimized module under Node and runs one analysis, so a broken wasm-opt
// output (PLATFORM.md P3) fails the build instead of the browser.
// Usage: node wasm-smoke.mjs PKG_DIR [worker|page]: the worker module must not carry the page module's exports
// (the split of src/wasm.rs is what keeps it small); the page module must have them and answer.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkg = resolve(process.argv[2] ?? 'extension/pkg');
const kind = process.argv[3] ?? 'worker';
const glue = await import(pathToFileURL(join(pkg, 'authlens.js')).href);
glue.initSync({ module: readFileSync(join(pkg, 'authlens_bg.wasm')) });
const capture = {
  browser: 'chromium',
  exchanges: [{ method: 'GET', url: 'https://api.example.test/me', status: 401, responseHeaders: [] }],
};
// A capture crosses as UTF-8 bytes (src/wasm.rs `parse`), as extension/core.js hands it over.
const bytes = (v) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const out = glue.analyze(bytes(capture));
if (typeof out?.version !== 'string' || !Array.isArray(out.entries)) {
  console.error('wasm smoke: unexpected result', out);
  process.exit(1);
}
// The shell's pre-filter (src/interest.rs) answers through the same module.
const t = glue.triage(JSON.stringify([{ method: 'GET', url: 'https://api.example.test/me', status: 401 }]));
if (t?.keep !== true || t.trigger !== 'failure' || glue.interest(JSON.stringify({ status: 200 })) !== null) {
  console.error('wasm smoke: unexpected triage/interest', t);
  process.exit(1);
}
// Bad input throws, and says so on the console (web_sys::console::warn_1 in src/wasm.rs).
let threw = false;
const warnings = [];
const warn = console.warn;
console.warn = (...args) => warnings.push(args.join(' '));
try { glue.analyze(bytes('{not json')); } catch { threw = true; } finally { console.warn = warn; }
if (!threw) { console.error('wasm smoke: bad input did not throw'); process.exit(1); }
if (!warnings.some((w) => w.includes('rejected a capture'))) { console.error('wasm smoke: bad input was not reported on the console'); process.exit(1); }
const pageExports = ['audit', 'auditMarkdown', 'checkHar', 'redactedHar', 'redactedHarOfCapture'];
const present = pageExports.filter((name) => typeof glue[name] === 'function');
if (kind === 'worker' && present.length) {
  console.error(`wasm smoke: the worker module exports ${present.join(', ')} (build it without the page feature)`);
  process.exit(1);
}
if (kind === 'page') {
  const missing = pageExports.filter((name) => !present.includes(name));
  if (missing.length) { console.error(`wasm smoke: the page module lacks ${missing.join(', ')}`); process.exit(1); }
  const har = { log: { version: '1.2', creator: { name: 'smoke', version: '1' }, entries: [] } };
  const checked = glue.checkHar(new TextEncoder().encode(JSON.stringify(har)), 'smoke.har', false);
  if (!Array.isArray(checked?.entries)) { console.error('wasm smoke: checkHar gave', checked); process.exit(1); }
}
console.log(`wasm smoke (${kind}): ok (core ${out.version}, ${out.entries.length} flagged entr${out.entries.length === 1 ? 'y' : 'ies'} for a bare 401)`);
