// Rewrites the generated section of BENCHMARKS.md from the outputs `./build.sh bench` keeps in
// $CARGO_TARGET_DIR/bench-results/: the date and machine, the figures that have an issue-13 budget
// (page load, start-up, `authlens check` throughput against the JSON floors, wasm size) with the
// budget beside each, and every benchmark's raw output. Everything outside the markers is left as
// written by hand (method, history, analysis).
//
// Usage: node tools/bench/update-benchmarks.mjs RESULTS_DIR BENCHMARKS.md
//        node tools/bench/update-benchmarks.mjs --machine   (prints the machine facts as JSON)

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const BEGIN = '<!-- bench:generated:begin (tools/bench/update-benchmarks.mjs rewrites this section) -->';
const END = '<!-- bench:generated:end -->';

function machine() {
  const run = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? null,
    load: loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
    rustc: run('rustc', ['--version']),
    chromium: run(process.env.CHROMIUM ?? '/usr/bin/chromium', ['--version']),
    commit: run('git', ['rev-parse', '--short', 'HEAD']),
  };
}

if (process.argv[2] === '--machine') {
  console.log(JSON.stringify(machine()));
  process.exit(0);
}

const [dir, file] = process.argv.slice(2);
if (!dir || !file) {
  console.error('usage: node tools/bench/update-benchmarks.mjs RESULTS_DIR BENCHMARKS.md');
  process.exit(2);
}
const read = (name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '');
const json = (name) => {
  try {
    return JSON.parse(read(name));
  } catch {
    return null;
  }
};
const start = json('machine-start.json') ?? machine();
const end = json('machine-end.json');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const verdict = (ok) => (ok ? 'met' : '**missed**');
const lines = [];
const out = (s = '') => lines.push(s);

out(BEGIN);
out(`## Latest \`./build.sh bench\` run`);
out();
out(`${start.date}, commit \`${start.commit ?? '?'}\`; ${start.cores} cores (${start.cpu ?? '?'}), load average ${start.load.join(' / ')} at the start` +
  `${end ? ` and ${end.load.join(' / ')} at the end` : ''}; ${start.rustc ?? 'rustc ?'}, Node ${start.node}, ${start.chromium ?? 'Chromium ?'}. ` +
  'Shared machine: wall times move with the load; the page-load ratios pair each load with one taken at the same moment.');
out();

// ---- page load and start-up ---------------------------------------------------------------------
const pl = read('pageload.txt');
/** The JSON line (the last one) a page-load run printed, or null. */
const lastJson = (text) => {
  const last = text.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  try {
    return last ? JSON.parse(last) : null;
  } catch {
    return null;
  }
};
const plJson = lastJson(pl);
out('| budget (issue 13) | target | measured | |');
out('|---|---|---|---|');
const budgets = { healthy: 1.02, failing: 1.05 };
for (const [name, r] of Object.entries(plJson?.pageload ?? {})) {
  if (!(name in budgets)) continue;
  out(`| page load, ${name} page (${r.requests} requests, ${r.pairs} pairs, median of paired ratios) | ≤ ${budgets[name]} | ` +
    `${r.medianRatio.toFixed(3)} (${r.medianWithMs.toFixed(0)} vs ${r.medianWithoutMs.toFixed(0)} ms; browser CPU per load ${r.cpuWithMs?.toFixed(0)} vs ${r.cpuWithoutMs?.toFixed(0)} ms, ` +
    `of which the extension process ${r.extensionCpuMs?.toFixed(0)} ms) | ${verdict(r.medianRatio <= budgets[name])} |`);
}
// The floor: what any webRequest observer costs on the same pages, measured in the same run.
const floorOf = (name) => lastJson(read(name))?.pageload ?? null;
for (const [file, what] of [['pageload-noop-all.txt', 'the same listeners doing nothing (extraHeaders as shipped)'], ['pageload-noop-one.txt', 'one no-op `onSendHeaders` listener with extraHeaders']]) {
  const f = floorOf(file);
  if (!f?.healthy || !f?.failing) continue;
  out(`| what stands in the way: the page-load floor of ${what}, ${f.healthy.pairs} pairs | (no budget) | ` +
    `healthy ${f.healthy.medianRatio.toFixed(3)}, failing ${f.failing.medianRatio.toFixed(3)} (extension process ${f.healthy.extensionCpuMs?.toFixed(0)} / ${f.failing.extensionCpuMs?.toFixed(0)} ms per load) | |`);
}
const st = plJson?.pageload?.startup;
if (st) {
  // The worker is started by the browser on the navigation's first event, often long before the
  // failing request: the figure is from the page's fetch to its analysis done, in a stopped-then-woken worker.
  out(`| service-worker cold start → first analysis (a stopped worker; from the page's failing fetch to its analysis done) | ≤ 50 ms | ` +
    `${st.coldStart.requestToAnalysisMs.toFixed(1)} ms (core loaded ${st.coldStart.coreReadyMs.toFixed(1)} ms after the worker started; the analysis itself ${st.coldStart.firstAnalysisTookMs.toFixed(1)} ms) | ${verdict(st.coldStart.requestToAnalysisMs <= 50)} |`);
  out(`| popup open → first paint | ≤ 100 ms with 200 findings | ${st.popupOpen.firstPaintMs.toFixed(1)} ms with ${st.popupOpen.findings} findings on ${st.popupOpen.entries} requests | ` +
    `${verdict(st.popupOpen.firstPaintMs <= 100)}${st.popupOpen.findings < 200 ? ' (fewer findings than the budget names)' : ''} |`);
}

const heap = plJson?.pageload?.heap;
if (heap) {
  const last = heap.samples[heap.samples.length - 1];
  out(`| service worker's heap, ${last.failures.toLocaleString('en-US')} failed requests in one session (${heap.tabs} tabs × ${heap.perTab}; JS heap used after GC + wasm memory) | ≤ ${heap.capMB} MB (documented cap) | ` +
    `${heap.peakMB.toFixed(1)} MB at most (at the end: JS ${last.usedMB.toFixed(1)} MB, wasm ${last.wasmMB.toFixed(1)} MB) | ${verdict(heap.peakMB <= heap.capMB)} |`);
}

// ---- authlens check --------------------------------------------------------------------------------
const checks = new Map();
for (const line of read('check.txt').split('\n')) {
  const m = /^check (\S+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/.exec(line.trim());
  if (!m) continue;
  const [, mix, bytes, user, sys, wall, rssKb] = m;
  const c = checks.get(mix) ?? { bytes: Number(bytes), user: [], wall: [], rss: [] };
  // CPU time of the whole process (user + system): reading 50 MB is part of the work.
  c.user.push(Number(user) + Number(sys));
  c.wall.push(Number(wall));
  c.rss.push(Number(rssKb) * 1024);
  checks.set(mix, c);
}
// The core bench's JSON floors on the same 10k inputs (json-ignored / json-value, CPU median).
const floors = new Map();
let mixNow = null;
for (const line of read('core.txt').split('\n')) {
  const h = /^# .*bench-10k(?:-(\S+?))?\.har \((\S+) mix\)/.exec(line);
  if (h) {
    mixNow = h[2];
    continue;
  }
  if (/^# /.test(line)) mixNow = null;
  const m = /^(json-ignored|json-value|har-parse|diagnose|capture-analyze)\s+(\d+) entries\s+cpu median\s+([\d.]+) ms/.exec(line);
  if (m && mixNow) floors.set(`${mixNow}:${m[1]}`, { entries: Number(m[2]), ms: Number(m[3]) });
}
for (const [mix, c] of checks) {
  const entries = floors.get(`${mix}:har-parse`)?.entries ?? 10000;
  const user = median(c.user);
  const rate = entries / user;
  out(`| \`authlens check --format json\`, 10k entries, ${mix} mix (${(c.bytes / 1e6).toFixed(1)} MB; median CPU time of ${c.user.length}) | ≥ 100,000 entries/s | ` +
    `${Math.round(rate).toLocaleString('en-US')} entries/s (${user.toFixed(2)} s user + system, ${median(c.wall).toFixed(2)} s wall) | ${verdict(rate >= 100000)} |`);
  const dom = floors.get(`${mix}:json-value`);
  const skip = floors.get(`${mix}:json-ignored`);
  if (dom) {
    const ratio = (user * 1000) / dom.ms;
    out(`| same, against a full DOM parse of its bytes (serde_json \`Value\` ${dom.ms.toFixed(0)} ms${skip ? `; \`IgnoredAny\` ${skip.ms.toFixed(0)} ms` : ''}) | ≤ 3× | ${ratio.toFixed(1)}× | ${verdict(ratio <= 3)} |`);
  }
  const rss = median(c.rss);
  out(`| same, memory | ≤ 2× the HAR | ${(rss / 1e6).toFixed(0)} MB max RSS = ${(rss / c.bytes).toFixed(2)}× | ${verdict(rss <= 2 * c.bytes)} |`);
}
// wasm-size.txt: one line per module, `NAME RAW GZIP` (worker: extension/pkg, compiled at every service-worker start,
// the one the budget is for; page: extension/pkg-page, the audit page and HAR import); an older run's single
// `RAW GZIP` line is the one module there was then.
for (const line of read('wasm-size.txt').trim().split('\n')) {
  const parts = line.trim().split(/\s+/);
  const name = parts.length === 3 ? parts.shift() : null;
  const size = parts.map(Number);
  if (size.length !== 2 || !size.every(Number.isFinite)) continue;
  const what = name === 'worker' ? 'wasm worker module (`extension/pkg`, service worker and popup' :
    name === 'page' ? 'wasm page module (`extension/pkg-page`, audit page and HAR import' : 'wasm module (`authlens_bg.wasm`';
  out(`| ${what}; after \`wasm-opt -Oz\`) | ≤ 700 KB raw, ≤ 250 KB gzip${name === 'page' ? ' (the budget is the worker\'s)' : ''} | ` +
    `${size[0].toLocaleString('en-US')} B raw, ${size[1].toLocaleString('en-US')} B gzip -9 | ${name === 'page' ? '' : verdict(size[0] <= 700e3 && size[1] <= 250e3)} |`);
}
// wasm against native on the same capture (capture-10k.json, the spa mix): Node's `analyze` (user CPU per call,
// the UTF-8 hand-over in and the JS values out included) against `capture-analyze` (serde_json + analyze) natively.
const wasmUs = /([\d.]+) µs\/entry/.exec(read('wasm.txt'))?.[1];
const native = floors.get('spa:capture-analyze');
if (wasmUs && native) {
  const nativeUs = (native.ms * 1000) / native.entries;
  const ratio = nativeUs / Number(wasmUs);
  out(`| wasm speed against native, same capture (10k entries, spa mix; Node \`analyze\` vs \`capture-analyze\`, CPU medians) | ≥ 60% | ` +
    `${Math.round(ratio * 100)}% (${Number(wasmUs).toFixed(2)} vs ${nativeUs.toFixed(2)} µs/entry) | ${verdict(ratio >= 0.6)} |`);
}
const expected = { 'core.txt': 'native core', 'hostile.txt': 'hostile captures', 'check.txt': '`authlens check`', 'wasm.txt': 'wasm in Node', 'browser.txt': 'wasm in Chromium', 'pageload.txt': 'page load' };
const missing = Object.entries(expected).filter(([f]) => !read(f).trim()).map(([, what]) => what);
out();
if (missing.length) out(`Not in this run (no output recorded): ${missing.join(', ')}.`);
out();
out('Raw outputs of this run (CPU times unless a line says wall):');
out();
for (const [name, title] of [['pageload.txt', 'page load and start-up (tests/bench/pageload-bench.mjs)'],
  ['pageload-main.txt', 'page load with main\'s extension (EXT=…)'], ['pageload-noop-all.txt', 'page load, the floor: no-op listeners with extraHeaders'],
  ['pageload-noop-none.txt', 'page load, no-op listeners without extraHeaders'], ['pageload-noop-one.txt', 'page load, one no-op listener (onSendHeaders, extraHeaders)'], ['check.txt', '`authlens check` (`/usr/bin/time`: mix, bytes, user s, sys s, wall s, max RSS KB)'],
  ['core.txt', 'native core (`cargo bench --bench core`)'], ['hostile.txt', 'hostile captures (`cargo bench --bench hostile`)'], ['wasm.txt', 'wasm in Node'], ['browser.txt', 'wasm in headless Chromium']]) {
  const text = read(name).split('\n').filter((l) => l.trim() && !l.startsWith('{') && !/^\s*(Compiling|Finished|Running|Blocking)\b/.test(l)).join('\n');
  if (!text) continue;
  out(`<details><summary>${title}</summary>`);
  out();
  out('```');
  out(text);
  out('```');
  out('</details>');
  out();
}
out(END);

const doc = readFileSync(file, 'utf8');
const section = lines.join('\n');
const i = doc.indexOf(BEGIN);
const j = doc.indexOf(END);
let next;
if (i >= 0 && j > i) next = doc.slice(0, i) + section + doc.slice(j + END.length);
else {
  // First run: the generated section goes after the title and its introduction (the first blank line after the first heading's paragraph).
  const at = doc.indexOf('\n## ');
  next = at >= 0 ? `${doc.slice(0, at + 1)}${section}\n\n${doc.slice(at + 1)}` : `${doc}\n${section}\n`;
}
writeFileSync(file, next);
