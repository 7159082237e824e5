// The one file that knows which browser it runs in. Everything else imports `api` and the
// feature flags from here and never touches `chrome` or `browser` directly.

/** @type {typeof chrome} */
export const api = globalThis.browser?.runtime?.id ? globalThis.browser : globalThis.chrome;

/** `firefox` or `chromium` — the core's `Capture.browser`. */
export const browserName = typeof globalThis.browser?.runtime?.getBrowserInfo === 'function' ? 'firefox' : 'chromium';

/**
 * Chromium hides Cookie, Set-Cookie, Origin/Referer and every CORS preflight from webRequest
 * unless a listener asks for `extraHeaders`; Firefox rejects that value (PLATFORM.md P11, P22).
 */
export const EXTRA = api.webRequest?.OnBeforeSendHeadersOptions?.EXTRA_HEADERS ? ['extraHeaders'] : [];

/** The badge/popup action (MV3 `action`, MV2-era `browserAction` as a fallback). */
export const action = api.action ?? api.browserAction;

/**
 * Listener options for `onErrorOccurred`: Chromium accepts `extraHeaders` there (it is what makes
 * preflighted requests visible at all), Firefox throws on any extra spec argument.
 * @returns {string[] | undefined}
 */
export function errorSpec() {
  return EXTRA.length ? EXTRA : undefined;
}

/**
 * Whether the profile blocks third-party cookies, as `true`/`false`, or `undefined` when the
 * browser does not say. Chromium: privacy.websites.thirdPartyCookiesAllowed; Firefox:
 * privacy.websites.cookieConfig (its default partitions foreign cookies: not blocked).
 * @returns {Promise<boolean | undefined>}
 */
export async function thirdPartyCookiesBlocked() {
  const w = api.privacy?.websites;
  try {
    if (w?.thirdPartyCookiesAllowed) return !(await w.thirdPartyCookiesAllowed.get({})).value;
    if (w?.cookieConfig) {
      const b = (await w.cookieConfig.get({})).value?.behavior;
      // Firefox's default, Total Cookie Protection, partitions foreign cookies rather than blocking
      // them (and reject_trackers blocks known trackers only): neither is "third-party cookies
      // blocked". A cookie kept in another partition is reported by partitionsOtherThan() instead.
      if (b === 'allow_all' || b === 'reject_trackers' || b === 'reject_trackers_and_partition_foreign') return false;
      if (b === 'reject_third_party' || b === 'reject_all') return true;
    }
  } catch {
    // No permission or no such setting: unknown.
  }
  return undefined;
}

/** Calls `fn` whenever the third-party cookie setting changes. */
export function onThirdPartyCookiesChange(fn) {
  const w = api.privacy?.websites;
  (w?.thirdPartyCookiesAllowed ?? w?.cookieConfig)?.onChange?.addListener(() => fn());
}

/**
 * The cookie store a tab's requests use, or undefined when the browser does not say (then
 * `cookies.getAll` reads the default store, which is wrong for an incognito tab in spanning mode
 * and for Firefox containers). Firefox: `tab.cookieStoreId`. Chromium: `cookies.getAllCookieStores()`
 * maps stores to tab ids; it needs no `tabs` permission (the extension has none).
 * @param {number} tabId
 * @returns {Promise<string | undefined>}
 */
export async function cookieStoreOf(tabId) {
  try {
    if (browserName === 'firefox') {
      const tab = await api.tabs.get(tabId);
      if (tab?.cookieStoreId) return tab.cookieStoreId;
    }
    const stores = await api.cookies.getAllCookieStores();
    return stores.find((st) => st.tabIds?.includes(tabId))?.id;
  } catch {
    return undefined;
  }
}

/**
 * `cookies.getAll`, made to work under Firefox's first-party isolation: with FPI on, a query
 * without `firstPartyDomain` throws (and the jar silently came back empty). `firstPartyDomain:
 * null` asks for every first-party domain; Chromium rejects the key, so it is only added on retry.
 * @param {object} query
 * @param {{getAll: (q: object) => Promise<object[]>}} [cookies]
 */
export async function getAllCookies(query, cookies = api.cookies) {
  try {
    return await cookies.getAll(query);
  } catch (e) {
    if (browserName !== 'firefox' && !/firstPartyDomain/i.test(String(e?.message ?? e))) throw e;
    return cookies.getAll({ ...query, firstPartyDomain: null });
  }
}

/**
 * Whether `domain` has cookies kept under a top-level site other than `topSite` (Firefox's Total
 * Cookie Protection keys a third-party cookie by the top-level site it was set under, so an embedded
 * app's cookie from one site is absent under another): the core's `siteHasCookieInOtherPartition`,
 * which Chromium states itself through CDP. `partitionKey: {}` asks Firefox for every partition;
 * Chromium answers per named partition only, so it gets `undefined` (unknown) here.
 * @param {object} query the jar query (`domain`, maybe `storeId`)
 * @param {string} topSite the request's top-level site, `scheme://registrable-domain`
 * @param {{getAll: (q: object) => Promise<object[]>}} [cookies]
 * @returns {Promise<boolean | undefined>}
 */
export async function cookieInOtherPartition(query, topSite, cookies = api.cookies) {
  if (browserName !== 'firefox' || !topSite) return undefined;
  try {
    const all = await getAllCookies({ ...query, partitionKey: {} }, cookies);
    return all.some((c) => {
      const site = c.partitionKey?.topLevelSite;
      return Boolean(site) && site !== topSite;
    });
  } catch {
    return undefined;
  }
}
