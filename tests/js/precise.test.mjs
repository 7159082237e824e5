// precise.js: the protocol events of one tab joined into one report per request hop (the core's
// BrowserReport), bounded, and the worker's attach/detach/seal cycle against a fake debugger.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPreciseLog, createPrecise, preciseKey } from '../../extension/precise.js';

const sent = (requestId, url, extra = {}) => ['Network.requestWillBeSent', { requestId, request: { url, method: 'GET' }, wallTime: 1790000000, ...extra }];

test('a cross-site request: blocked cookies, the refused Set-Cookie line, the CORS error and the real status join into one report', () => {
  const log = createPreciseLog();
  // ExtraInfo may arrive before requestWillBeSent: it still lands on the same hop.
  log.event('Network.requestWillBeSentExtraInfo', {
    requestId: '7',
    associatedCookies: [
      { blockedReasons: ['SameSiteLax', 'UserPreferences'], exemptionReason: 'None', cookie: { name: 'sid', value: 'secret-value' } },
      { blockedReasons: [], cookie: { name: 'ok' } },
    ],
    siteHasCookieInOtherPartition: true,
  });
  log.event(...sent('7', 'http://api.a.test/401'));
  log.event('Network.responseReceivedExtraInfo', { requestId: '7', statusCode: 401, blockedCookies: [{ blockedReasons: ['SameSiteNoneInsecure'], cookieLine: 'bad=1; SameSite=None' }] });
  log.event('Network.loadingFailed', { requestId: '7', errorText: 'net::ERR_FAILED', corsErrorStatus: { corsError: 'MissingAllowOriginHeader', failedParameter: '' } });
  const [r, ...rest] = log.reports();
  assert.equal(rest.length, 0);
  assert.deepEqual(r, {
    method: 'GET',
    url: 'http://api.a.test/401',
    startedMs: 1790000000000,
    status: 401,
    associatedCookies: [
      { name: 'sid', blockedReasons: ['SameSiteLax', 'UserPreferences'], exemptionReason: 'None' },
      { name: 'ok', blockedReasons: [], exemptionReason: null },
    ],
    blockedCookies: [{ cookieLine: 'bad=1; SameSite=None', blockedReasons: ['SameSiteNoneInsecure'] }],
    corsErrorStatus: { corsError: 'MissingAllowOriginHeader', failedParameter: '' },
    errorText: 'net::ERR_FAILED',
    siteHasCookieInOtherPartition: true,
    cookieIssues: [],
  });
  assert.ok(!JSON.stringify(r).includes('secret-value'), 'an associated cookie keeps its name only');
});

test('a redirect: each hop is its own report, the 302 keeps its status', () => {
  const log = createPreciseLog();
  log.event(...sent('9', 'https://app.a.test/start'));
  log.event('Network.requestWillBeSentExtraInfo', { requestId: '9', associatedCookies: [] });
  log.event(...sent('9', 'https://app.a.test/login', { redirectResponse: { status: 302 } }));
  log.event('Network.requestWillBeSentExtraInfo', { requestId: '9', associatedCookies: [{ blockedReasons: ['NotOnPath'], cookie: { name: 'sid' } }] });
  const [a, b] = log.reports();
  assert.equal(a.url, 'https://app.a.test/start');
  assert.equal(a.status, 302);
  assert.deepEqual(a.associatedCookies, []);
  assert.equal(b.url, 'https://app.a.test/login');
  assert.equal(b.associatedCookies[0].blockedReasons[0], 'NotOnPath');
});

test('Audits issues land on the request they name; CORS warnings do not count as failures', () => {
  const log = createPreciseLog();
  log.event(...sent('3', 'https://api.b.test/me'));
  log.event('Audits.issueAdded', { issue: { code: 'CookieIssue', details: { cookieIssueDetails: { cookie: { name: 'sid' }, operation: 'ReadCookie', cookieExclusionReasons: ['ExcludeSameSiteUnspecifiedTreatedAsLax'], cookieWarningReasons: [], request: { requestId: '3', url: 'https://api.b.test/me' } } } } });
  log.event('Audits.issueAdded', { issue: { code: 'CorsIssue', details: { corsIssueDetails: { isWarning: true, corsErrorStatus: { corsError: 'InsecureLocalNetwork', failedParameter: '' }, request: { requestId: '3' } } } } });
  log.event('Audits.issueAdded', { issue: { code: 'CookieIssue', details: { cookieIssueDetails: { request: { requestId: 'unknown' } } } } });
  const [r] = log.reports();
  assert.deepEqual(r.cookieIssues, [{ name: 'sid', operation: 'ReadCookie', exclusionReasons: ['ExcludeSameSiteUnspecifiedTreatedAsLax'], warningReasons: [] }]);
  assert.equal(r.corsErrorStatus, null);
  assert.equal(log.reports().length, 1);
});

test('hostile or malformed events are ignored or bounded, never thrown on', () => {
  const log = createPreciseLog({ max: 5 });
  for (const p of [null, 42, 'x', {}, { requestId: 5 }, { requestId: '1', associatedCookies: 'nope' }]) {
    assert.doesNotThrow(() => log.event('Network.requestWillBeSentExtraInfo', p));
  }
  log.event('Network.unknownEvent', { requestId: '1' });
  log.event(...sent('big', 'https://x.test/' + 'a'.repeat(100000)));
  log.event('Network.responseReceivedExtraInfo', { requestId: 'big', blockedCookies: Array.from({ length: 1000 }, () => ({ cookieLine: 'c=1', blockedReasons: ['SyntaxError'] })) });
  const big = log.reports().find((r) => r.url.startsWith('https://x.test/'));
  assert.ok(big.url.length <= 8192);
  assert.equal(big.blockedCookies.length, 64);
  for (let i = 0; i < 20; i++) log.event(...sent(`r${i}`, `https://x.test/${i}`));
  assert.ok(log.reports().length <= 5, 'the oldest requests are dropped past the cap');
  assert.equal(log.reports().at(-1).url, 'https://x.test/19');
});

function fakes() {
  const data = {};
  const storage = {
    get: async (k) => (k in data ? { [k]: data[k] } : {}),
    set: async (o) => Object.assign(data, o),
    remove: async (k) => delete data[k],
  };
  const sealer = { seal: async (v) => `sealed:${JSON.stringify(v)}`, open: async (s) => JSON.parse(s.slice(7)) };
  const listeners = { event: [], detach: [] };
  const calls = [];
  const api = {
    debugger: {
      attach: async (t, v) => calls.push(['attach', t.tabId, v]),
      detach: async (t) => calls.push(['detach', t.tabId]),
      sendCommand: async (t, m) => calls.push([m, t.tabId]),
      onEvent: { addListener: (f) => listeners.event.push(f) },
      onDetach: { addListener: (f) => listeners.detach.push(f) },
    },
  };
  const timers = [];
  return { data, storage, sealer, api, calls, listeners, later: (f) => (timers.push(f), 0), timers };
}

test('the worker attaches with Network and Audits, keeps reports sealed, and stops when the bar is closed', async () => {
  const f = fakes();
  const p = createPrecise({ api: f.api, storage: f.storage, sealer: f.sealer, setTimeout: f.later });
  await p.start(12);
  assert.deepEqual(f.calls, [['attach', 12, '1.3'], ['Network.enable', 12], ['Audits.enable', 12]]);
  assert.equal(f.listeners.event.length, 1, 'listeners registered once');
  p.listen();
  assert.equal(f.listeners.event.length, 1);
  f.listeners.event[0]({ tabId: 12 }, ...sent('1', 'https://api.a.test/me'));
  f.listeners.event[0]({ tabId: 99 }, ...sent('2', 'https://elsewhere.test/'));
  await p.flush(12);
  const stored = f.data[preciseKey(12)];
  assert.equal(stored.on, true);
  assert.equal(stored.count, 1);
  assert.ok(stored.sealed.startsWith('sealed:'), 'reports are stored sealed only');
  assert.deepEqual((await p.reports(12)).map((r) => r.url), ['https://api.a.test/me']);
  assert.deepEqual(await p.state(12), { on: true, count: 1, detached: null });
  f.listeners.detach[0]({ tabId: 12 }, 'canceled_by_user');
  await new Promise((r) => setTimeout(r, 0));
  const after = await p.state(12);
  assert.equal(after.on, false);
  assert.equal(after.detached, 'canceled_by_user');
  assert.equal(after.count, 1, 'what was collected stays');
  await p.forget(12);
  assert.equal(f.data[preciseKey(12)], undefined);
});

test('without the debugger permission precise mode refuses to start and registers nothing', async () => {
  const f = fakes();
  delete f.api.debugger;
  const p = createPrecise({ api: f.api, storage: f.storage, sealer: f.sealer, setTimeout: f.later });
  p.listen();
  await assert.rejects(p.start(1), /debugger permission/);
  assert.deepEqual(f.data, {});
});

test('only precise.js touches the debugger, and it sends no command but Network.enable and Audits.enable', async () => {
  const { readFileSync, readdirSync } = await import('node:fs');
  const dir = new URL('../../extension/', import.meta.url);
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    // Code only: comments may name the API.
    const src = readFileSync(new URL(f, dir), 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    if (f === 'precise.js') {
      const commands = [...src.matchAll(/sendCommand\([^,]+,\s*'([^']+)'/g)].map((m) => m[1]);
      assert.deepEqual([...new Set(commands)].sort(), ['Audits.enable', 'Network.enable']);
      assert.equal([...src.matchAll(/sendCommand\(/g)].length, commands.length, 'every command is a literal the test can see');
    } else {
      assert.doesNotMatch(src, /\.debugger\b|sendCommand/, `${f} uses the debugger`);
    }
  }
});

test('a restarted worker adopts a tab still in precise mode, and ignores one that is not', async () => {
  const f = fakes();
  f.data[preciseKey(5)] = { on: true, sealed: `sealed:${JSON.stringify([{ method: 'GET', url: 'https://a.test/old' }])}`, count: 1 };
  f.data[preciseKey(6)] = { on: false, count: 0 };
  const p = createPrecise({ api: f.api, storage: f.storage, sealer: f.sealer, setTimeout: f.later });
  p.listen();
  f.listeners.event[0]({ tabId: 5 }, ...sent('1', 'https://a.test/new'));
  f.listeners.event[0]({ tabId: 6 }, ...sent('1', 'https://b.test/'));
  await new Promise((r) => setTimeout(r, 0));
  await p.flush(5);
  assert.deepEqual((await p.reports(5)).map((r) => r.url), ['https://a.test/old', 'https://a.test/new']);
  await p.flush(6);
  assert.equal(f.data[preciseKey(6)].sealed, undefined, 'a tab not in precise mode keeps no reports');
  await p.clearReports(5);
  assert.deepEqual(await p.reports(5), []);
  assert.equal((await p.state(5)).on, true, 'clearing the records leaves precise mode on');
});
