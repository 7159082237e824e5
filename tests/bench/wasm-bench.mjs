// Times the wasm `analyze` call under Node on a capture file written by tools/gen_bench_har.py --capture
// (BENCHMARKS.md). The --target web glue is ESM; the repository's package.json says "type":"module"
// (PLATFORM.md P4), so it loads with initSync and the module bytes.
//
// Usage: node tests/bench/wasm-bench.mjs CAPTURE.json [REPS] [PKG_DIR]
// Prints median and min wall time per call, this process's CPU (user) time per call, and entries/s.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [file, repsArg, pkgArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node tests/bench/wasm-bench.mjs CAPTURE.json [REPS] [PKG_DIR]');
  process.exit(2);
}
const reps = Number(repsArg ?? 5);
const pkg = resolve(pkgArg ?? 'extension/pkg');
const glue = await import(pathToFileURL(join(pkg, 'authlens.js')).href);
glue.initSync({ module: readFileSync(join(pkg, 'authlens_bg.wasm')) });

const text = readFileSync(file, 'utf8');
const entries = JSON.parse(text).exchanges.length;
// The hand-over is timed as the extension does it (extension/core.js): the JSON text encoded to
// UTF-8 bytes, copied into wasm, parsed there; the views come back as JS values.
const encoder = new TextEncoder();
// Three warm-up calls, not one: V8 runs wasm in its baseline tier first and compiles hot functions
// optimised in background threads, whose CPU this process's user time counts; one call left some of
// that inside the timed calls (10k capture, two paired runs: 15.4–15.8 vs 15.9–16.3 µs/entry, near the
// noise). Native code has no such tier-up to time.
let flagged = 0;
for (let i = 0; i < 3; i++) flagged = glue.analyze(encoder.encode(text)).entries.length;
const wall = [];
const cpu = [];
for (let i = 0; i < reps; i++) {
  const c = process.cpuUsage();
  const t = performance.now();
  glue.analyze(encoder.encode(text));
  wall.push(performance.now() - t);
  const d = process.cpuUsage(c);
  cpu.push(d.user / 1000);
}
const st = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0] };
};
const w = st(wall);
const c = st(cpu);
console.log(`wasm analyze (node ${process.version}) ${file}: ${entries} entries, ${(text.length / 1e6).toFixed(1)} MB, ${flagged} flagged`);
console.log(`  wall median ${w.median.toFixed(1)} ms (min ${w.min.toFixed(1)})  user-cpu median ${c.median.toFixed(1)} ms (min ${c.min.toFixed(1)})`);
console.log(`  ${Math.round(entries / (c.median / 1000))} entries/s by user CPU (${Math.round(entries / (w.median / 1000))} by wall), ` +
  `${((c.median * 1000) / entries).toFixed(2)} µs/entry, reps ${reps}`);
