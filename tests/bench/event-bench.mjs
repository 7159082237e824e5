// Per-event CPU cost of the wasm core in Node (issue 13: "a flagged entry ≤ 100 µs in wasm per event,
// including the hand-over"): one `analyze` call on a one-exchange capture (a 401 with an expired
// Bearer JWT, the worker's commonest failure), views returned as JS objects as the service worker
// gets them. CPU time (process.cpuUsage) per call, median of 5 rounds of 2,000 after 300 warm-up
// calls: load-independent enough to compare two builds on a shared machine, unlike wall time.
//
// Usage: node tests/bench/event-bench.mjs [PKG_DIR]   (default extension/pkg; run ./build.sh ext first)
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
const pkg = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '../../extension/pkg'));
const glue = await import(pathToFileURL(pkg + '/authlens.js').href);
glue.initSync({ module: readFileSync(pkg + '/authlens_bg.wasm') });
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: 'u1', aud: 'api', iss: 'https://id.test', exp: 1700000000, iat: 1699990000 })}.c2ln`;
const ex = { method: 'GET', url: 'https://api.example.test/v1/me', status: 401, startedMs: Date.now(), resourceType: 'xmlhttprequest', initiator: 'https://app.example.test',
  requestHeaders: [{ name: 'Authorization', value: 'Bearer ' + JWT }, { name: 'Accept', value: '*/*' }, { name: 'Origin', value: 'https://app.example.test' }, { name: 'User-Agent', value: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156' }],
  responseHeaders: [{ name: 'WWW-Authenticate', value: 'Bearer error="invalid_token", error_description="The access token expired"' }, { name: 'Content-Type', value: 'application/json' }, { name: 'Date', value: new Date().toUTCString() }, { name: 'Access-Control-Allow-Origin', value: 'https://app.example.test' }] };
const text = JSON.stringify({ browser: 'chromium', exchanges: [ex] });
const time = (label, f) => {
  for (let i = 0; i < 300; i++) f();
  const best = [];
  for (let k = 0; k < 5; k++) {
    const c = process.cpuUsage(); const n = 2000;
    for (let i = 0; i < n; i++) f();
    const d = process.cpuUsage(c); best.push((d.user + d.system) / n);
  }
  best.sort((a, b) => a - b);
  console.log(`${label}: CPU per call median ${best[2].toFixed(1)} µs (min ${best[0].toFixed(1)})`);
};
time('analyze 401+JWT, one exchange', () => glue.analyze(text));
