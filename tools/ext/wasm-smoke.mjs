// Instantiates the optimized module under Node and runs one analysis, so a broken wasm-opt
// output (PLATFORM.md P3) fails the build instead of the browser. Usage: node wasm-smoke.mjs PKG_DIR
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkg = resolve(process.argv[2] ?? 'extension/pkg');
const glue = await import(pathToFileURL(join(pkg, 'authlens.js')).href);
glue.initSync({ module: readFileSync(join(pkg, 'authlens_bg.wasm')) });
const capture = {
  browser: 'chromium',
  exchanges: [{ method: 'GET', url: 'https://api.example.test/me', status: 401, responseHeaders: [] }],
};
const out = glue.analyze(JSON.stringify(capture));
if (typeof out?.version !== 'string' || !Array.isArray(out.entries)) {
  console.error('wasm smoke: unexpected result', out);
  process.exit(1);
}
let threw = false;
try { glue.analyze('{not json'); } catch { threw = true; }
if (!threw) { console.error('wasm smoke: bad input did not throw'); process.exit(1); }
console.log(`wasm smoke: ok (core ${out.version}, ${out.entries.length} flagged entr${out.entries.length === 1 ? 'y' : 'ies'} for a bare 401)`);
