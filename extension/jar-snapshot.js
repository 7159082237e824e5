// Cookie-jar snapshots: when a request failed or set cookies, every cookie of its site (all hosts
// and paths, partitioned ones too) is recorded on the exchange (`jar`), so the core can say which
// cookies exist but were not sent, and why. Read-only: the extension never writes a cookie.
//
// Pure apart from what it is given (`cookies` API, the core): Node's tests pass fakes.

/** Cookies kept per snapshot. */
export const MAX_JAR = 60;

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
 * The snapshotter: `snapshot(x, cache)` sets `x.jar`. With a `cache` (one per batch), exchanges of
 * the same site and partition share one read of the jar: a burst of failures costs one query.
 * @param {{cookies: {getAll: (q: object) => Promise<object[]>}, core: ReturnType<import('./core.js').createCore>}} deps
 */
export function createJarSnapshot({ cookies, core }) {
  async function read(domain, topSite) {
    const plain = await cookies.getAll({ domain }).catch(() => []);
    // Partitioned cookies stay hidden unless asked for by partition (PLATFORM.md P18).
    let partitioned = [];
    if (topSite) {
      try {
        partitioned = await cookies.getAll({ domain, partitionKey: { topLevelSite: topSite } });
      } catch {
        // No partitionKey support in this browser.
      }
    }
    return mergeCookies(plain, partitioned).map(jarCookie);
  }
  return async function snapshot(x, cache = new Map()) {
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
    const key = `${domain}\u0000${topSite ?? ''}`;
    if (!cache.has(key)) cache.set(key, read(domain, topSite));
    x.jar = await cache.get(key);
  };
}
