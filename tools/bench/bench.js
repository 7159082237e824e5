// In-browser benchmark of the core (BENCHMARKS.md): times the wasm `analyze` call on a generated
// capture, and the per-event `triage` call the worker makes for every finished request, and prints
// the figures into #out. Not part of the extension: tests/bench/browser-bench.mjs copies the built
// extension/ with this page into a temporary directory and opens chrome-extension://<id>/bench.html
// there (by hand: copy tools/bench/bench.{html,js} next to a built extension/ and load that). The
// runner also passes the exact capture the native benchmark used through
// `globalThis.authlensBench.run(text)`.

import init, { analyze as analyzeBytes, triage } from './pkg/authlens.js';

/** The capture crosses as UTF-8 bytes, encoded as extension/core.js does; the encoding is part of every timing. */
const encoder = new TextEncoder();
const analyze = (text) => analyzeBytes(encoder.encode(text));
/** The measure src/wasm.rs records around every analysis (only the newest is kept in the timeline). */
const CORE_MEASURE = 'authlens:analyze';

const out = document.getElementById('out');
const lines = [];
function print(line) {
  lines.push(line);
  out.textContent = lines.join('\n');
}

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0] };
}

/** Deterministic PRNG (mulberry32), so every run analyses the same exchanges. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APP = 'https://app.example.com';
const API = 'https://api.example.com';
const CDN = 'https://cdn.examplecdn.net';
const b64url = (o) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

function jwt(exp, aud) {
  return `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ iss: 'https://login.example.com/', sub: 'user-1', aud, iat: exp - 3600, exp })}.c2lnbmF0dXJl`;
}

/**
 * A capture shaped like tools/gen_bench_har.py's `--capture` output: ~16 request and ~12 response
 * headers, ~98% healthy 200s (a quarter of them cross-origin API calls with CORS headers), ~1.5%
 * 401/403 to Bearer JWTs with WWW-Authenticate, ~3% preflights, ~3% Set-Cookie.
 */
export function generateCapture(n, seed = 20260923) {
  const rnd = prng(seed);
  const t0 = Date.UTC(2026, 8, 23, 12, 0, 0);
  const exchanges = [];
  let now = t0;
  for (let i = 0; i < n; i++) {
    now += 5 + Math.floor(rnd() * 395);
    const date = new Date(now).toUTCString();
    const r = rnd();
    let method = 'GET', status = 200, url, type = 'fetch', cross = false, auth = null;
    const extra = [];
    if (r < 0.015) {
      url = `${API}/v2/orders/${Math.floor(rnd() * 1e6)}?expand=items`;
      cross = true;
      if (rnd() < 0.6) {
        status = 401;
        auth = jwt(Math.floor(now / 1000) - 600, API);
        extra.push({ name: 'www-authenticate', value: 'Bearer realm="api", error="invalid_token", error_description="The access token expired"' });
      } else {
        status = 403;
        auth = jwt(Math.floor(now / 1000) + 1800, 'https://billing.example.com');
        extra.push({ name: 'www-authenticate', value: 'Bearer realm="api", error="insufficient_scope", scope="read:orders"' });
      }
    } else if (r < 0.045) {
      method = 'OPTIONS'; status = 204; type = 'preflight'; cross = true;
      url = `${API}/v2/orders/${Math.floor(rnd() * 1e6)}`;
      extra.push({ name: 'access-control-allow-methods', value: 'GET, POST, PUT, DELETE, OPTIONS' },
        { name: 'access-control-allow-headers', value: 'Authorization, Content-Type' },
        { name: 'access-control-max-age', value: '600' });
    } else {
      const r2 = rnd();
      if (r2 < 0.1) { type = 'main_frame'; url = `${APP}/orders?page=${Math.floor(rnd() * 50)}`; }
      else if (r2 < 0.3) { type = 'script'; url = `${CDN}/static/js/chunk.${Math.floor(rnd() * 1e8)}.js`; }
      else if (r2 < 0.4) { type = 'stylesheet'; url = `${CDN}/static/css/app.${Math.floor(rnd() * 1e8)}.css`; }
      else if (r2 < 0.6) { type = 'image'; url = `${CDN}/img/p/${Math.floor(rnd() * 1e5)}.webp`; }
      else if (r2 < 0.75) { type = 'xmlhttprequest'; url = `${APP}/api/session/ping?t=${i}`; }
      else {
        type = 'xmlhttprequest'; url = `${API}/v2/orders?page=${Math.floor(rnd() * 100)}&size=20`; cross = true;
        if (rnd() < 0.5) auth = jwt(Math.floor(now / 1000) + 1800, API);
      }
      if (rnd() < 0.03) extra.push({ name: 'set-cookie', value: `sid=s%3A${Math.floor(rnd() * 1e12)}; Path=/; HttpOnly; Secure; SameSite=Lax` });
    }
    const dest = { main_frame: 'document', script: 'script', stylesheet: 'style', image: 'image' }[type] ?? 'empty';
    const requestHeaders = [
      { name: 'accept', value: dest === 'empty' ? 'application/json, text/plain, */*' : '*/*' },
      { name: 'accept-encoding', value: 'gzip, deflate, br, zstd' },
      { name: 'accept-language', value: 'en-GB,en-US;q=0.9,en;q=0.8' },
      { name: 'priority', value: 'u=1, i' },
      { name: 'referer', value: `${APP}/` },
      { name: 'sec-ch-ua', value: '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"' },
      { name: 'sec-ch-ua-mobile', value: '?0' },
      { name: 'sec-ch-ua-platform', value: '"Linux"' },
      { name: 'sec-fetch-dest', value: dest },
      { name: 'sec-fetch-mode', value: dest === 'document' ? 'navigate' : dest === 'empty' ? 'cors' : 'no-cors' },
      { name: 'sec-fetch-site', value: cross ? 'same-site' : 'same-origin' },
      { name: 'user-agent', value: navigator.userAgent },
    ];
    if (cross) requestHeaders.push({ name: 'origin', value: APP });
    if (auth) requestHeaders.push({ name: 'authorization', value: `Bearer ${auth}` });
    if (method === 'OPTIONS') {
      requestHeaders.push({ name: 'access-control-request-method', value: 'PUT' },
        { name: 'access-control-request-headers', value: 'authorization,content-type' });
    }
    const responseHeaders = [
      { name: 'cache-control', value: 'private, max-age=0, no-cache' },
      { name: 'content-encoding', value: 'br' },
      { name: 'content-length', value: String(200 + Math.floor(rnd() * 90000)) },
      { name: 'content-type', value: dest === 'empty' ? 'application/json' : 'text/plain' },
      { name: 'date', value: date },
      { name: 'etag', value: `W/"${Math.floor(rnd() * 1e10).toString(16)}"` },
      { name: 'server', value: 'nginx/1.27.2' },
      { name: 'strict-transport-security', value: 'max-age=63072000; includeSubDomains' },
      { name: 'x-content-type-options', value: 'nosniff' },
      { name: 'x-request-id', value: Math.floor(rnd() * 1e15).toString(16) },
      { name: 'via', value: '1.1 varnish' },
      { name: 'x-cache', value: rnd() < 0.5 ? 'HIT' : 'MISS' },
    ];
    if (cross) {
      responseHeaders.push({ name: 'access-control-allow-origin', value: APP },
        { name: 'access-control-allow-credentials', value: 'true' },
        { name: 'vary', value: 'Origin, Accept-Encoding' });
    }
    responseHeaders.push(...extra);
    exchanges.push({
      method, url, status, requestHeaders, responseHeaders, startedMs: now, pageUrl: `${APP}/orders`,
      initiator: type === 'preflight' ? undefined : APP, resourceType: type, serverIp: '192.0.2.10',
    });
  }
  return { browser: 'chromium', exchanges };
}

/** Times `analyze(text)` `reps` times (after one warm-up) and prints median/min per call and per entry. */
function timeAnalyze(label, text, entries, reps) {
  let flagged = analyze(text).entries.length; // warm-up (and the count)
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    flagged = analyze(text).entries.length;
    ms.push(performance.now() - t);
  }
  const { median, min } = stats(ms);
  const result = {
    label, entries, bytes: text.length, flagged, reps, medianMs: median, minMs: min,
    entriesPerSec: entries / (median / 1000), usPerEntry: (median * 1000) / entries,
  };
  print(`${label.padEnd(22)} ${String(entries).padStart(7)} entries  median ${median.toFixed(2)} ms  min ${min.toFixed(2)} ms  ` +
    `${Math.round(result.entriesPerSec)} entries/s  ${result.usPerEntry.toFixed(2)} µs/entry  (${flagged} flagged, reps ${reps})`);
  return result;
}

/** Per-event cost: one `analyze` call on a one-exchange capture (what a single webRequest event would cost). */
function timeSingle(label, exchange, iters) {
  const text = JSON.stringify({ browser: 'chromium', exchanges: [exchange] });
  for (let i = 0; i < 50; i++) analyze(text);
  const us = [];
  const coreUs = [];
  for (let i = 0; i < iters; i++) {
    const t = performance.now();
    analyze(text);
    us.push((performance.now() - t) * 1000);
    // The core's own measure (performance marks in src/wasm.rs): the analysis without the JS glue.
    const m = performance.getEntriesByName(CORE_MEASURE, 'measure').at(-1);
    if (m) coreUs.push(m.duration * 1000);
  }
  // performance.now() is coarsened in pages that are not cross-origin isolated, so also report a batched mean.
  const t = performance.now();
  for (let i = 0; i < iters; i++) analyze(text);
  const meanUs = ((performance.now() - t) * 1000) / iters;
  const { median, min } = stats(us);
  const core = coreUs.length ? stats(coreUs).median : NaN;
  print(`${label.padEnd(22)} one exchange   median ${median.toFixed(1)} µs  min ${min.toFixed(1)} µs  batched mean ${meanUs.toFixed(1)} µs  ` +
    `core measure median ${core.toFixed(1)} µs  (${iters} calls)`);
  return { label, medianUs: median, minUs: min, meanUs, coreMedianUs: core, iters };
}

/** Per-event cost of the worker's pre-filter: one `triage` call on a finished request (every request pays it). */
function timeTriage(label, exchange, iters) {
  const text = JSON.stringify([exchange]);
  for (let i = 0; i < 50; i++) triage(text);
  const t = performance.now();
  for (let i = 0; i < iters; i++) triage(text);
  const meanUs = ((performance.now() - t) * 1000) / iters;
  print(`${label.padEnd(22)} one request    batched mean ${meanUs.toFixed(1)} µs  (${iters} calls)`);
  return { label, meanUs, iters };
}

async function main() {
  await init();
  const q = new URLSearchParams(location.search);
  const n = Number(q.get('n') ?? 10000);
  const reps = Number(q.get('reps') ?? 7);
  print(`AuthLens wasm benchmark — ${navigator.userAgent}`);
  const results = [];
  const t = performance.now();
  const capture = generateCapture(n);
  const text = JSON.stringify(capture);
  print(`generated ${n} exchanges (${(text.length / 1e6).toFixed(1)} MB JSON) in ${(performance.now() - t).toFixed(0)} ms`);
  results.push(timeAnalyze(`analyze generated`, text, n, reps));
  const sample = capture.exchanges;
  const bad = sample.find((e) => e.status === 401) ?? sample[0];
  const ok = sample.find((e) => e.status === 200 && e.resourceType === 'image') ?? sample[0];
  results.push(timeSingle('analyze 401+JWT', bad, 2000));
  results.push(timeSingle('analyze healthy 200', ok, 2000));
  results.push(timeTriage('triage 401+JWT', bad, 2000));
  results.push(timeTriage('triage healthy 200', ok, 2000));
  globalThis.authlensBench.results = results;
  document.body.dataset.done = '1';
}

globalThis.authlensBench = {
  results: [],
  /** Times `analyze` on a capture given as JSON text (used by tests/bench/browser-bench.mjs). */
  run(text, label = 'analyze capture', reps = 5) {
    const entries = JSON.parse(text).exchanges.length;
    return timeAnalyze(label, text, entries, reps);
  },
};

main().catch((e) => {
  print(`error: ${e?.stack ?? e}`);
  document.body.dataset.done = 'error';
});
