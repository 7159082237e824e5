// The site-owner audit end to end (issue 9): each flow is recorded through the popup's "Audit this
// site" button, finished, and read on the audit page (DOM contract: data-grade, data-finding /
// data-severity, data-browser / data-verdict). The same flow is then played in a plain Chromium
// recording a HAR (Playwright recordHar), and `authlens audit --format json` on that HAR must give
// the same ids as the page. The careful flow also stops the extension's worker mid-recording, and
// closes the tab at the end: the recording must survive the first and go with the second.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { badFlow, goodFlow, LIVE_EXPECT } from './audit-flows.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'test-results', 'e2e');
const CLI = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'release', 'authlens');

/** Plays `flow` in its own tab. */
async function play(flow, page, env, between) {
  if (flow === 'bad') return badFlow(page, env);
  const origin = (host) => env.https(host, '').replace(/\/$/, '');
  return goodFlow(page, origin, { careful: flow === 'careful', between });
}

const startUrl = (flow, env) => (flow === 'bad' ? env.http('www.b.test', '/audit/bad/login') : env.https('app.a.test', '/audit/good/'));

/** The audit page as painted: grade, findings and browser verdict cells. */
function readAuditPage(page) {
  return page.evaluate(() => ({
    grade: document.querySelector('[data-grade]')?.getAttribute('data-grade') ?? null,
    findings: [...document.querySelectorAll('[data-finding]')].map((f) => ({ id: f.getAttribute('data-finding'), severity: f.getAttribute('data-severity') })),
    verdicts: [...document.querySelectorAll('[data-browser]')].map((c) => `${c.closest('[data-matrix-finding]')?.getAttribute('data-matrix-finding')}:${c.getAttribute('data-browser')}:${c.getAttribute('data-verdict')}`),
    text: document.body.innerText,
  }));
}

/** The same flow in a plain Chromium recording a HAR; the CLI's audit of it. */
async function cliAudit(flow, env) {
  // Kept as an artefact: the HAR CI users would feed `authlens audit`.
  const har = join(OUT, `audit-${flow}.har`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--host-resolver-rules=MAP *.test 127.0.0.1', '--ignore-certificate-errors'],
  });
  try {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, recordHar: { path: har, content: 'omit' } });
    const page = await ctx.newPage();
    await page.goto(startUrl(flow, env));
    await play(flow, page, env, async () => {});
    await ctx.close();
  } finally {
    await browser.close();
  }
  const out = spawnSync(CLI, ['audit', har, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (out.status !== 0) throw new Error(`authlens audit exited ${out.status}: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

function auditScenario(flow) {
  const state = { problem: 'the scenario did not run' };
  return {
    name: `audit-${flow}-flow`,
    title: `site-owner audit of the ${flow} sign-in flow: recorded from the popup, graded on the audit page, same ids as authlens audit on its HAR`,
    expect: {},
    async run(env) {
      const problems = [];
      // The tab starts on a neutral page; the flow's first page loads once recording has begun,
      // as it does in the HAR of the same flow.
      const { page, tabId } = await env.open(env.https('app.c.test', '/page'));
      const popup = await env.ctx.newPage();
      await popup.goto(`chrome-extension://${env.extId}/popup.html?tab=${tabId}`);
      await popup.waitForSelector('body[data-ready="true"]', { timeout: 5000 });
      await popup.click('#audit');
      await popup.waitForSelector('body[data-audit="recording"]', { timeout: 5000 });
      const badge = await env.sw().evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
      if (badge !== 'REC') problems.push(`badge while recording is "${badge}", not REC`);
      const between = flow === 'careful'
        ? async () => {
          await env.settle();
          await env.stopServiceWorker();
          await new Promise((r) => setTimeout(r, 300));
        }
        : async () => {};
      await page.goto(startUrl(flow, env));
      await play(flow, page, env, between);
      await env.settle();
      await popup.reload();
      await popup.waitForSelector('body[data-audit="recording"]', { timeout: 5000 }).catch(() => problems.push('the recording did not survive (popup no longer shows it)'));
      const opened = env.ctx.waitForEvent('page', { timeout: 10000 });
      await popup.click('#audit');
      const auditPage = await opened;
      await auditPage.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
      await auditPage.setViewportSize({ width: 1100, height: 900 });
      const before = await readAuditPage(auditPage);
      await auditPage.screenshot({ path: join(OUT, `audit-${flow}.png`), fullPage: true });
      const badgeAfter = await env.sw().evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
      if (badgeAfter === 'REC') problems.push('badge still REC after finishing');

      const want = LIVE_EXPECT[flow];
      const ids = [...new Set(before.findings.map((f) => f.id))].sort();
      if (before.grade !== want.grade) problems.push(`grade ${before.grade}, expected ${want.grade} (${ids.join(', ')})`);
      for (const id of want.ids) if (!ids.includes(id)) problems.push(`audit page lacks ${id}`);
      if (want.clean) {
        const bad = before.findings.filter((f) => f.severity !== 'info');
        if (bad.length) problems.push(`a clean flow shows ${bad.map((f) => `${f.id}/${f.severity}`).join(', ')}`);
      }
      if (flow === 'bad') {
        for (const v of ['cookie-samesite-unset:chromium:blocked', 'cookie-samesite-unset:firefox:works', 'cors-wildcard-with-credentials:safari:blocked']) {
          if (!before.verdicts.includes(v)) problems.push(`no browser verdict ${v}`);
        }
        if (before.text.includes('bad-session-value')) problems.push('the session cookie value shows before Reveal');
        await auditPage.click('#reveal');
        await auditPage.waitForSelector('body[data-reveal="on"]', { timeout: 5000 });
        const after = await readAuditPage(auditPage);
        const idsAfter = [...new Set(after.findings.map((f) => f.id))].sort();
        if (idsAfter.join() !== ids.join()) problems.push('Reveal changed the findings');
      }

      // The same flow, recorded as a HAR by a plain browser: the CLI must agree.
      const cli = await cliAudit(flow, env);
      const cliIds = [...new Set(cli.findings.map((f) => f.id))].sort();
      writeFileSync(join(OUT, `audit-${flow}.json`), JSON.stringify({ page: before.findings, cli: cli.findings.map((f) => ({ id: f.id, severity: f.severity, entries: f.entries })) }, null, 2));
      if (cliIds.join() !== ids.join()) problems.push(`authlens audit on the HAR gives [${cliIds.join(', ')}], the audit page [${ids.join(', ')}]`);
      if (cli.grade !== before.grade) problems.push(`CLI grade ${cli.grade}, page ${before.grade}`);

      if (flow === 'careful') {
        await page.close();
        await new Promise((r) => setTimeout(r, 300));
        const left = await env.sw().evaluate((id) => globalThis.__authlens.readAudit(id), tabId).catch(() => 'unreadable');
        if (left !== null) problems.push('the recording was not dropped when its tab closed');
      }
      await auditPage.close();
      await popup.close();
      state.problem = problems.length ? problems.join('; ') : null;
      return { tabId };
    },
    async checkPopup() {
      return state.problem;
    },
  };
}

export const auditScenarios = ['good', 'careful', 'bad'].map(auditScenario);
