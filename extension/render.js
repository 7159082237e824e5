// The painting both the popup and the DevTools panel (and the HAR import page) use: one flagged
// entry's findings and its sections (credentials, cookies, CORS, challenge, raw headers), and the
// small helpers they share. Everything that came off the network is painted with textContent
// (never innerHTML). DOM contract (the e2e tests rely on it): each finding is an element with
// data-finding and data-severity, in rank order.
//
// Stateless: what depends on the page (Reveal, the raw exchange behind an entry) is passed in.

/**
 * Creates an element; `props` may hold className, dataset, attributes (attrs) and text.
 * @param {string} tag
 * @param {{className?:string, text?:string|number|null, attrs?:Record<string,string>, data?:Record<string,string|number>}} [props]
 * @param {...(Node|string|null|undefined|false)} children
 */
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined && props.text !== null) e.textContent = String(props.text);
  for (const [k, v] of Object.entries(props.attrs ?? {})) e.setAttribute(k, v);
  for (const [k, v] of Object.entries(props.data ?? {})) e.dataset[k] = String(v);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

export function ago(ms) {
  if (!ms) return '';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(ms).toLocaleString();
}

export function shortUrl(u) {
  try {
    const url = new URL(u);
    return `${url.host}${url.pathname}${url.search}`;
  } catch {
    return u;
  }
}

export function statusText(entry) {
  const err = entry.error ? entry.error.replace(/^net::/, '') : '';
  // A CORS failure keeps the status the server sent: show both, the page only saw the error.
  if (entry.status && err) return `${entry.status} · ${err}`;
  if (entry.status) return String(entry.status);
  return err || 'failed';
}

export function statusClass(status) {
  if (status >= 200 && status < 300) return 'status s2xx';
  if (status >= 300 && status < 400) return 'status s3xx';
  return 'status';
}

/**
 * Writes `text` to the clipboard: the async Clipboard API first, then the execCommand fallback
 * (Firefox, or a popup that has lost focus). Resolves to true only when one of them succeeded.
 * @param {string} text
 */
export async function writeClipboard(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = el('textarea', { attrs: { 'aria-hidden': 'true' } });
    ta.value = text;
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.append(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}

/**
 * Copies the text `getText()` returns (or resolves to) and says on the button whether it worked:
 * "Copied", or "Copy failed" (with the reason in the tooltip) so that a refused clipboard is never
 * silent.
 * @param {() => string | Promise<string>} getText
 * @param {HTMLElement} button
 */
export async function copy(getText, button) {
  let ok = false;
  let why = 'the browser refused clipboard access';
  try {
    // A promise too: the popup's Copy report / Copy as cURL ask the core when pressed.
    const text = await getText();
    if (!text) why = 'there was nothing to copy';
    else ok = await writeClipboard(text);
  } catch (e) {
    why = String(e?.message ?? e);
  }
  const label = button.dataset.label ?? button.textContent ?? '';
  const title = button.dataset.title ?? button.title;
  button.dataset.label = label;
  button.dataset.title = title;
  clearTimeout(Number(button.dataset.timer));
  button.textContent = ok ? 'Copied' : 'Copy failed';
  button.title = ok ? title : `Copy failed: ${why}`;
  button.classList.toggle('done', ok);
  button.classList.toggle('failed', !ok);
  button.dataset.copied = ok ? 'ok' : 'failed';
  button.dataset.timer = String(
    setTimeout(
      () => {
        button.textContent = label;
        button.title = title;
        button.classList.remove('done', 'failed');
        delete button.dataset.copied;
      },
      ok ? 1200 : 4000,
    ),
  );
}

/**
 * A copy button; `getText` is called at click time, so the text follows the Reveal toggle.
 * @param {() => string | Promise<string>} getText
 */
export function copyButton(getText, label = 'Copy', title = '') {
  const b = el('button', { className: 'copy', text: label, attrs: { type: 'button', title: title || label } });
  b.addEventListener('click', (ev) => {
    ev.preventDefault();
    ev.stopPropagation();
    copy(getText, b);
  });
  return b;
}


/**
 * Text with Markdown code spans (`x`) as <code> elements; everything stays textContent.
 * @param {string} tag
 * @param {string} text
 * @param {string} [className]
 */
export function richText(tag, text, className) {
  const e = el(tag, className ? { className } : {});
  String(text)
    .split('`')
    .forEach((part, i) => {
      if (part) e.append(i % 2 ? el('code', { text: part }) : document.createTextNode(part));
    });
  return e;
}

/** What a precise-mode basis is called on screen. */
const BASIS_TEXT = { browser: 'reported by the browser', inferred: 'inferred' };

/**
 * One finding: the first (most likely) cause is open; the others start folded to keep the hierarchy
 * clear. In precise mode `basis` (`browser` or `inferred`) says where the finding comes from.
 */
export function paintFinding(f, i, basis) {
  const data = { finding: f.id, severity: f.severity };
  if (basis === 'browser' || basis === 'inferred') data.basis = basis;
  const li = el('li', { className: 'finding', data });
  const box = el('details', { className: 'finding-box' });
  box.open = i === 0;
  box.append(
    el(
      'summary',
      { className: 'finding-head' },
      el('span', { className: 'rank', text: `${i + 1}.` }),
      el('h3', { text: f.title }),
      el('span', { className: `sev sev-${f.severity}`, text: f.severity === 'warn' ? 'warning' : f.severity }),
      el('code', { className: 'fid', text: f.id }),
      data.basis ? el('span', { className: `basis basis-${data.basis}`, text: BASIS_TEXT[data.basis] }) : null,
    ),
  );
  if (f.explanation) box.append(richText('p', f.explanation, 'explain'));
  if (f.evidence?.length) {
    const dl = el('dl', { className: 'evidence' });
    for (const e of f.evidence) dl.append(el('dt', { text: e.label }), el('dd', { text: e.value }));
    box.append(dl);
  }
  const fix = f.fix;
  if (fix && (fix.summary || fix.steps?.length || fix.snippets?.length)) {
    const fixBox = el('div', { className: 'fix' }, el('h4', { text: 'Fix' }));
    if (fix.summary) fixBox.append(richText('p', fix.summary));
    if (fix.steps?.length) fixBox.append(el('ol', {}, ...fix.steps.map((s) => richText('li', s))));
    const snippets = (fix.snippets ?? []).map((s) =>
      el(
        'div',
        { className: 'snippet' },
        el('div', { className: 'snippet-head' }, el('span', { text: s.lang }), copyButton(() => s.code, 'Copy', `Copy the ${s.lang} snippet`)),
        el('pre', {}, el('code', { text: s.code })),
      ),
    );
    // Two snippets inline; more (one per server stack) fold away under their names.
    fixBox.append(...snippets.slice(0, 2));
    if (snippets.length > 2) {
      const more = el('details', { className: 'more-snippets' });
      more.append(el('summary', { text: `More snippets: ${(fix.snippets ?? []).slice(2).map((s) => s.lang).join(', ')}` }), ...snippets.slice(2));
      fixBox.append(more);
    }
    box.append(fixBox);
  }
  if (f.source) box.append(el('div', { className: 'source', text: `Source: ${f.source}` }));
  li.append(box);
  return li;
}

export function panel(title, count, ...content) {
  const d = el('details', { className: 'panel' });
  d.append(
    el('summary', {}, title, count !== null && count !== undefined ? el('span', { className: 'count', text: ` (${count})` }) : null),
    el('div', { className: 'panel-body' }, ...content),
  );
  return d;
}

export function kv(pairs) {
  const dl = el('dl', { className: 'kv' });
  for (const [k, v, mono] of pairs) {
    if (v === null || v === undefined || v === '') continue;
    dl.append(el('dt', { text: k }), el('dd', { className: mono ? 'mono' : '', text: v }));
  }
  return dl;
}

export function rawHeader(entry, name, rawExchange) {
  const x = rawExchange?.(entry);
  return x?.requestHeaders?.find((h) => h.name.toLowerCase() === name)?.value ?? null;
}

export function paintCredentials(entry, { reveal = false, rawExchange } = {}) {
  const c = entry.credentials ?? {};
  const a = c.authorization;
  const parts = [];
  const stateWords = { sent: 'Sent', missing: 'Nothing sent', rejected: 'Sent and rejected' };
  parts.push(kv([['State', stateWords[c.state] ?? c.state ?? 'unknown']]));
  if (a) {
    const credential = reveal ? rawHeader(entry, 'authorization', rawExchange) ?? a.credentialRedacted : a.credentialRedacted;
    parts.push(
      kv([
        ['Scheme', a.scheme],
        ['Summary', a.summary],
        ['User', a.user],
        ['Credential', credential, true],
      ]),
    );
    if (a.notes?.length) parts.push(el('ul', {}, ...a.notes.map((n) => el('li', { className: 'bad', text: n }))));
    if (a.jwt) parts.push(paintJwt(a.jwt));
  }
  if (c.apiKeys?.length) {
    parts.push(el('h4', { text: 'API key headers' }), kv(c.apiKeys.map((p) => [p.name, p.value, true])));
  }
  return panel('Credentials', null, ...parts);
}

export function paintJwt(jwt) {
  const rows = (list) =>
    list.map((cl) =>
      el(
        'tr',
        {},
        el('td', { className: 'mono', text: cl.name }),
        el('td', { className: 'mono', text: cl.value }),
        el('td', { className: `claim-note ${cl.status === 'bad' ? 'bad' : ''}`, text: cl.note ?? '' }),
      ),
    );
  const table = el(
    'table',
    {},
    el('thead', {}, el('tr', {}, el('th', { text: 'Claim' }), el('th', { text: 'Value' }), el('th', { text: 'Note' }))),
    el('tbody', {}, ...rows(jwt.header ?? []), ...rows(jwt.claims ?? [])),
  );
  return el(
    'div',
    {},
    el('h4', { text: `JWT (${jwt.kind}, decoded locally, not verified)` }),
    el('div', { className: 'table-wrap' }, table),
    jwt.problems?.length ? el('ul', {}, ...jwt.problems.map((p) => el('li', { className: 'bad', text: p }))) : null,
  );
}

export function paintCookies(entry) {
  const rows = entry.cookies ?? [];
  if (!rows.length) return panel('Cookies', 0, el('p', { className: 'muted', text: 'No cookies were sent, set or stored for this site.' }));
  const head = ['Name', 'Sent', 'Why not', 'SameSite', 'Secure', 'HttpOnly', 'Domain', 'Path', 'Expires', 'Partition'];
  const yn = (b) => el('td', { className: b ? 'yes' : '', text: b ? 'yes' : 'no' });
  const table = el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { attrs: { scope: 'col' }, text: h })))),
    el(
      'tbody',
      {},
      ...rows.map((r) =>
        el(
          'tr',
          { data: { cookie: r.name } },
          el('td', { className: 'mono', text: r.name, attrs: { title: `from ${r.origin}` } }),
          el('td', { className: r.sent ? 'yes' : 'no', text: r.sent ? 'sent' : 'not sent' }),
          el('td', { text: r.reason ?? '', attrs: r.finding ? { title: r.finding } : {} }),
          el('td', { text: r.sameSite }),
          yn(r.secure),
          yn(r.httpOnly),
          el('td', { className: 'mono', text: r.domain }),
          el('td', { className: 'mono', text: r.path }),
          el('td', { text: r.expires }),
          el('td', { className: 'mono', text: r.partitioned ?? '' }),
        ),
      ),
    ),
  );
  return panel('Cookies', rows.length, el('div', { className: 'table-wrap' }, table));
}

export function paintCors(c) {
  const parts = [
    kv([
      ['Page origin', c.pageOrigin, true],
      ['Request Origin', c.requestOrigin, true],
      ['Credentials mode', c.credentialsMode],
      ['Failed check', c.failedCheck ?? 'none — all CORS checks passed'],
      ['Preflight', c.preflightStatus ? `answered ${c.preflightStatus}` : null],
    ]),
  ];
  if (c.responseHeaders?.length) parts.push(el('h4', { text: 'Response' }), kv(c.responseHeaders.map((p) => [p.name, p.value, true])));
  if (c.preflightHeaders?.length) parts.push(el('h4', { text: 'Preflight response' }), kv(c.preflightHeaders.map((p) => [p.name, p.value, true])));
  const d = panel('CORS', null, ...parts);
  if (c.failedCheck) d.querySelector('summary')?.append(el('span', { className: 'count bad', text: ' · failed' }));
  return d;
}

export function paintChallenges(list) {
  const parts = list.map((ch) =>
    el(
      'div',
      { className: 'challenge' },
      el('h4', { text: `${ch.proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate'}: ${ch.scheme}` }),
      kv([...(ch.params ?? []).map((p) => [p.name, p.value, true]), ['token68', ch.token68, true]]),
      ch.meaning?.length ? el('ul', {}, ...ch.meaning.map((m) => el('li', { text: m }))) : null,
    ),
  );
  return panel('Challenge', list.length, ...parts);
}

export function paintRaw(entry, { reveal = false } = {}) {
  // With Reveal on, `entry` is the core's revealed twin and its headers are shown in full.
  const req = entry.requestHeaders ?? [];
  const res = entry.responseHeaders ?? [];
  const text = (list) => list.map((h) => `${h.name}: ${h.value}`).join('\n');
  const block = (title, list) =>
    el(
      'div',
      { className: 'snippet' },
      el('div', { className: 'snippet-head' }, el('span', { text: title }), copyButton(() => text(list), 'Copy', `Copy the ${title.toLowerCase()}`)),
      el('pre', {}, el('code', { text: list.length ? text(list) : '(none seen)' })),
    );
  return panel(
    reveal ? 'Raw headers (secrets shown)' : 'Raw headers (secrets redacted)',
    null,
    block(`Request: ${entry.method} ${entry.url}`, req),
    block(`Response: ${statusText(entry)}`, res),
  );
}

/**
 * An entry's findings (rank order) and its sections, as the popup shows them under a request.
 * @param {any} entry an `EntryView` of the core
 * @param {{reveal?: boolean, rawExchange?: (entry: any) => any, afterFindings?: (entry: any) => HTMLElement | null}} [opts]
 *   Reveal state, the raw exchange behind an entry (session memory only) when the page has it, and
 *   what to paint under the findings (precise mode's verdicts)
 * @returns {HTMLElement[]}
 */
export function paintSections(entry, opts = {}) {
  const list = el('ol', { className: 'findings', attrs: { 'aria-label': 'Findings, most likely cause first' } });
  (entry.findings ?? []).forEach((f, i) => list.append(paintFinding(f, i, entry.bases?.[i])));
  // Precise mode: what the browser itself said, right under the findings (precise-ui.js).
  const said = opts.afterFindings?.(entry) ?? null;
  const out = [list, ...(said ? [said] : []), paintCredentials(entry, opts), paintCookies(entry)];
  if (entry.cors) out.push(paintCors(entry.cors));
  if (entry.challenges?.length) out.push(paintChallenges(entry.challenges));
  out.push(paintRaw(entry, opts));
  return out;
}
