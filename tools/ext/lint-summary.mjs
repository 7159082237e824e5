// Reads `web-ext lint --output json` on stdin, prints one line per message and a summary,
// and exits 1 when there are errors (unless MODE is warn-only). Usage: lint-summary.mjs LABEL MODE RC
import { readFileSync } from 'node:fs';

const [label, mode, rc] = process.argv.slice(2);
const text = readFileSync(0, 'utf8');
let report;
try {
  report = JSON.parse(text.slice(text.indexOf('{')));
} catch {
  console.error(`web-ext lint (${label}): output is not JSON (exit ${rc}):\n${text}`);
  process.exit(1);
}
const show = (kind, list) => {
  for (const m of list ?? []) console.log(`  ${kind} ${m.code}: ${m.message}${m.file ? ` (${m.file})` : ''}`);
};
show('error', report.errors);
show('warning', report.warnings);
show('notice', report.notices);
const errors = report.errors?.length ?? 0;
console.log(`web-ext lint (${label}): ${errors} errors, ${report.warnings?.length ?? 0} warnings, ${report.notices?.length ?? 0} notices`);
if (errors > 0 && mode !== 'warn-only') process.exit(1);
