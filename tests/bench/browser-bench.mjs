// Opens tools/bench/bench.html in headless Chromium and prints the figures the page measured
// (BENCHMARKS.md). The page is no part of the extension: it is copied, with a copy of the built
// extension/, into a temporary directory that is loaded unpacked (an extension page runs the wasm
// under the extension's CSP, as the popup does). Launch flags as in tests/e2e/run.mjs.
//
// Usage: node tests/bench/browser-bench.mjs [CAPTURE.json ...]
//   Each CAPTURE.json (tools/gen_bench_har.py --capture) is also timed in the page, so the browser
//   figure is on the same exchanges as the native and Node ones. BENCH_N / BENCH_REPS set the size
//   and repetitions of the page's own generated capture (default 10000 / 7). CHROMIUM overrides the browser.

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'extension');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(join(SRC, 'pkg', 'authlens_bg.wasm'))) {
  console.error('browser-bench: extension/pkg is missing; run ./build.sh ext first');
  process.exit(1);
}
const EXT = mkdtempSync(join(tmpdir(), 'authlens-bench-ext-'));
cpSync(SRC, EXT, { recursive: true });
for (const f of ['bench.html', 'bench.js']) cpSync(join(ROOT, 'tools', 'bench', f), join(EXT, f));
const userDataDir = mkdtempSync(join(tmpdir(), 'authlens-bench-profile-'));
const ctx = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    `--disable-extensions-except=${EXT}`,
    `--load-extension=${EXT}`,
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
let code = 0;
try {
  let sw = ctx.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  sw ??= await ctx.waitForEvent('serviceworker', { timeout: 30000 });
  const extId = new URL(sw.url()).host;
  const page = await ctx.newPage();
  const n = process.env.BENCH_N ?? '10000';
  const reps = process.env.BENCH_REPS ?? '7';
  await page.goto(`chrome-extension://${extId}/bench.html?n=${n}&reps=${reps}`);
  await page.waitForSelector('body[data-done]', { timeout: 600000 });
  console.log(`browser-bench: Chromium ${ctx.browser()?.version() ?? '?'}`);
  console.log(await page.textContent('#out'));
  if ((await page.getAttribute('body', 'data-done')) !== '1') code = 1;
  for (const file of process.argv.slice(2)) {
    const text = readFileSync(file, 'utf8');
    const r = await page.evaluate(([t, label, k]) => globalThis.authlensBench.run(t, label, k), [text, `analyze ${basename(file)}`, Number(reps)]);
    console.log(`${r.label}: ${r.entries} entries  median ${r.medianMs.toFixed(1)} ms  min ${r.minMs.toFixed(1)} ms  ` +
      `${Math.round(r.entriesPerSec)} entries/s  ${r.usPerEntry.toFixed(2)} µs/entry  (${r.flagged} flagged, reps ${r.reps})`);
  }
} catch (e) {
  console.error(`browser-bench: ${e?.stack ?? e}`);
  code = 1;
} finally {
  await ctx.close();
  rmSync(userDataDir, { recursive: true, force: true });
  rmSync(EXT, { recursive: true, force: true });
}
process.exit(code);
