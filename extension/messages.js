// Message names between the popup (and the tests) and the background, and the one router that
// answers them. Pure: no `chrome.*` here, so Node's test runner can import it.

/** Every message the background answers, by name. */
export const MSG = Object.freeze({
  /** `{type, tabId}`: forget the tab's captures and clear its badge. */
  CLEAR_TAB: 'clear-tab',
  /** `{type}`: answers once every finished request has been processed (tests, "analysing…"). */
  IDLE: 'idle',
  /** `{type}`: answers at once (is the worker responsive under load?). */
  PING: 'ping',
  /** `{type, tabId}`: starts the site owner's audit recording of the tab (badge REC). */
  AUDIT_START: 'audit-start',
  /** `{type, tabId}`: finishes the recording; the audit page reads it. */
  AUDIT_FINISH: 'audit-finish',
  /** `{type, tabId}`: `{state: 'recording'|'finished'|null, count, capped}` of the tab's recording. */
  AUDIT_STATE: 'audit-state',
  /** `{type, tabId}`: precise mode on for the tab (chrome.debugger; the permission is asked by the page first). */
  PRECISE_START: 'precise-start',
  /** `{type, tabId}`: precise mode off (detaches; the reports so far stay). */
  PRECISE_STOP: 'precise-stop',
  /** `{type, tabId}`: `{on, count, detached}`; also writes pending reports, so a page reads them next. */
  PRECISE_STATE: 'precise-state',
});

/**
 * Whether `msg` carries a usable tab id (a non-negative integer): anything else is refused before
 * it reaches storage keys.
 */
export const isTabId = (v) => Number.isInteger(v) && v >= 0;

/**
 * The `runtime.onMessage` listener: one switch for every message. Only this extension's own pages
 * are answered (`sender.id === selfId`): a message from elsewhere (another extension, a page via
 * externally_connectable) is left unanswered. A handler returns a value or a
 * promise; the reply is `{ok: true, ...value}` or `{ok: false, error}`. Unknown messages are not
 * answered (`false`), so another listener (or none) may take them.
 * @param {Record<string, (msg: any, sender: any) => unknown>} handlers by message type (MSG values)
 * @param {{selfId: string}} options this extension's id (`runtime.id`)
 * @returns {(msg: any, sender: any, reply: (r: object) => void) => boolean}
 */
export function router(handlers, { selfId } = {}) {
  return (msg, sender, reply) => {
    if (selfId === undefined || sender?.id !== selfId) return false;
    const type = msg?.type;
    if (typeof type !== 'string' || !Object.hasOwn(handlers, type)) return false;
    Promise.resolve()
      .then(() => handlers[type](msg, sender))
      .then(
        (value) => reply({ ...(value && typeof value === 'object' ? value : {}), ok: true }),
        (e) => reply({ ok: false, error: String(e?.message ?? e) }),
      );
    return true; // the reply is asynchronous
  };
}
