// Precise mode in the popup and the DevTools panel: the consent step, the on/off button, and the
// tab's entries with the browser's verdicts merged in (precise.js collects them in the worker; the
// core merges and compares them). Chromium only: in Firefox the controls are never shown, because
// Firefox has no `debugger` API (the README says so).

import { api, browserName } from './browser-compat.js';
import { MSG } from './messages.js';
import { preciseKey } from './precise.js';
import { el } from './render.js';

const PERMISSION = { permissions: ['debugger'] };

/** Whether this browser can offer precise mode at all. */
export const preciseAvailable = () => browserName === 'chromium' && typeof api.permissions?.request === 'function';

/** The storage key a page watches to repaint when the tab's reports change. */
export { preciseKey };

/** `{on, count, detached}` of a tab (the worker writes pending reports first). */
export async function preciseState(tabId) {
  if (tabId === null || !preciseAvailable()) return { on: false, count: 0, detached: null };
  const r = await api.runtime.sendMessage({ type: MSG.PRECISE_STATE, tabId }).catch(() => null);
  return r?.ok ? r : { on: false, count: 0, detached: null };
}

/** The tab's browser reports, opened (session memory only). */
export async function preciseReports(tabId, sealer) {
  const key = preciseKey(tabId);
  const stored = (await api.storage.session.get(key))[key];
  if (typeof stored?.sealed !== 'string') return [];
  const r = await sealer.open(stored.sealed).catch(() => []);
  return Array.isArray(r) ? r : [];
}

/**
 * The controls: a button, and the explanation shown before anything is asked. The permission is
 * requested in the click on "Turn on" itself (a user gesture), never at load.
 * @param {HTMLElement} box where the controls go
 * @param {() => number | null} tabOf the tab the page shows
 * @param {() => void} changed called after precise mode was turned on or off
 */
export function mountPreciseControls(box, tabOf, changed) {
  if (!preciseAvailable()) {
    box.hidden = true;
    return { paint: async () => {} };
  }
  const button = el('button', { className: 'ghost', text: 'Precise mode…', attrs: { type: 'button', id: 'precise', title: "Ask Chromium itself why cookies were blocked and CORS failed (uses the debugger; you choose first)" } });
  const note = el('span', { className: 'muted', attrs: { id: 'precise-note' } });
  const consent = el(
    'div',
    { className: 'consent', attrs: { id: 'precise-consent', role: 'dialog', 'aria-label': 'Precise mode' } },
    el('p', { text: 'Precise mode asks Chromium itself why a cookie was not sent or stored and why a CORS check failed, instead of inferring it.' }),
    el('p', {
      text: 'It uses the browser\'s debugger on this tab only. While it is on, Chromium shows a bar saying "AuthLens started debugging this browser"; closing that bar (Cancel) turns precise mode off. Chromium will also ask you to allow the "debugger" permission once.',
    }),
    el('p', { className: 'muted', text: 'Nothing leaves your browser. The browser\'s verdicts are kept, encrypted, in session memory with the tab\'s captures.' }),
  );
  const yes = el('button', { className: 'primary', text: 'Turn on precise mode', attrs: { type: 'button', id: 'precise-on' } });
  const no = el('button', { className: 'ghost', text: 'Not now', attrs: { type: 'button' } });
  consent.append(el('p', { className: 'consent-actions' }, yes, no));
  consent.hidden = true;
  box.replaceChildren(button, note, consent);

  let on = false;
  async function paint() {
    const tabId = tabOf();
    const st = await preciseState(tabId);
    on = st.on;
    button.textContent = on ? 'Precise mode: on' : 'Precise mode…';
    button.setAttribute('aria-pressed', String(on));
    note.textContent = on
      ? `The browser's own verdicts: ${st.count} request${st.count === 1 ? '' : 's'} so far. Reproduce the failure now.`
      : st.detached === 'canceled_by_user'
        ? 'Precise mode stopped: the debugging bar was closed.'
        : st.count
          ? `Showing the browser's verdicts on ${st.count} earlier request${st.count === 1 ? '' : 's'}.`
          : '';
    document.body.dataset.precise = on ? 'on' : 'off';
  }
  button.addEventListener('click', async () => {
    const tabId = tabOf();
    if (tabId === null) return;
    if (on) {
      await api.runtime.sendMessage({ type: MSG.PRECISE_STOP, tabId });
      await paint();
      changed();
    } else {
      consent.hidden = !consent.hidden;
    }
  });
  no.addEventListener('click', () => (consent.hidden = true));
  yes.addEventListener('click', () => {
    const tabId = tabOf();
    if (tabId === null) return;
    // First statement of the click: the permission prompt needs the user's gesture.
    api.permissions
      .request(PERMISSION)
      .then(async (granted) => {
        if (!granted) {
          note.textContent = 'Precise mode needs the debugger permission; nothing changed.';
          return;
        }
        const r = await api.runtime.sendMessage({ type: MSG.PRECISE_START, tabId });
        if (!r?.ok) throw new Error(r?.error ?? 'could not attach');
        consent.hidden = true;
        await paint();
        changed();
      })
      .catch((e) => (note.textContent = `Precise mode: ${e?.message ?? e}`));
  });
  return { paint };
}

/**
 * The "what the browser said" section of a precise entry: each verdict with its protocol reasons
 * and the ids they state, and, where inference and the browser differ, both sides.
 * @param {any} entry a `PreciseEntry` of the core
 * @returns {HTMLElement | null}
 */
export function paintBrowserVerdicts(entry) {
  const verdicts = entry?.verdicts ?? [];
  const c = entry?.comparison ?? null;
  if (!verdicts.length && !c) return null;
  const box = el('section', { className: 'browser-verdicts', data: { agree: c ? String(c.agree) : 'n/a' } });
  box.append(el('h4', { text: 'Reported by the browser' }));
  if (!verdicts.length) box.append(el('p', { className: 'muted', text: 'Chromium saw this request and reported no blocked cookie, refused Set-Cookie line or CORS error.' }));
  const ul = el('ul');
  for (const v of verdicts) {
    ul.append(
      el(
        'li',
        { data: { verdict: v.kind } },
        el('strong', { text: v.subject ? `${v.subject}: ` : '' }),
        el('code', { text: v.reasons.join(', ') }),
        v.ids.length ? ` → ${v.ids.join(' or ')}` : ' (no catalogue id)',
        v.compared ? '' : el('span', { className: 'muted', text: ' · only the browser can tell' }),
      ),
    );
  }
  if (verdicts.length) box.append(ul);
  if (c && !c.agree) {
    const both = el('div', { className: 'disagree', attrs: { role: 'note' } }, el('strong', { text: 'The browser and inference disagree here. ' }));
    if (c.missed.length) both.append(el('p', { text: `The browser reports ${c.missed.join(', ')}; inference alone did not find it.` }));
    if (c.unconfirmed.length) both.append(el('p', { text: `Inference alone says ${c.unconfirmed.join(', ')}; the browser reported no such thing.` }));
    both.append(el('p', { className: 'muted', text: `Inference alone found: ${c.inferred.join(', ') || 'nothing'}.` }));
    box.append(both);
  }
  return box;
}
