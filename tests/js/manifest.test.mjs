import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

test('debugger is only optional: asked for when the user turns precise mode on, never at install', () => {
  assert.deepEqual(manifest.optional_permissions, ['debugger']);
  assert.ok(!manifest.permissions.includes('debugger'));
});

test('the Firefox variant runs background.scripts as an event page and exposes no page to websites', () => {
  const dir = mkdtempSync(join(tmpdir(), 'authlens-manifest-'));
  try {
    const out = join(dir, 'manifest.json');
    execFileSync(process.execPath, ['tools/ext/manifest-variant.mjs', 'firefox', 'extension/manifest.json', out]);
    const m = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(m.background.service_worker, undefined);
    assert.deepEqual(m.background.scripts, ['background.js']);
    assert.equal(m.browser_specific_settings.gecko.id, 'authlens@authlens.dev', 'the Firefox e2e pins the extension origin by this id');
    // The Firefox e2e's test copy adds popup.html here (PLATFORM.md §10.1); the shipped manifest never may:
    // it would let every site probe for the extension.
    assert.equal(m.web_accessible_resources, undefined);
    // No precise mode in Firefox (no debugger API): not even as an optional permission.
    assert.equal(m.optional_permissions, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
