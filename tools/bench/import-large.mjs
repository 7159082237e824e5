// Measures a large HAR import in the extension's import page (issue 12 §2): headless Chromium, the
// built extension, a file from tools/gen_bench_har.py (about 100 MB by default). Reports the wall
// time from choosing the file to the painted table, the progress lines the page showed, and the
// page's responsiveness meanwhile: the longest gap between two ticks of a 50 ms timer on the main
// thread (a gap far above 50 ms means the page froze), and whether a click was answered in time.
// A measurement, not a test: run it by hand after ./build.sh ext; it prints, it does not assert.
//
// Usage: node tools/bench/import-large.mjs [ENTRIES]   (default 19300 ≈ 100 MB, failure-heavy mix)

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '../..');
const EXT = join(ROOT, 'extension');
const entries = Number(process.argv[2] ?? 19300);
const dir = mkdtempSync(join(tmpdir(), 'authlens-import-large-'));
const har = join(dir, 'large.har');
execFileSync('python3', [join(ROOT, 'tools/gen_bench_har.py'), String(entries), har, '--mix', 'failure-heavy'], { stdio: 'ignore' });
const bytes = statSync(har).size;

const ctx = await chromium.launchPersistentContext(join(dir, 'profile'), {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [`--disable-extensions-except=${EXT}`, `--load-extension=${EXT}`, '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  let sw = ctx.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  sw ??= await ctx.waitForEvent('serviceworker', { timeout: 15000 });
  const extId = new URL(sw.url()).host;
  const page = await ctx.newPage();
  await page.goto(`chrome-extension://${extId}/import.html`);
  await page.waitForSelector('body[data-ready="true"]');
  // The probes: a 50 ms timer whose largest gap is kept, and the progress line's texts as shown.
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__probe = { maxGap: 0, ticks: 0, progress: [], t0: performance.now() };
    let last = performance.now();
    w.__probe.timer = setInterval(() => {
      const now = performance.now();
      if (now - last > w.__probe.maxGap) {
        w.__probe.maxGap = now - last;
        w.__probe.gapEnd = Math.round(now - w.__probe.t0);
      }
      w.__probe.ticks++;
      last = now;
    }, 50);
    const p = document.getElementById('progress');
    new MutationObserver(() => {
      const t = p?.hidden ? '' : p?.textContent ?? '';
      if (t && w.__probe.progress.at(-1)?.text !== t) w.__probe.progress.push({ ms: Math.round(performance.now() - w.__probe.t0), text: t });
    }).observe(p, { childList: true, characterData: true, subtree: true, attributes: true });
  });
  const t0 = Date.now();
  await page.setInputFiles('#file', har);
  // A click on the filter box while the worker works: answered at once if the page is responsive.
  await page.waitForTimeout(1500);
  const clickStart = Date.now();
  await page.click('#filter', { timeout: 60000 });
  const clickMs = Date.now() - clickStart;
  await page.waitForSelector('body[data-imported]', { timeout: 600000 });
  const wall = Date.now() - t0;
  await page.waitForSelector('body[data-rows="complete"]', { timeout: 600000 });
  const allRows = Date.now() - t0;
  const probe = await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    clearInterval(w.__probe.timer);
    return { maxGap: Math.round(w.__probe.maxGap), gapEnd: w.__probe.gapEnd, ticks: w.__probe.ticks, progress: w.__probe.progress, rows: document.querySelectorAll('#rows tr').length, imported: document.body.dataset.imported };
  });
  console.log(`import-large: ${(bytes / 1e6).toFixed(1)} MB, ${entries} entries → ${probe.imported}, ${probe.rows} flagged rows`);
  console.log(`import-large: ${(wall / 1000).toFixed(1)} s from choosing the file to the first rows and the detail, ${(allRows / 1000).toFixed(1)} s to every row`);
  console.log(`import-large: main thread: longest gap between 50 ms ticks ${probe.maxGap} ms, ending ${probe.gapEnd} ms after the probe started (${probe.ticks} ticks); a click during the import answered in ${clickMs} ms`);
  console.log(`import-large: progress lines shown: ${probe.progress.length}, first "${probe.progress[0]?.text ?? ''}", last "${probe.progress.at(-1)?.text ?? ''}" at ${probe.progress.at(-1)?.ms ?? '?'} ms`);
} finally {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
}
