// Cookie-jar snapshots: when a request failed, every cookie of its site (all hosts and paths,
// partitioned ones too) is recorded on the exchange (`jar`), so the core can say which cookies
// exist but were not sent, and why. Read-only: the extension never writes a cookie.
//
// Values at rest: a cookie the request itself carried keeps its value (it is in the exchange's
// Cookie header anyway, and the core matches the two). Every other cookie's value is stored
// reduced (`reduceValue`): the short prefix the core's redaction shows, then a keyed hash (HMAC-
// SHA-256, a random key per browser session) as filler, to the original length. The core reads
// from `JarCookie.value` only its length, that prefix (`eyJ` for a JWT-looking token) and
// equality, all of which survive; Reveal cannot show such a value in full.
//
// Pure apart from what it is given (`cookies` API, the core): Node's tests pass fakes.

/** Cookies kept per snapshot. */
export const MAX_JAR = 60;
/** The storage.session key of the per-session HMAC key (raw bytes, base64). */
export const DIGEST_KEY = 'digestKey';

/**
 * The stored stand-in for a cookie value the request did not carry: the first min(n/4, 6)
 * characters (exactly what the core's `redact(_, Prefix)` shows), then hex of `mac` (a keyed hash
 * of the value) repeated to the original length in characters. Equal values give equal stand-ins
 * within one session; the rest of the value is not recoverable.
 * @param {string} value
 * @param {string} mac hex
 */
export function reduceValue(value, mac) {
  const chars = [...value];
  const n = chars.length;
  if (!n) return '';
  const shown = Math.min(Math.floor(n / 4), 6);
  let filler = '';
  while (filler.length < n - shown) filler += mac || '0';
  return chars.slice(0, shown).join('') + filler.slice(0, n - shown);
}

/** The `name=value` pairs of an exchange's Cookie request header(s). */
export function sentPairs(x) {
  const out = new Set();
  for (const h of x.requestHeaders ?? []) {
    if (h.name?.toLowerCase() !== 'cookie') continue;
    for (const part of String(h.value ?? '').split(';')) out.add(part.trim());
  }
  return out;
}

/**
 * A keyed hash of strings as hex: HMAC-SHA-256 under a random key made once per browser session
 * and kept in storage.session (it dies with the session, like the values it stands for).
 * @param {{subtle: SubtleCrypto, getRandomValues: (a: Uint8Array) => Uint8Array}} crypto
 * @param {{get: Function, set: Function}} storage
 * @returns {(value: string) => Promise<string>}
 */
export function createDigest(crypto, storage) {
  let key = null;
  const keyOf = async () => {
    const got = (await storage.get(DIGEST_KEY))?.[DIGEST_KEY];
    let raw;
    if (typeof got === 'string') raw = Uint8Array.from(atob(got), (c) => c.charCodeAt(0));
    else {
      raw = crypto.getRandomValues(new Uint8Array(32));
      await storage.set({ [DIGEST_KEY]: btoa(String.fromCharCode(...raw)) });
    }
    return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  };
  return async (value) => {
    key ??= keyOf().catch((e) => ((key = null), Promise.reject(e)));
    const mac = await crypto.subtle.sign('HMAC', await key, new TextEncoder().encode(value));
    return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
  };
}

/** The core's `model::JarCookie` for a `cookies.Cookie`. */
export function jarCookie(c) {
  return {
    name: c.name,
    value: c.value,
    domain: c.domain,
    hostOnly: !!c.hostOnly,
    path: c.path,
    secure: !!c.secure,
    httpOnly: !!c.httpOnly,
    sameSite: c.sameSite ?? 'unspecified',
    session: !!c.session,
    expirationDate: c.expirationDate ?? null,
    partitionTopLevelSite: c.partitionKey?.topLevelSite ?? null,
  };
}

/**
 * Merges cookie lists, each cookie once (name, domain, path, partition), at most MAX_JAR.
 * @param {...(object[] | undefined)} lists
 */
export function mergeCookies(...lists) {
  const seen = new Map();
  for (const list of lists) {
    for (const c of list ?? []) {
      const key = `${c.name}\u0000${c.domain}\u0000${c.path}\u0000${c.partitionKey?.topLevelSite ?? ''}`;
      if (!seen.has(key) && seen.size < MAX_JAR) seen.set(key, c);
    }
  }
  return [...seen.values()];
}

/**
 * The snapshotter: `snapshot(x, cache)` sets `x.jar`, values the request did not carry reduced
 * (`reduceValue`, with `digest`; without one they are dropped to the prefix and length alone). With a `cache` (one per batch), exchanges of
 * the same site and partition share one read of the jar: a burst of failures costs one query.
 * @param {{cookies: {getAll: (q: object) => Promise<object[]>}, core: ReturnType<import('./core.js').createCore>,
 *   digest?: ((value: string) => Promise<string>) | null, storeOf?: (tabId: number) => Promise<string|undefined>}} deps
 * `cookies.getAll` should be browser-compat.js `getAllCookies` (first-party isolation); `storeOf`
 * its `cookieStoreOf`; `otherPartition(query, topSite)` its `cookieInOtherPartition` (sets the
 * exchange's `siteHasCookieInOtherPartition` when it answers true).
 */
export function createJarSnapshot({ cookies, core, digest = null, storeOf = async () => undefined, otherPartition = async () => undefined }) {
  async function read(domain, topSite, storeId) {
    // The tab's own store: incognito (spanning mode) and Firefox containers have their own jars.
    const base = storeId ? { domain, storeId } : { domain };
    const plain = await cookies.getAll(base).catch(() => []);
    // Partitioned cookies stay hidden unless asked for by partition (PLATFORM.md P18).
    let partitioned = [];
    if (topSite) {
      try {
        partitioned = await cookies.getAll({ ...base, partitionKey: { topLevelSite: topSite } });
      } catch {
        // No partitionKey support in this browser.
      }
    }
    const elsewhere = await otherPartition(base, topSite).catch(() => undefined);
    return { jar: mergeCookies(plain, partitioned).map(jarCookie), elsewhere };
  }
  return async function snapshot(x, cache = new Map(), tabId = undefined) {
    let host;
    try {
      host = new URL(x.url).hostname;
    } catch {
      return;
    }
    await core.load();
    const domain = core.registrableDomain(host);
    let topSite = null;
    try {
      const top = new URL(x.pageUrl ?? x.initiator);
      topSite = `${top.protocol}//${core.registrableDomain(top.hostname)}`;
    } catch {
      // No page to partition by.
    }
    const storeKey = `store\u0000${tabId}`;
    if (!cache.has(storeKey)) cache.set(storeKey, tabId === undefined ? Promise.resolve(undefined) : storeOf(tabId).catch(() => undefined));
    const storeId = await cache.get(storeKey);
    const key = `${domain}\u0000${topSite ?? ''}\u0000${storeId ?? ''}`;
    if (!cache.has(key)) cache.set(key, read(domain, topSite, storeId));
    const sent = sentPairs(x);
    const { jar, elsewhere } = await cache.get(key);
    // Only ever raised: Chromium's CDP verdict, when the capture has one, is not overruled.
    if (elsewhere === true) x.siteHasCookieInOtherPartition = true;
    // One HMAC per cookie per batch, however many of the batch's failures hold it (each is an
    // asynchronous WebCrypto call: 40 failures × 8 cookies were 320 of them).
    const macOf = (pair) => {
      const k = `mac\u0000${pair}`;
      if (!cache.has(k)) cache.set(k, digest(pair).catch(() => ''));
      return cache.get(k);
    };
    x.jar = await Promise.all(
      jar.map(async (c) =>
        sent.has(`${c.name}=${c.value}`) || (!c.name && sent.has(c.value)) || !c.value
          ? c
          : { ...c, value: reduceValue(c.value, digest ? await macOf(`${c.name}=${c.value}`) : '') },
      ),
    );
  };
}
