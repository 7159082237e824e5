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

/** The popup's flagged requests as painted: URL, status and findings in rank order. */
export function popupEntries(popup) {
  return popup.evaluate(() =>
    [...document.querySelectorAll('[data-entry]')].map((e) => ({
      url: e.getAttribute('data-url'),
      status: Number(e.getAttribute('data-status')),
      findings: [...e.querySelectorAll('[data-finding]')].map((f) => ({ id: f.getAttribute('data-finding'), severity: f.getAttribute('data-severity') })),
    })),
  );
}

/**
 * Reveal secrets must not change the diagnosis: the popup's revealed analysis (core.js hands the
 * core the same capture as the worker's) paints the same entries with the same findings, in the
 * same order. Run on every real scenario (the synthetic popup ones check Reveal themselves).
 * @returns {Promise<string|null>}
 */
export async function revealProblem(popup, entries) {
  await popup.click('#reveal');
  await popup.waitForSelector('body[data-reveal="on"]', { timeout: 5000 });
  const revealed = await popupEntries(popup);
  // The URL is compared without its query and fragment: since secret.rs, the core redacts token-like
  // query parameters (?code=) in the view unless revealed, and that difference is the point of Reveal.
  const bare = (url) => String(url).split(/[?#]/, 1)[0];
  const line = (list) => list.map((e) => `${e.status} ${bare(e.url)}: ${e.findings.map((f) => `${f.id}/${f.severity}`).join('>')}`).join(' | ');
  return line(revealed) === line(entries) ? null : `Reveal changed the diagnosis: ${line(entries) || 'nothing'} became ${line(revealed) || 'nothing'}`;
}
