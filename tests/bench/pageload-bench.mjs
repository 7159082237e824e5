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
//   shipping configuration; BENCH_NOOP=1 loads a copy whose listeners do nothing (the floor). Prints one line per scenario, and JSON last (--json).
//   Also measures start-up (--startup): the service worker's cold start to its first analysis.

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const SCENARIOS = opt('scenario', 'healthy,failing').split(',');
const N = Number(opt('requests', '300'));
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
for (let i = 0; i < N; i++) {
  let p;
  if (${JSON.stringify(scenario)} === 'healthy') p = fetch('/api/ok?i=' + i);
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
    const keep = { send: ['onSendHeaders'], 'send+recv': ['onSendHeaders', 'onHeadersReceived'], none: [] }[variant];
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

/** One load of the scenario page: ms from navigation start until the last request answered. */
async function loadOnce(b, url) {
  await b.page.goto(url);
  await b.page.waitForFunction(() => window.__doneMs !== undefined, null, { timeout: 60000, polling: 20 });
  const { ms, statuses } = await b.page.evaluate(() => ({ ms: window.__doneMs, statuses: window.__statuses }));
  return { ms, statuses };
}

/** Lets the extension finish what the load left it (its debounced analysis), so no load pays for the previous one's. */
async function settle(b) {
  if (!b.sw) return;
  await new Promise((r) => setTimeout(r, 50));
  await b.sw.evaluate(() => globalThis.__authlens.whenIdle());
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
      await settle(withExt);
      await loadOnce(without, url(k++));
    }
    const ratios = [];
    const on = [];
    const off = [];
    for (let i = 0; i < PAIRS; i++) {
      const order = i % 2 ? [without, withExt] : [withExt, without];
      const t = new Map();
      for (const b of order) {
        const r = await loadOnce(b, url(k++));
        const bad = r.statuses.filter((s) => s === 0).length;
        if (bad) throw new Error(`${scenario}: ${bad} requests failed at the network level`);
        t.set(b, r.ms);
        await settle(b);
      }
      on.push(t.get(withExt));
      off.push(t.get(without));
      ratios.push(t.get(withExt) / t.get(without));
    }
    const r = { pairs: PAIRS, requests: N, medianRatio: median(ratios), medianWithMs: median(on), medianWithoutMs: median(off), minRatio: Math.min(...ratios), maxRatio: Math.max(...ratios) };
    results[scenario] = r;
    console.log(`pageload ${scenario} (${N} requests, ${PAIRS} pairs, extraHeaders: ${EXTRA_VARIANT}): median ratio ${r.medianRatio.toFixed(3)} ` +
      `(min ${r.minRatio.toFixed(3)}, max ${r.maxRatio.toFixed(3)}); median ${r.medianWithMs.toFixed(1)} ms with, ${r.medianWithoutMs.toFixed(1)} ms without`);
  }
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
