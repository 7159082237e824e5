// E2e (partial) for the HAR import page (issue 12 §2-§3): each examples/*.har and a malformed file
// go through import.html's file input in headless Chromium with the extension loaded; the ids
// and order in the table must equal `authlens check --format json` on the same file, the error
// text must be the CLI's, and the redacted HAR export must hold no Authorization/Cookie value.
// A HAR captured from the scenario server (a plain Chromium recording it with Playwright's
// recordHar: failing API calls, an expired token, a refused refresh) goes through the same checks.
// Run after `./build.sh ext` and a release CLI build: node tests/e2e/panel.mjs
// panel.html?tab=<id> after each live scenario is checked by run.mjs.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const EXT = join(ROOT, 'extension');
const CLI = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'release/authlens');
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'authlens-panel-')), {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  acceptDownloads: true,
  args: [`--disable-extensions-except=${EXT}`, `--load-extension=${EXT}`, '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
let failed = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed++;
};
try {
  let sw = ctx.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  sw ??= await ctx.waitForEvent('serviceworker', { timeout: 15000 });
  const extId = new URL(sw.url()).host;
  const page = await ctx.newPage();
  const hars = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.har')).map((f) => join(ROOT, 'examples', f));
  hars.push(await scenarioHar());
  const bad = join(mkdtempSync(join(tmpdir(), 'authlens-bad-')), 'bad.har');
  writeFileSync(bad, '{"log":{"entries":[{"request":{"headers":"x"}}]}}');
  for (const file of [...hars, bad]) {
    await page.goto(`chrome-extension://${extId}/import.html`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.setInputFiles('#file', file);
    await page.waitForSelector('body[data-imported]');
    const name = file.split('/').pop();
    let cli;
    try {
      cli = { ok: true, report: JSON.parse(execFileSync(CLI, ['check', '--format', 'json', file], { encoding: 'utf8' })) };
    } catch (e) {
      cli = { ok: false, stderr: String(e.stderr ?? '') };
    }
    if (!cli.ok) {
      const shown = await page.textContent('#error');
      check(cli.stderr.includes(shown ?? '\u0000') && Boolean(shown), `${name}: same error as the CLI (${shown})`);
      continue;
    }
    const got = await page.$$eval('#rows tr', (trs) => trs.map((tr) => `${tr.dataset.entry}:${tr.dataset.findings}`));
    const want = cli.report.entries.map((e) => `${e.index}:${e.findings.map((f) => f.id).join(' ')}`);
    check(JSON.stringify(got) === JSON.stringify(want), `${name}: ${want.length} entries, same ids and order as authlens check`);
    if (want.length) {
      // The detail pane paints the selected row's full entry (parsed from the worker's JSON text on selection).
      const first = await page.$eval('#rows tr', (tr) => tr.dataset.findings);
      const detail = await page.$$eval('#detail [data-finding]', (fs) => fs.map((f) => f.getAttribute('data-finding')).join(' '));
      check(detail === first, `${name}: the detail pane shows the selected row's findings (${detail})`);
    }
    if (want.length) {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-har')]);
      const text = readFileSync(await dl.path(), 'utf8');
      const src = JSON.parse(readFileSync(file, 'utf8'));
      const secrets = src.log.entries.flatMap((e) => [...(e.request?.headers ?? []), ...(e.response?.headers ?? [])])
        .filter((h) => /^(authorization|cookie|set-cookie)$/i.test(h.name) && String(h.value).length > 8)
        .map((h) => String(h.value).split(/[ =;]/).filter((p) => p.length > 8)).flat();
      const leaked = secrets.filter((s) => text.includes(s));
      check(leaked.length === 0, `${name}: redacted HAR export holds none of ${secrets.length} credential values`);
    }
  }
} finally {
  await ctx.close();
}
console.log(`panel e2e: ${failed ? `${failed} failed` : 'all passed'}`);

/** A HAR of failing calls to the scenario server, recorded by a plain Chromium (bodies embedded). */
async function scenarioHar() {
  const server = await startServer();
  const har = join(mkdtempSync(join(tmpdir(), 'authlens-har-')), 'scenario-server.har');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--host-resolver-rules=MAP *.test 127.0.0.1', '--ignore-certificate-errors'],
  });
  try {
    const c = await browser.newContext({ ignoreHTTPSErrors: true, recordHar: { path: har, content: 'embed' } });
    const p = await c.newPage();
    await p.goto(`https://app.a.test:${server.httpsPort}/page`);
    await p.evaluate(async (expired) => {
      const go = (url, init) => fetch(url, init).then((r) => r.text()).catch(() => null);
      await go('/api/me');
      await go('/api/me', { headers: { Authorization: `Bearer ${expired}` } });
      await go('/idp/token', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&refresh_token=rt-expired-1' });
      await go('/idp/api');
    }, server.tokens.expired);
    await c.close();
  } finally {
    await browser.close();
    await server.close();
  }
  return har;
}
process.exit(failed ? 1 : 0);
