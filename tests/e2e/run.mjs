// Browser end-to-end suite: Debian's Chromium (headless, via playwright-core) with the unpacked
// extension, against the local scenario server. Each scenario drives a real page, then opens
// chrome-extension://<id>/popup.html?tab=<tabId> and asserts on the popup's DOM contract:
//   [data-entry][data-url][data-status] per flagged request, [data-finding][data-severity] per finding in rank order.
// Screenshots of the popup land in test-results/e2e/<scenario>.png.
//
// Usage: node tests/e2e/run.mjs   (E2E_ONLY=a,b runs a subset; CHROMIUM=/path overrides the browser)
// Prints `e2e: N passed, N failed` last and exits 1 when anything failed.
//
// Precise mode (issue 12 §4) runs on every scenario: the extension is loaded from a test copy whose
// manifest grants `debugger` (the test profile's stand-in for the user's consent), every tab a
// scenario opens gets precise mode before its first request, and afterwards the browser's own
// verdicts are compared with what inference found on the same capture. A scenario whose
// comparison disagrees fails unless tests/e2e/precise-disagreements.json lists it with the reason.
// The agreement rate is printed (`precise: …`) and written to test-results/e2e/precise.json.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';
import { scenarios } from './scenarios.mjs';
import { check, popupEntries, revealProblem, withTimeout } from './expect.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const EXT = join(ROOT, 'extension');
const OUT = join(ROOT, 'test-results', 'e2e');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// The CLI the stored captures are replayed through (build.sh builds it before the e2e).
const CLI = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'release', 'authlens');
const ONLY = (process.env.E2E_ONLY ?? '').split(',').filter(Boolean);

if (!existsSync(join(EXT, 'pkg', 'authlens_bg.wasm'))) {
  console.error('e2e: extension/pkg is missing; run ./build.sh ext first');
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
}
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// The test copy: the shipped files, with `debugger` granted up front (it is optional in the shipped
// manifest and asked for at the moment of use, which a headless run cannot click through).
const TEST_EXT = mkdtempSync(join(tmpdir(), 'authlens-e2e-ext-'));
cpSync(EXT, TEST_EXT, { recursive: true });
{
  const m = JSON.parse(readFileSync(join(EXT, 'manifest.json'), 'utf8'));
  // Still listed as optional too, so the popup's own permissions.request() is answered (granted).
  m.permissions = [...m.permissions, 'debugger'];
  writeFileSync(join(TEST_EXT, 'manifest.json'), JSON.stringify(m, null, 2));
}
/** Reviewed disagreements between the browser and inference: {scenario: {reason, ids}}. */
const REVIEWED = JSON.parse(readFileSync(join(ROOT, 'tests', 'e2e', 'precise-disagreements.json'), 'utf8')).scenarios ?? {};

const t0 = Date.now();
const server = await startServer();
const userDataDir = mkdtempSync(join(tmpdir(), 'authlens-e2e-profile-'));
const ctx = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1000, height: 700 },
  args: [
    `--disable-extensions-except=${TEST_EXT}`,
    `--load-extension=${TEST_EXT}`,
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--host-resolver-rules=MAP *.test 127.0.0.1',
    '--ignore-certificate-errors',
  ],
});

const results = [];
let exitCode = 0;
try {
  let sw = ctx.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  sw ??= await ctx.waitForEvent('serviceworker', { timeout: 15000 });
  const extId = new URL(sw.url()).host;
  const coreVersion = await sw.evaluate(() => globalThis.__authlens.ready);
  console.log(`e2e: Chromium ${ctx.browser()?.version() ?? '?'}, extension ${extId}, core ${coreVersion}, server http:${server.httpPort} https:${server.httpsPort}`);

  const env = {
    ctx,
    out: OUT,
    server,
    sw: () => sw,
    extId,
    tokens: server.tokens,
    log: server.log,
    https: (host, path) => `https://${host}:${server.httpsPort}${path}`,
    http: (host, path) => `http://${host}:${server.httpPort}${path}`,
    /** Waits until the extension has processed every finished request. */
    settle: async () => {
      await new Promise((r) => setTimeout(r, 250));
      await sw.evaluate(() => globalThis.__authlens.whenIdle());
    },
    /** The stored record of a tab (exchanges opened), as the worker reads it. */
    readTab: (tabId) => sw.evaluate((id) => globalThis.__authlens.readTab(id), tabId),
    stopServiceWorker: async () => {
      // ServiceWorker.* lives on page targets, not on the browser target.
      const p = await ctx.newPage();
      const s = await ctx.newCDPSession(p);
      await s.send('ServiceWorker.enable');
      await s.send('ServiceWorker.stopAllWorkers');
      await s.detach();
      await p.close();
    },
    /**
     * A fresh tab at `url`, and its tabs API id. Precise mode is turned on in the tab first, on a
     * neutral page of its own (the tab is found by that page's unique URL), so the browser reports
     * on every request `url` makes.
     */
    open: async (url) => {
      const page = await ctx.newPage();
      await page.goto(`http://precise.test:${server.httpPort}/page?tab=${++opened}`);
      const tabId = await tabIdOf(page);
      const on = await sw.evaluate((id) => globalThis.__authlens.precise.start(id).then(() => null, (e) => String(e)), tabId);
      if (on) throw new Error(`precise mode did not start: ${on}`);
      await page.goto(url);
      return { page, tabId };
    },
    /** A fresh tab at `url` without precise mode (a scenario that turns it on itself). */
    openPlain: async (url) => {
      const page = await ctx.newPage();
      await page.goto(url);
      return { page, tabId: await tabIdOf(page) };
    },
  };

  let opened = 0;
  async function tabIdOf(page) {
    const url = page.url();
    for (let i = 0; i < 20; i++) {
      const id = await sw.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)?.id ?? null, url);
      if (id !== null) return id;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no tab found for ${url}`);
  }

  for (const sc of scenarios) {
    if (ONLY.length && !ONLY.includes(sc.name)) continue;
    if (sc.browsers && !sc.browsers.includes('chromium')) continue;
    const started = Date.now();
    const result = { name: sc.name, title: sc.title, ok: false, ms: 0, detail: '', entries: [], captured: [], precise: null };
    const pages = [];
    try {
      await ctx.clearCookies();
      const track = (fn) => async (url) => {
        const o = await fn(url);
        pages.push(o.page);
        return o;
      };
      const tracked = { ...env, open: track(env.open), openPlain: track(env.openPlain) };
      const { tabId } = await withTimeout(sc.run(tracked), 20000, `scenario ${sc.name} timed out`);
      await env.settle();
      const popup = await ctx.newPage();
      pages.push(popup);
      await popup.setViewportSize({ width: 640, height: 600 });
      // The manifest's CSP is default-src 'none' plus what the popup needs: any refusal is a failure.
      const cspErrors = [];
      // Nothing a page sends may open a dialog in the popup.
      const dialogs = [];
      popup.on('dialog', (d) => (dialogs.push(d.message()), d.dismiss().catch(() => {})));
      popup.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && cspErrors.push(m.text().slice(0, 200)));
      await popup.goto(`chrome-extension://${extId}/popup.html?tab=${tabId}`);
      await popup.waitForSelector('body[data-ready="true"]', { timeout: 5000 });
      result.entries = await popupEntries(popup);
      const h = await popup.evaluate(() => document.documentElement.scrollHeight);
      await popup.setViewportSize({ width: 640, height: Math.min(Math.max(h, 200), 6000) }); // fullPage tiles here (P19)
      await popup.screenshot({ path: join(OUT, `${sc.name}.png`) });
      // The stored record (the capture the core saw, and its answer) is the first thing to read when a scenario fails.
      const stored = await sw.evaluate((id) => globalThis.__authlens.readTab(id), tabId);
      writeFileSync(join(OUT, `${sc.name}.json`), JSON.stringify(stored, null, 2));
      result.captured = (stored?.exchanges ?? []).map((x) => `${x.method} ${x.status || x.error} ${x.url}`);
      // The toolbar badge counts the tab's flagged requests (real tabs only).
      const badge = sc.checkPopup ? null : await sw.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
      const badgeProblem =
        badge !== null && badge !== (result.entries.length ? String(result.entries.length) : '')
          ? `badge shows "${badge}" for ${result.entries.length} flagged requests`
          : null;
      result.precise = await preciseOf(sw, tabId);
      const problem =
        check(sc.expect, result.entries) ??
        preciseProblem(sc.name, result.precise) ??
        badgeProblem ??
        (sc.checkPopup ? await sc.checkPopup(popup, env) : await revealProblem(popup, result.entries)) ??
        (sc.checkPopup ? null : await panelProblem(ctx, extId, tabId, result.entries)) ??
        (sc.checkPopup ? null : cliProblem(sc.name, stored, result.entries)) ??
        (cspErrors.length ? `CSP refused something in the popup: ${cspErrors[0]}` : null) ??
        (dialogs.length ? `the popup opened a dialog: ${dialogs[0]}` : null);
      result.ok = problem === null;
      result.detail = problem ?? '';
    } catch (e) {
      result.detail = String(e?.stack ?? e).split('\n').slice(0, 3).join(' | ');
    }
    for (const p of pages) await p.close().catch(() => {});
    result.ms = Date.now() - started;
    results.push(result);
    const got = result.entries.map((e) => `${e.status}:${e.findings.map((f) => f.id).join('>') || '-'}`).join('  ') || 'nothing flagged';
    console.log(`${result.ok ? 'PASS' : 'FAIL'} ${sc.name} (${result.ms} ms)${result.ok ? '' : `: ${result.detail}`}\n     got ${got}`);
    if (result.precise) console.log(`     precise ${preciseLine(result.precise)}`);
    if (!result.ok || process.env.E2E_VERBOSE) console.log(`     captured ${result.captured.join(' | ') || 'nothing'}`);
  }
} catch (e) {
  console.error('e2e: harness failure:', e);
  exitCode = 1;
} finally {
  await ctx.close().catch(() => {});
  await server.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
  rmSync(TEST_EXT, { recursive: true, force: true });
}

/**
 * The comparison of the browser's verdicts with inference on a scenario's tab: per compared
 * request its status, URL path, the browser's reasons, the inferred ids, and what differs.
 */
async function preciseOf(sw, tabId) {
  const a = await sw.evaluate((id) => globalThis.__authlens.preciseAnalysis(id).catch((e) => ({ error: String(e) })), tabId);
  if (a?.error) return { error: a.error, compared: [], reports: 0 };
  const compared = (a?.comparisons ?? []).map((c) => ({
    status: c.status,
    path: `${c.method} ${new URL(c.url).pathname}`,
    browser: c.verdicts.map((v) => `${v.subject ? `${v.subject}: ` : ''}${v.reasons.map((r) => r.split('.').pop()).join('+')}${v.compared ? '' : ' (not compared)'}`),
    inferred: c.inferred,
    missed: c.missed,
    unconfirmed: c.unconfirmed,
    agree: c.agree,
    reasonsMissed: c.reasonsMissed,
  }));
  return { compared, reports: (a?.comparisons?.length ?? 0) + (a?.unmatchedReports ?? 0) };
}

function preciseLine(p) {
  if (p.error) return `error: ${p.error}`;
  const agree = p.compared.filter((c) => c.agree).length;
  const bad = p.compared.filter((c) => !c.agree).map((c) => `${c.status} ${c.path}: browser [${c.browser.join(', ')}] missed [${c.missed}] unconfirmed [${c.unconfirmed}]`);
  return `${agree}/${p.compared.length} requests agree${bad.length ? `; ${bad.join(' | ')}` : ''}`;
}

/** A disagreement fails the scenario unless it is on the reviewed list (with its reason). */
function preciseProblem(name, p) {
  if (!p) return null;
  if (p.error) return `precise mode failed: ${p.error}`;
  const bad = p.compared.filter((c) => !c.agree);
  const reviewed = REVIEWED[name];
  if (bad.length && !reviewed) return `the browser and inference disagree: ${preciseLine(p)}`;
  if (!bad.length && reviewed) return `precise: ${name} is on the reviewed disagreement list but now agrees; remove it`;
  return null;
}

/**
 * The popup and the CLI agree (issue 10): the capture the popup's core diagnosed, stored as an
 * AuthLens capture file, gives `authlens check` the same flagged requests with the same first
 * finding. Kept under test-results/e2e/<scenario>.capture.json for anyone to replay.
 * @returns {string|null}
 */
function cliProblem(name, stored, entries) {
  const file = join(OUT, `${name}.capture.json`);
  const capture = { exchanges: stored?.exchanges ?? [], browser: 'chromium', thirdPartyCookiesBlocked: stored?.thirdPartyCookiesBlocked ?? null };
  writeFileSync(file, JSON.stringify(capture, null, 1));
  const out = spawnSync(CLI, ['check', file, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (out.status !== 0) return `authlens check on the stored capture exited ${out.status}: ${String(out.stderr).slice(0, 200)}`;
  const bare = (url) => String(url).split(/[?#]/, 1)[0];
  const line = (list) => list.map((e) => `${e.status} ${bare(e.url)}: ${e.findings[0]?.id ?? '-'}`).sort().join(' | ');
  const cli = line(JSON.parse(out.stdout).entries);
  const popup = line(entries);
  return cli === popup ? null : `authlens check on the stored capture disagrees with the popup: CLI ${cli || 'nothing'}; popup ${popup || 'nothing'}`;
}

/**
 * The DevTools panel page (panel.html?tab=<id>, issue 12) shows the same flagged requests with the
 * same findings in the same rank order as the popup (the rows may be ordered differently).
 * @returns {Promise<string|null>}
 */
async function panelProblem(ctx, extId, tabId, entries) {
  const panel = await ctx.newPage();
  try {
    await panel.goto(`chrome-extension://${extId}/panel.html?tab=${tabId}`);
    await panel.waitForSelector('body[data-ready="true"]', { timeout: 5000 });
    const rows = await panel.$$eval('#rows tr', (trs) => trs.map((tr) => `${tr.dataset.status}:${tr.dataset.findings}`));
    const want = entries.map((e) => `${e.status}:${e.findings.map((f) => f.id).join(' ')}`);
    const key = (l) => JSON.stringify([...l].sort());
    return key(rows) === key(want) ? null : `the panel shows ${rows.join(' | ') || 'nothing'}, the popup ${want.join(' | ') || 'nothing'}`;
  } finally {
    await panel.close().catch(() => {});
  }
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed + (exitCode ? 1 : 0);
writeFileSync(join(OUT, 'results.json'), JSON.stringify({ passed, failed, seconds: (Date.now() - t0) / 1000, results }, null, 2));
{
  const withPrecise = results.filter((r) => r.precise && !r.precise.error);
  const requests = withPrecise.flatMap((r) => r.precise.compared);
  const agreeing = requests.filter((c) => c.agree).length;
  const scenariosCompared = withPrecise.filter((r) => r.precise.compared.length);
  const scenariosAgreeing = scenariosCompared.filter((r) => r.precise.compared.every((c) => c.agree));
  // Requests with at least one verdict inference is expected to match (not browser-only, predictive, or on a success).
  const withVerdicts = requests.filter((c) => c.browser.some((b) => !b.endsWith('(not compared)')));
  const reasonLevel = withVerdicts.filter((c) => c.agree && !c.reasonsMissed.length).length;
  const summary = {
    requests: requests.length,
    agreeing,
    withVerdicts: withVerdicts.length,
    withVerdictsAgreeing: withVerdicts.filter((c) => c.agree).length,
    reasonLevelAgreeing: reasonLevel,
    reasonsMissed: withPrecise.flatMap((r) => r.precise.compared.filter((c) => c.agree && c.reasonsMissed.length).map((c) => `${r.name}: ${c.status} ${c.path}: ${c.reasonsMissed.join(', ')}`)),
    scenarios: scenariosCompared.length,
    scenariosAgreeing: scenariosAgreeing.length,
    notCompared: results.filter((r) => !r.precise?.compared?.length).map((r) => r.name),
    disagreements: Object.fromEntries(withPrecise.filter((r) => r.precise.compared.some((c) => !c.agree)).map((r) => [r.name, r.precise.compared.filter((c) => !c.agree)])),
  };
  writeFileSync(join(OUT, 'precise.json'), JSON.stringify(summary, null, 2));
  const pct = (a, b) => (b ? ` (${((100 * a) / b).toFixed(1)}%)` : '');
  console.log(`precise: ${agreeing}/${requests.length} compared requests agree${pct(agreeing, requests.length)}; ${scenariosAgreeing.length}/${scenariosCompared.length} scenarios agree throughout${pct(scenariosAgreeing.length, scenariosCompared.length)}; ${summary.notCompared.length} scenarios with nothing to compare`);
  console.log(`precise: of the ${withVerdicts.length} requests Chromium gave a verdict on, ${summary.withVerdictsAgreeing} agree on the cause${pct(summary.withVerdictsAgreeing, withVerdicts.length)} and ${reasonLevel} on every reason${pct(reasonLevel, withVerdicts.length)}`);
  for (const m of summary.reasonsMissed) console.log(`precise: reason not inferred (cause agreed): ${m}`);
}
console.log(`e2e: wall time ${((Date.now() - t0) / 1000).toFixed(1)} s; results in test-results/e2e/`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
