// Writes the store-specific manifest from the one source manifest.
// Usage: node manifest-variant.mjs chrome|firefox SRC DEST
//   chrome:  no background.scripts, no browser_specific_settings (Chrome warns on both)
//   firefox: no background.service_worker (Firefox runs background.scripts as an event page), no debugger
import { readFileSync, writeFileSync } from 'node:fs';

const [flavour, src, dest] = process.argv.slice(2);
const m = JSON.parse(readFileSync(src, 'utf8'));
if (flavour === 'chrome') {
  delete m.background.scripts;
  delete m.browser_specific_settings;
} else if (flavour === 'firefox') {
  delete m.background.service_worker;
  // Firefox has no debugger API: no precise mode, so the permission is not even optional there.
  m.optional_permissions = (m.optional_permissions ?? []).filter((p) => p !== 'debugger');
  if (!m.optional_permissions.length) delete m.optional_permissions;
} else {
  console.error(`unknown flavour ${flavour}`);
  process.exit(2);
}
writeFileSync(dest, JSON.stringify(m, null, 2) + '\n');
