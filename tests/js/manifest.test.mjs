import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const manifest = JSON.parse(readFileSync(new URL('../../extension/manifest.json', import.meta.url), 'utf8'));

test("the extension pages' CSP denies by default and allows exactly what the popup and worker use", () => {
  const csp = manifest.content_security_policy.extension_pages;
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
  assert.deepEqual(directives, {
    'default-src': "'none'",
    'script-src': "'self' 'wasm-unsafe-eval'", // the wasm core (PLATFORM.md P5)
    'style-src': "'self'", // popup.css; no inline styles
    'img-src': "'self'", // the icons; a remote image in the popup is refused
    'connect-src': "'self'", // fetching pkg/authlens_bg.wasm
    'object-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'none'",
  });
});

test('no tabs permission: tab ids, URLs and cookie stores come from host access and the cookies API', () => {
  assert.deepEqual([...manifest.permissions].sort(), ['cookies', 'privacy', 'storage', 'webRequest']);
});
