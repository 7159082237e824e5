// Page-load overhead of the extension (issue 13): a loopback scenario page fires 300 requests and
// records when the last one has answered; the same page is loaded alternately in a headless
// Chromium with the extension and in one without it, in the same run, and the median of the paired
// ratios (with / without) is the figure. Pairs alternate which browser goes first (ABBA), so a
// drift in the machine's load falls on both sides.
//
// Scenarios (the server answers every request at once; nothing is cached):
//   healthy  300 same-origin fetches, every answer a 200 setting a cookie;
//   failing  300 fetches, 40% answered 401 (with a challenge): half of those same-origin, half
//            cross-origin with an Authorization header, so each is preceded by a CORS preflight.
//
// Usage: node tests/bench/pageload-bench.mjs [--pairs N] [--warmup N] [--scenario healthy,failing]
//   EXT=dir benchmarks another built extension directory (default extension/); BENCH_EXTRA=variant
//   loads a copy whose webRequest listeners keep `extraHeaders` only where the variant says
//   (all | send | send+recv | none) — a measurement of what `extraHeaders` costs per listener, not a
//   shipping configuration; BENCH_LISTENERS=onSendHeaders,… keeps only the named webRequest listeners;
//   BENCH_NOOP=1 loads a copy whose listeners do nothing (the floor). Prints one line per scenario, and
//   JSON last (--json).
//   --startup also measures start-up: the service worker's cold start to its first analysis, and
//   the popup's first paint with ≥ 200 findings (startupFigures; --popup-failures N, default 60;
//   `--scenario none --startup` measures only that); --heap the worker's heap after 10,000 failed
//   requests over 20 tabs (heapFigures; HEAP_TABS and HEAP_PER_TAB change the shape); --profile the
//   worker's CPU profile over 5 loads of each scenario (PROFILE_OUT=file.cpuprofile keeps it).

import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const PAIRS = Number(opt('pairs', '20'));
const WARMUP = Number(opt('warmup', '3'));
// `--scenario none` runs none (with --startup: only the start-up figures).
const SCENARIOS = opt('scenario', 'healthy,failing').split(',').filter((x) => x && x !== 'none');
const N = Number(opt('requests', '300'));
/** Failures the popup's tab is filled with for --startup: 60 × 401 hold ≥ 50 flagged requests and ≥ 200 findings. */
const POPUP_FAILURES = Number(opt('popup-failures', '60'));
const SRC = resolve(process.env.EXT ?? join(ROOT, 'extension'));
const EXTRA_VARIANT = process.env.BENCH_EXTRA ?? 'all';

if (!existsSync(join(SRC, 'pkg', 'authlens_bg.wasm'))) {
  console.error(`pageload-bench: ${SRC}/pkg is missing; run ./build.sh ext first`);
  process.exit(1);
}

// ---- the loopback server ------------------------------------------------------------------------

/** An expired-looking JWT (header.payload.signature; the signature is not checked by anyone). */
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: 'u1', aud: 'api', iss: 'https://id.test', exp: 1700000000, iat: 1699990000 })}.c2ln`;

function pageHtml(scenario, n, apiOrigin) {
  return `<!doctype html><meta charset=utf-8><title>${scenario}</title><body><script>
const N = ${n}, API = ${JSON.stringify(apiOrigin)}, JWT = ${JSON.stringify(JWT)};
const jobs = [];
window.__startEpoch = performance.timeOrigin + performance.now();
for (let i = 0; i < N; i++) {
  let p;
  if (${JSON.stringify(scenario)} === 'healthy') p = fetch('/api/ok?i=' + i);
  else if (${JSON.stringify(scenario)} === 'single') p = fetch('/api/deny?i=' + i);
  else if (${JSON.stringify(scenario)} === 'popup') p = fetch((i % 2 ? API : '') + '/api/deny?i=' + i, {   // every one a 401 with an expired token
    credentials: 'include', headers: { Authorization: 'Bearer ' + JWT } });
  else if (i % 5 === 1) p = fetch('/api/deny?i=' + i);                       // 20%: same-origin 401
  else if (i % 5 === 3) p = fetch(API + '/api/deny?i=' + i, {                 // 20%: cross-origin 401 behind a preflight
    credentials: 'include', headers: { Authorization: 'Bearer ' + JWT } });
  else p = fetch('/api/ok?i=' + i);                                           // 60%: healthy
  jobs.push(p.then((r) => r.status, () => 0));
}
Promise.all(jobs).then((s) => { window.__statuses = s; window.__doneMs = performance.now(); });
</script>`;
}

function startServer() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const origin = req.headers.origin;
    const cors = origin
      ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' }
      : {};
    const base = { 'cache-control': 'no-store', ...cors };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...base, 'access-control-allow-headers': 'authorization', 'access-control-allow-methods': 'GET', 'access-control-max-age': '0' });
      return res.end();
    }
    if (url.pathname.startsWith('/page/')) {
      const scenario = url.pathname.slice('/page/'.length);
      const api = `http://api.bench.test:${server.address().port}`;
      res.writeHead(200, { ...base, 'content-type': 'text/html; charset=utf-8' });
      return res.end(pageHtml(scenario, Number(url.searchParams.get('n') ?? N), api));
    }
    if (url.pathname === '/api/ok') {
      const i = Number(url.searchParams.get('i') ?? 0);
      res.writeHead(200, { ...base, 'content-type': 'application/json', 'set-cookie': `pref${i % 8}=v${i}; Path=/; SameSite=Lax` });
      return res.end('{"ok":true}');
    }
    if (url.pathname === '/api/deny') {
      res.writeHead(401, { ...base, 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="api", error="invalid_token", error_description="The access token expired"' });
      return res.end('{"error":"invalid_token"}');
    }
    res.writeHead(404, base);
    res.end();
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

// ---- the two browsers ---------------------------------------------------------------------------

/** A copy of the extension whose listeners keep `extraHeaders` only where `variant` says. */
function extensionCopy(variant) {
  const dir = mkdtempSync(join(tmpdir(), 'authlens-pageload-ext-'));
  cpSync(SRC, dir, { recursive: true });
  if (variant !== 'all') {
    const keep = { send: ['onSendHeaders'], recv: ['onHeadersReceived'], 'send+recv': ['onSendHeaders', 'onHeadersReceived'], none: [] }[variant];
    if (!keep) throw new Error(`BENCH_EXTRA: unknown variant ${variant}`);
    const bg = join(dir, 'background.js');
    const text = readFileSync(bg, 'utf8')
      .split('\n')
      .map((line) => {
        const m = /wr\.(on\w+)\.addListener/.exec(line);
        return m && !keep.includes(m[1]) ? line.replaceAll(', ...EXTRA]', ']').replace(/errorSpec\(\)\)/g, 'undefined)') : line;
      })
      .join('\n');
    writeFileSync(bg, text);
  }
  if (process.env.BENCH_LISTENERS) {
    // Only these webRequest listeners are registered (a measurement of what each listener costs).
    const keep = process.env.BENCH_LISTENERS.split(',');
    const bg = join(dir, 'background.js');
    const lines = readFileSync(bg, 'utf8').split('\n');
    const text = lines.filter((line) => {
      const m = /^(?:if \(errorSpec\(\)\) |else )?wr\.(on\w+)\.addListener/.exec(line);
      return !m || keep.includes(m[1]);
    });
    writeFileSync(bg, text.join('\n'));
  }
  if (process.env.BENCH_NOOP) {
    // The floor: the same listeners (and extraInfoSpec), doing nothing.
    const bg = join(dir, 'background.js');
    writeFileSync(bg, readFileSync(bg, 'utf8').replace(/addListener\(capture\.on\w+,/g, 'addListener(() => {},'));
  }
  return dir;
}

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--host-resolver-rules=MAP *.test 127.0.0.1'];

async function launch(ext) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'authlens-pageload-profile-'));
  const args = ext ? [`--disable-extensions-except=${ext}`, `--load-extension=${ext}`, ...FLAGS] : [...FLAGS];
  const ctx = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args });
  let sw = null;
  if (ext) {
    sw = ctx.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
    sw ??= await ctx.waitForEvent('serviceworker', { timeout: 30000 });
    await sw.evaluate(() => globalThis.__authlens.ready);
  }
  const page = await ctx.newPage();
  return { ctx, sw, page, userDataDir };
}

/**
 * CPU time (ms, user + system) so far of every process of the browser `b` (found by its profile
 * directory on the command line), and of its extension process alone. Linux /proc; 10 ms ticks.
 * Unlike the page's wall time this hardly moves with the machine's load.
 */
function cpuOf(b) {
  let all = 0;
  let ext = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes(`--user-data-dir=${b.userDataDir}`)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(f[11]) + Number(f[12])) * 1000) / TICKS;
      all += ms;
      if (cmd.includes('--extension-process')) ext += ms;
    } catch {
      // The process ended meanwhile.
    }
  }
  return { all, ext };
}
const TICKS = 100;

/** One load of the scenario page: ms from navigation start until the last request answered, and the browser's CPU for it. */
async function loadOnce(b, url) {
  const before = cpuOf(b);
  await b.page.goto(url);
  await b.page.waitForFunction(() => window.__doneMs !== undefined, null, { timeout: 60000, polling: 20 });
  const { ms, statuses } = await b.page.evaluate(() => ({ ms: window.__doneMs, statuses: window.__statuses }));
  // What the load left the extension to do (its debounced analysis) is its cost too.
  await settle(b);
  const after = cpuOf(b);
  return { ms, statuses, cpuMs: after.all - before.all, extCpuMs: after.ext - before.ext };
}

/** Lets the extension finish what the load left it (its debounced analysis), so no load pays for the previous one's. */
async function settle(b) {
  if (!b.sw) return;
  await new Promise((r) => setTimeout(r, 50));
  await b.sw.evaluate(() => globalThis.__authlens.whenIdle());
}

/** The extension's service worker now (a stopped one is replaced by a new one). */
async function workerOf(ctx) {
  for (let i = 0; i < 100; i++) {
    const sw = ctx.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
    if (sw) return sw;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no service worker');
}

/**
 * Start-up (issue 13): (1) the service worker stopped (CDP), then a page whose one request fails
 * wakes it: its marks (ms since the worker started) for the core loaded, the request seen, the
 * first analysis done; (2) the popup opened on a fresh tab filled with POPUP_FAILURES failures
 * (≥ 50 flagged requests, ≥ 200 findings: the budget's size), timed from navigation to the first
 * painted finding.
 */
async function startupFigures() {
  const b = withExt;
  const cold = [];
  for (let i = 0; i < 5; i++) {
    const p = await b.ctx.newPage();
    const cdp = await b.ctx.newCDPSession(p);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
    await p.close();
    await new Promise((r) => setTimeout(r, 500));
    // A fresh tab: its first analysis is of its one failing request, not of an earlier record.
    const tab = await b.ctx.newPage();
    await tab.goto(`http://app.bench.test:${port}/page/single?n=1&cold=${i}`);
    await tab.waitForFunction(() => window.__doneMs !== undefined, null, { timeout: 30000 });
    const startEpoch = await tab.evaluate(() => window.__startEpoch);
    let marks = null;
    for (let k = 0; k < 100 && !marks?.firstAnalysisMs; k++) {
      await new Promise((r) => setTimeout(r, 50));
      marks = await (await workerOf(b.ctx)).evaluate(() => globalThis.__authlens?.startup ?? null).catch(() => null);
    }
    if (!marks?.firstAnalysisMs) throw new Error('the restarted worker never analysed');
    cold.push({ ...marks, requestToAnalysisMs: marks.timeOrigin + marks.firstAnalysisMs - startEpoch });
    await tab.close();
  }
  const pick = (k) => median(cold.map((m) => m[k]));
  const coldStart = { runs: cold.length, coreReadyMs: pick('coreReadyMs'), firstEventMs: pick('firstEventMs'), firstAnalysisMs: pick('firstAnalysisMs'), firstAnalysisTookMs: pick('firstAnalysisTookMs'), requestToAnalysisMs: pick('requestToAnalysisMs') };
  console.log(`startup: worker cold start (median of ${cold.length}): core loaded ${coldStart.coreReadyMs.toFixed(1)} ms, first request seen ${coldStart.firstEventMs.toFixed(1)} ms, ` +
    `first analysis done ${coldStart.firstAnalysisMs.toFixed(1)} ms after the worker started (the analysis itself ${coldStart.firstAnalysisTookMs.toFixed(1)} ms); the page's fetch → its analysis done ${coldStart.requestToAnalysisMs.toFixed(1)} ms`);

  // The popup, on a fresh tab filled with failures (401s with an expired Bearer token, every other
  // one cross-origin behind a preflight): enough for the budget's 200 findings.
  const tab = await b.ctx.newPage();
  await tab.goto(`http://app.bench.test:${port}/page/popup?n=${POPUP_FAILURES}`);
  await tab.waitForFunction(() => window.__doneMs !== undefined, null, { timeout: 60000 });
  const sw = await workerOf(b.ctx);
  await sw.evaluate(() => globalThis.__authlens.whenIdle());
  await new Promise((r) => setTimeout(r, 300));
  await sw.evaluate(() => globalThis.__authlens.whenIdle());
  const url = tab.url();
  const tabId = await sw.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)?.id ?? null, url);
  const extId = new URL(sw.url()).host;
  const stored = await sw.evaluate(
    (id) => globalThis.__authlens.readTab(id).then((r) => ({
      exchanges: r?.exchanges?.length ?? 0,
      entries: r?.entries?.length ?? 0,
      findings: (r?.entries ?? []).reduce((n, e) => n + (e.findings?.length ?? 0), 0),
      entriesChars: JSON.stringify(r?.entries ?? []).length,
    })).then(async (o) => ({ ...o, storedChars: JSON.stringify(await chrome.storage.session.get(`tab:${id}`)).length })),
    tabId,
  );
  console.log(`startup: the popup's tab holds ${stored.exchanges} exchanges, ${stored.entries} analysed entries with ${stored.findings} findings ` +
    `(entries ${Math.round(stored.entriesChars / 1024)} KiB of JSON, ${stored.entries ? Math.round(stored.entriesChars / stored.entries) : 0} chars each; ` +
    `the stored record ${Math.round(stored.storedChars / 1024)} KiB)`);
  const times = [];
  const phases = [];
  let findings = 0;
  let entries = 0;
  for (let i = 0; i < 7; i++) {
    const popup = await b.ctx.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html?tab=${tabId}`);
    await popup.waitForFunction(() => document.querySelector('[data-finding]') !== null, null, { timeout: 30000, polling: 'raf' });
    const r = await popup.evaluate(() => ({
      ms: performance.now(),
      findings: document.querySelectorAll('[data-finding]').length,
      entries: document.querySelectorAll('[data-entry]').length,
      // popup.js's marks: the stored record read (and unpacked), the first screen built.
      storedMs: performance.getEntriesByName('authlens:popup:stored')[0]?.startTime ?? NaN,
      builtMs: performance.getEntriesByName('authlens:popup:painted')[0]?.startTime ?? NaN,
      frameMs: performance.getEntriesByName('authlens:popup:frame')[0]?.startTime ?? NaN,
      scriptMs: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventStart ?? NaN,
    }));
    times.push(r.ms);
    phases.push(r);
    findings = r.findings;
    entries = r.entries;
    await popup.close();
  }
  await tab.close();
  const popupOpen = { runs: times.length, firstPaintMs: median(times), minMs: Math.min(...times), entries, findings: stored.findings, findingsPainted: findings };
  // The record's findings are what the popup holds; the painted ones at that moment are the first
  // screen's (the closed requests' sections follow after the first paint).
  console.log(`startup: popup open → first finding painted (median of ${times.length}): ${popupOpen.firstPaintMs.toFixed(1)} ms (min ${popupOpen.minMs.toFixed(1)}), ${entries} requests, ${stored.findings} findings (${findings} painted at that moment)`);
  const ph = (k) => median(phases.map((p) => p[k])).toFixed(1);
  console.log(`startup: popup phases (median ms since navigation): DOMContentLoaded ${ph('scriptMs')}, record read ${ph('storedMs')}, first screen built ${ph('builtMs')}, its frame ${ph('frameMs')}, first finding seen by the test ${ph('ms')}`);
  return { coldStart, popupOpen };
}

/**
 * A CDP session on the extension's service worker, through a page's session (Target.attachToTarget
 * without flattening, so Playwright's page session can carry it): `call(method, params)`, `close()`.
 */
async function attachWorker(ctx) {
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  const close = async () => {
    await cdp.detach().catch(() => {});
    await page.close();
  };
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const t = targetInfos.find((x) => x.type === 'service_worker' && x.url.startsWith('chrome-extension://'));
    if (!t) throw new Error('no service worker target');
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false });
    let id = 0;
    const waiting = new Map();
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      if (e.sessionId !== sessionId) return;
      const m = JSON.parse(e.message);
      const w = waiting.get(m.id);
      if (w) (m.error ? w.reject(new Error(m.error.message)) : w.resolve(m.result)), waiting.delete(m.id);
    });
    const call = (method, params = {}) =>
      new Promise((resolve, reject) => {
        const mid = ++id;
        waiting.set(mid, { resolve, reject });
        cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: mid, method, params }) }).catch(reject);
      });
    return { call, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** CDP methods called in order on the extension's service worker: their results. */
async function onWorker(ctx, calls) {
  const w = await attachWorker(ctx);
  try {
    const out = [];
    for (const [method, params] of calls) out.push(await w.call(method, params));
    return out;
  } finally {
    await w.close();
  }
}

/**
 * The worker's CPU profile over `loads` loads of `url(k)` (--profile): written to PROFILE_OUT (a
 * .cpuprofile for DevTools) and summed by function (self time), the top 25 printed.
 */
async function profileFigures(scenario, loads = 5) {
  const b = withExt;
  const w = await attachWorker(b.ctx);
  try {
    await w.call('Profiler.enable');
    await w.call('Profiler.setSamplingInterval', { interval: 100 });
    await w.call('Profiler.start');
    for (let i = 0; i < loads; i++) await loadOnce(b, `http://app.bench.test:${port}/page/${scenario}?n=${N}&prof=${i}`);
    const { profile } = await w.call('Profiler.stop');
    if (process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
    const dt = new Map(profile.nodes.map((n) => [n.id, 0]));
    for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], dt.get(profile.samples[i]) + (profile.timeDeltas[i] ?? 0));
    const self = new Map();
    let total = 0;
    for (const n of profile.nodes) {
      const f = n.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
      const us = dt.get(n.id) ?? 0;
      if (f.functionName !== '(idle)' && f.functionName !== '(program)') total += us;
      self.set(key, (self.get(key) ?? 0) + us);
    }
    const top = [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, c) => c[1] - a[1]).slice(0, 25);
    console.log(`profile ${scenario}: worker busy ${(total / 1000 / loads).toFixed(1)} ms per load (${loads} loads); self time by function:`);
    for (const [k, us] of top) console.log(`  ${(us / 1000 / loads).toFixed(2).padStart(8)} ms  ${k}`);
  } finally {
    await w.close();
  }
}

/**
 * The worker's heap in a long session (issue 13): HEAP_TABS tabs, each loading a page of
 * HEAP_PER_TAB failing requests (401s to an expired Bearer token, every other one cross-origin
 * behind a preflight: the richest entries), 10,000 failures in all; after every fifth tab the
 * worker is left to finish, garbage-collected, and its heap read (JS heap used and the backing
 * stores of ArrayBuffers are not counted there, so the wasm module's linear memory is read apart).
 */
/** The documented cap of the worker's heap (JS heap used + wasm memory) in that session: BENCHMARKS.md. */
const HEAP_CAP_MB = 32;

async function heapFigures() {
  const b = withExt;
  const TABS = Number(process.env.HEAP_TABS ?? 20);
  const PER_TAB = Number(process.env.HEAP_PER_TAB ?? 500);
  const read = async () => {
    const [, u] = await onWorker(b.ctx, [['HeapProfiler.collectGarbage'], ['Runtime.getHeapUsage']]);
    const wasmBytes = await (await workerOf(b.ctx)).evaluate(() => globalThis.__authlens.wasmMemoryBytes());
    return { usedMB: u.usedSize / 2 ** 20, totalMB: u.totalSize / 2 ** 20, wasmMB: wasmBytes / 2 ** 20 };
  };
  const samples = [{ failures: 0, ...(await read()) }];
  const tabs = [];
  for (let i = 0; i < TABS; i++) {
    const tab = await b.ctx.newPage();
    tabs.push(tab);
    await tab.goto(`http://app.bench.test:${port}/page/popup?n=${PER_TAB}&heap=${i}`);
    await tab.waitForFunction(() => window.__doneMs !== undefined, null, { timeout: 120000 });
    const sw = await workerOf(b.ctx);
    await sw.evaluate(() => globalThis.__authlens.whenIdle());
    if ((i + 1) % 5 === 0 || i === TABS - 1) {
      await new Promise((r) => setTimeout(r, 1200)); // past the batch window
      await sw.evaluate(() => globalThis.__authlens.whenIdle());
      samples.push({ failures: (i + 1) * PER_TAB, ...(await read()) });
    }
  }
  for (const t of tabs) await t.close();
  const peak = Math.max(...samples.map((s) => s.usedMB + s.wasmMB));
  for (const s of samples) {
    console.log(`heap: after ${s.failures} failed requests (${TABS} tabs × ${PER_TAB}): JS heap used ${s.usedMB.toFixed(1)} MB (of ${s.totalMB.toFixed(1)} MB), wasm linear memory ${s.wasmMB.toFixed(1)} MB`);
  }
  console.log(`heap: peak JS heap used + wasm memory ${peak.toFixed(1)} MB (cap ${HEAP_CAP_MB} MB)`);
  return { tabs: TABS, perTab: PER_TAB, samples, peakMB: peak, capMB: HEAP_CAP_MB };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const server = await startServer();
const port = server.address().port;
const ext = extensionCopy(EXTRA_VARIANT);
const withExt = await launch(ext);
const without = await launch(null);
const results = {};
let code = 0;
try {
  for (const scenario of SCENARIOS) {
    const url = (k) => `http://app.bench.test:${port}/page/${scenario}?n=${N}&k=${k}`;
    let k = 0;
    for (let i = 0; i < WARMUP; i++) {
      await loadOnce(withExt, url(k++));
      await loadOnce(without, url(k++));
    }
    const ratios = [];
    const on = [];
    const off = [];
    const cpuOn = [];
    const cpuOff = [];
    const cpuExt = [];
    for (let i = 0; i < PAIRS; i++) {
      const order = i % 2 ? [without, withExt] : [withExt, without];
      const t = new Map();
      for (const b of order) {
        const r = await loadOnce(b, url(k++));
        const bad = r.statuses.filter((s) => s === 0).length;
        if (bad) throw new Error(`${scenario}: ${bad} requests failed at the network level`);
        t.set(b, r);
      }
      const a = t.get(withExt);
      const z = t.get(without);
      on.push(a.ms);
      off.push(z.ms);
      ratios.push(a.ms / z.ms);
      cpuOn.push(a.cpuMs);
      cpuOff.push(z.cpuMs);
      cpuExt.push(a.extCpuMs);
    }
    const r = {
      pairs: PAIRS, requests: N, medianRatio: median(ratios), medianWithMs: median(on), medianWithoutMs: median(off), minRatio: Math.min(...ratios), maxRatio: Math.max(...ratios),
      cpuWithMs: median(cpuOn), cpuWithoutMs: median(cpuOff), extensionCpuMs: median(cpuExt),
    };
    results[scenario] = r;
    console.log(`pageload ${scenario} (${N} requests, ${PAIRS} pairs, extraHeaders: ${EXTRA_VARIANT}${process.env.BENCH_LISTENERS ? `, listeners: ${process.env.BENCH_LISTENERS}` : ''}${process.env.BENCH_NOOP ? ', no-op listeners' : ''}): median ratio ${r.medianRatio.toFixed(3)} ` +
      `(min ${r.minRatio.toFixed(3)}, max ${r.maxRatio.toFixed(3)}); median ${r.medianWithMs.toFixed(1)} ms with, ${r.medianWithoutMs.toFixed(1)} ms without; ` +
      `browser CPU per load ${r.cpuWithMs.toFixed(0)} ms with (extension process ${r.extensionCpuMs.toFixed(0)} ms), ${r.cpuWithoutMs.toFixed(0)} ms without`);
  }
  if (args.includes('--startup')) results.startup = await startupFigures();
  if (args.includes('--heap')) results.heap = await heapFigures();
  if (args.includes('--profile')) for (const scenario of SCENARIOS) await profileFigures(scenario);
} catch (e) {
  console.error(`pageload-bench: ${e?.stack ?? e}`);
  code = 1;
} finally {
  for (const b of [withExt, without]) {
    await b.ctx.close();
    rmSync(b.userDataDir, { recursive: true, force: true });
  }
  rmSync(ext, { recursive: true, force: true });
  server.close();
}
if (args.includes('--json')) console.log(JSON.stringify({ pageload: results, extra: EXTRA_VARIANT, chromium: CHROMIUM }));
process.exit(code);
