// The scenario expectation check and a timeout helper, shared by the Chromium (run.mjs) and Firefox
// (firefox.mjs) runners.

/**
 * Checks the popup's entries against a scenario's expectation:
 *   {first: id}          some entry has `id` ranked first
 *   {includes: [ids]}    some entry (any) lists each id
 *   {excludes: [ids]}    no entry lists any of them
 *   {none: true}         nothing flagged at all
 *   {entriesAtLeast: n}  at least n flagged requests
 *   {urlIncludes: s}     restricts first/includes to entries whose URL contains s
 * @returns {string|null} what is wrong, or null
 */
export function check(expect, entries) {
  const scoped = expect.urlIncludes ? entries.filter((e) => e.url.includes(expect.urlIncludes)) : entries;
  if (expect.none && entries.length) return `expected nothing flagged, got ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`;
  if (expect.entriesAtLeast && entries.length < expect.entriesAtLeast) return `expected at least ${expect.entriesAtLeast} flagged requests, got ${entries.length}`;
  if (expect.first && !scoped.some((e) => e.findings[0]?.id === expect.first)) {
    const present = scoped.some((e) => e.findings.some((f) => f.id === expect.first));
    return present ? `${expect.first} present but not ranked first` : `${expect.first} not reported`;
  }
  for (const id of expect.includes ?? []) {
    if (!scoped.some((e) => e.findings.some((f) => f.id === id))) return `${id} not reported`;
  }
  for (const id of expect.excludes ?? []) {
    if (entries.some((e) => e.findings.some((f) => f.id === id))) return `${id} reported but must not be`;
  }
  return null;
}

export function withTimeout(p, ms, msg) {
  let t;
  return Promise.race([p, new Promise((_, rej) => (t = setTimeout(() => rej(new Error(msg)), ms)))]).finally(() => clearTimeout(t));
}
