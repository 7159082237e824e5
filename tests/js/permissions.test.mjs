// What the extension may do with its permissions (SECURITY.md): observe, never change. Reads the
// shipped sources and manifest, so a later edit that starts writing cookies or settings, or opens
// the extension to pages, fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ext = fileURLToPath(new URL('../../extension/', import.meta.url));
const manifest = JSON.parse(readFileSync(`${ext}manifest.json`, 'utf8'));
const scripts = readdirSync(ext)
  .filter((f) => f.endsWith('.js'))
  .map((f) => ({ f, src: readFileSync(`${ext}${f}`, 'utf8') }));

test('the shipped scripts are the ones checked', () => {
  assert.ok(scripts.some((s) => s.f === 'background.js') && scripts.length >= 8, scripts.map((s) => s.f).join());
});

test('no script changes a privacy setting or a cookie', () => {
  for (const { f, src } of scripts) {
    assert.doesNotMatch(src, /privacy[\w.?]*\.(set|clear)\s*\(/, `${f} changes a privacy setting`);
    assert.doesNotMatch(src, /cookies\s*\.\s*(set|remove)\s*\(/, `${f} writes or deletes a cookie`);
    assert.doesNotMatch(src, /\bfetch\s*\(\s*['"`]https?:/, `${f} fetches a remote URL`);
    assert.doesNotMatch(src, /new\s+WebSocket|sendBeacon|XMLHttpRequest\s*\(/, `${f} opens a network channel`);
  }
});

test('the manifest observes and exposes nothing', () => {
  const perms = [...(manifest.permissions ?? []), ...(manifest.optional_permissions ?? [])];
  assert.ok(!perms.includes('webRequestBlocking'), 'webRequest must stay observe-only');
  for (const key of ['content_scripts', 'web_accessible_resources', 'externally_connectable']) {
    assert.equal(manifest[key], undefined, `manifest has ${key}`);
  }
  assert.match(manifest.content_security_policy.extension_pages, /default-src 'none'/);
});

// Near miss: the patterns do catch what they are meant to.
test('the checks catch a cookie write and a settings change', () => {
  assert.match('chrome.cookies.set({url})', /cookies\s*\.\s*(set|remove)\s*\(/);
  assert.match('api.privacy?.websites.thirdPartyCookiesAllowed.set({value: true})', /privacy[\w.?]*\.(set|clear)\s*\(/);
});
