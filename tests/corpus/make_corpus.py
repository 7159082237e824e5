#!/usr/bin/env python3
"""Writes the evaluation corpus of issue 10: HAR captures the way users send them, and stories.json.

Every capture tells one story (or two independent ones) on a real stack, exported the way a
user would export it:

  chrome            Chrome DevTools "Export HAR (with sensitive data)": creator WebInspector,
                    lower-case HTTP/2 header names (pseudo-headers on some captures, not on others),
                    cookies arrays filled, _initiator, _resourceType, _priority, preflights as their
                    own entries, a CORS-blocked response kept with its status and _error.
  chrome-sanitized  Chrome's default "Export HAR (sanitized)": the same without any Cookie,
                    Set-Cookie or Authorization header and with empty cookies arrays.
  firefox           Firefox: creator and browser "Firefox", request headers as Firefox writes them
                    (Title-Case, Host first, Priority/TE), HTTP/2 response headers lower-case,
                    statusText filled, page titles that are document titles, startedDateTime in the
                    user's local time zone with its offset, preflights as separate OPTIONS entries,
                    CORS-blocked responses recorded as completed.
  safari            Safari: creator "WebKit Web Inspector", Title-Case headers both ways, Host line,
                    _fetchType / _priority / _serverPort, no _initiator.

The expected root cause of every failing entry was written here, from the catalogue
(../shared/docs/DIAGNOSES.md) and the specs, before the tool ever ran on the capture
(see the commit order). The script writes stories.json from them; entries are named by index
and, to catch an index slip, by method and URL as well.

Deterministic (a fixed seed per capture, fixed clocks), no network.
Re-run after editing: python3 tests/corpus/make_corpus.py
"""
import base64
import datetime as dt
import json
import os
import random
from urllib.parse import urlsplit, parse_qsl, quote

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = dt.datetime(2026, 9, 23, 9, 0, 0, tzinfo=dt.timezone.utc)

UA = {
    'chrome': "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/156.0.0.0 Safari/537.36",
    'firefox': "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0",
    'safari': "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
              "Version/19.1 Safari/605.1.15",
}
STATUS_TEXT = {200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found',
               303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 400: 'Bad Request',
               401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 407: 'Proxy Authentication Required',
               419: 'unknown status', 429: 'Too Many Requests', 500: 'Internal Server Error'}
# Header names whose usual spelling is not plain Title-Case.
SPELLING = {'www-authenticate': 'WWW-Authenticate', 'x-csrftoken': 'X-CSRFToken', 'x-xsrf-token': 'X-XSRF-TOKEN',
            'x-csrf-token': 'X-CSRF-Token', 'te': 'TE', 'dnt': 'DNT', 'etag': 'ETag', 'cf-ray': 'CF-RAY',
            'x-amzn-requestid': 'x-amzn-RequestId', 'x-amzn-errortype': 'x-amzn-ErrorType',
            'x-amz-apigw-id': 'x-amz-apigw-id', 'x-amzn-trace-id': 'X-Amzn-Trace-Id'}
# Public suffixes the corpus uses, so same-site is computed as a browser would.
SUFFIXES = ('herokuapp.com', 'co.uk', 'github.io', 'vercel.app', 'azurewebsites.net', 'amazonaws.com')


def title_case(name):
    return SPELLING.get(name, '-'.join(p[:1].upper() + p[1:] for p in name.split('-')))


def site(host):
    for suf in SUFFIXES:
        if host == suf or host.endswith('.' + suf):
            rest = host[:-len(suf)].rstrip('.')
            return (rest.split('.')[-1] + '.' + suf) if rest else suf
    return '.'.join(host.split('.')[-2:])


def http_date(t):
    return t.strftime('%a, %d %b %Y %H:%M:%S GMT')


def b64url(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(',', ':')).encode()).rstrip(b'=').decode()


def b64(s):
    return base64.b64encode(s if isinstance(s, bytes) else s.encode()).decode()


def jwt(payload, kid='k-2026-09', alg='RS256', typ='JWT'):
    sig = base64.urlsafe_b64encode(bytes((i * 37 + len(kid)) % 256 for i in range(256))).rstrip(b'=').decode()[:342]
    return f"{b64url({'alg': alg, 'typ': typ, 'kid': kid})}.{b64url(payload)}.{sig}"


def opaque(n, seed):
    r = random.Random(seed)
    return ''.join(r.choice('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') for _ in range(n))


HTML = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<link rel="stylesheet" href="/assets/app.css"><script type="module" src="/assets/app.js"></script></head>'
        '<body><div id="root"></div></body></html>')
JS = 'import{a as e}from"./vendor.js";e(document.getElementById("root"));'
GIF = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'

ALL = []          # every Capture, in the order written
STORIES = []      # stories.json entries


class Capture:
    """One HAR file being written: its export style, its clocks and its expectations."""

    def __init__(self, name, style, stack, story, cls, *, client_skew=0.0, tz_minutes=0, h2=True, pseudo=False,
                 day=0):
        assert style in ('chrome', 'chrome-sanitized', 'firefox', 'safari'), style
        self.name, self.style, self.stack, self.story, self.cls = name, style, stack, story, cls
        self.browser = 'chrome' if style.startswith('chrome') else style
        self.t0 = BASE + dt.timedelta(days=day)
        self.client_skew = client_skew          # seconds the user's clock is ahead of the servers'
        self.tz = dt.timezone(dt.timedelta(minutes=tz_minutes))
        self.h2, self.pseudo = h2, pseudo
        self.pages, self.entries, self.expects, self.gaps = [], [], [], []
        self.rng = random.Random(name)
        self.cur = None
        self.healthy = cls == 'healthy'

    # ---- clocks -------------------------------------------------------------------------------
    def server_time(self, at):
        return self.t0 + dt.timedelta(seconds=at)

    def client_iso(self, at):
        t = (self.t0 + dt.timedelta(seconds=at + self.client_skew)).astimezone(self.tz)
        ms = f"{t.microsecond // 1000:03d}"
        if self.browser == 'firefox':
            off = t.strftime('%z')
            return t.strftime('%Y-%m-%dT%H:%M:%S.') + ms + off[:3] + ':' + off[3:]
        return t.astimezone(dt.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.') + ms + 'Z'

    def epoch(self, at):
        return int(self.server_time(at).timestamp())

    # ---- pages --------------------------------------------------------------------------------
    def page(self, url, at, title='App'):
        pid = f"page_{len(self.pages) + (0 if self.browser == 'safari' else 1)}"
        shown = title if self.browser == 'firefox' else url
        self.pages.append({"startedDateTime": self.client_iso(at), "id": pid, "title": shown,
                           "pageTimings": {"onContentLoad": 402.7, "onLoad": 811.2}, "_url": url})
        self.cur = pid
        return pid

    def page_url(self, pid):
        return next(p['_url'] for p in self.pages if p['id'] == pid)

    # ---- entries ------------------------------------------------------------------------------
    def add(self, at, method, url, status, *, kind='fetch', req=(), res=(), body=None, mime='application/json',
            post=None, error=None, redirect='', referrer=None, no_date=False, date_skew=0.0, page=None,
            credentials=True, server_ip='203.0.113.10', frame=None):
        """Appends one exchange; returns its index. `req`/`res` hold the story's own headers (lower-case
        names); the browser's usual headers are added here in the export style's shape."""
        pid = page or self.cur
        # `frame`: the URL of the (i)frame document that made the request, when not the page itself.
        page_url = frame or self.page_url(pid)
        u, pu = urlsplit(url), urlsplit(page_url)
        b = self.browser

        def rel(a, z):
            if a.scheme == z.scheme and a.netloc == z.netloc:
                return 'same-origin'
            return 'same-site' if a.scheme == z.scheme and site(a.hostname) == site(z.hostname) else 'cross-site'

        if kind in ('document', 'iframe'):
            src = urlsplit(referrer) if referrer else None
            fetch = [('sec-fetch-dest', kind), ('sec-fetch-mode', 'navigate'),
                     ('sec-fetch-site', rel(src, u) if src else 'none')]
            if kind == 'document':
                fetch.append(('sec-fetch-user', '?1'))
            accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
        else:
            dest = {'script': 'script', 'stylesheet': 'style', 'image': 'image', 'font': 'font'}.get(kind, 'empty')
            mode = {'script': 'cors', 'stylesheet': 'no-cors', 'image': 'no-cors', 'font': 'cors',
                    'ping': 'no-cors'}.get(kind, 'cors')
            fetch = [('sec-fetch-dest', dest), ('sec-fetch-mode', mode), ('sec-fetch-site', rel(pu, u))]
            accept = {'script': '*/*', 'stylesheet': 'text/css,*/*;q=0.1', 'preflight': '*/*',
                      'image': 'image/avif,image/webp,image/png,image/*;q=0.8,*/*;q=0.5',
                      'font': '*/*'}.get(kind, 'application/json, text/plain, */*')
        path = u.path + (('?' + u.query) if u.query else '')
        story_req = list(req)
        names = {n for n, _ in story_req}
        h = []
        if 'accept' not in names:
            h.append(('accept', accept))
        h += [('accept-encoding', 'gzip, deflate, br, zstd' if b == 'chrome' else 'gzip, deflate, br'),
              ('accept-language', 'en-GB,en;q=0.9' if b != 'firefox' else 'en-GB,en;q=0.5')]
        cross_origin = (u.scheme, u.netloc) != (pu.scheme, pu.netloc)
        if 'origin' in names:
            pass  # the story sets it (a tainted origin after a cross-origin redirect serialises as "null")
        elif kind in ('fetch', 'xhr', 'preflight', 'font') and (cross_origin or method not in ('GET', 'HEAD')):
            h.append(('origin', f"{pu.scheme}://{pu.netloc}"))
        elif kind == 'document' and method == 'POST':
            src = urlsplit(referrer or page_url)
            h.append(('origin', f"{src.scheme}://{src.netloc}"))
        if kind != 'preflight':
            ref = referrer if kind in ('document', 'iframe') else page_url
            if ref:
                h.append(('referer', ref))
        h += story_req
        if u.scheme == 'https' or u.hostname in ('localhost', '127.0.0.1'):
            h += fetch
        if kind in ('document', 'iframe') and 'upgrade-insecure-requests' not in names:
            h.append(('upgrade-insecure-requests', '1'))
        h.append(('user-agent', UA[b]))
        if b == 'chrome':
            if u.scheme == 'https':
                h += [('sec-ch-ua', '"Chromium";v="156", "Google Chrome";v="156", "Not?A_Brand";v="24"'),
                      ('sec-ch-ua-mobile', '?0'), ('sec-ch-ua-platform', '"Windows"')]
            if self.h2:
                pseudo = [(':authority', u.netloc), (':method', method), (':path', path), (':scheme', u.scheme)]
                hdrs = (pseudo if self.pseudo else []) + h
            else:
                hdrs = [(title_case(n), v) for n, v in [('host', u.netloc), ('connection', 'keep-alive')] + h]
        elif b == 'firefox':
            order = ['user-agent', 'accept', 'accept-language', 'accept-encoding', 'referer']
            first = [x for k in order for x in h if x[0] == k]
            rest = [x for x in h if x[0] not in order]
            tail = [('priority', 'u=0, i' if kind == 'document' else 'u=4')]
            if self.h2:
                tail.append(('te', 'trailers'))
            else:
                rest.insert(0, ('connection', 'keep-alive'))
            hdrs = [(title_case(n), v) for n, v in [('host', u.netloc)] + first + rest + tail]
        else:
            hdrs = [(title_case(n), v) for n, v in h + [('host', u.netloc)]]

        # Response.
        rh = list(res)
        if status and not no_date:
            rh.insert(0, ('date', http_date(self.server_time(at + date_skew))))
        if status and body is not None and not any(n == 'content-type' for n, _ in rh):
            rh.append(('content-type', mime))
        if status and body is not None:
            rh.append(('content-length', str(len(body.encode()))))
        if status and not self.h2:
            rh = [(title_case(n), v) for n, v in rh]
        elif b == 'safari':
            rh = [(title_case(n), v) for n, v in rh]

        req_cookies, res_cookies = [], []
        for n, v in hdrs:
            if n.lower() == 'cookie':
                for c in v.split('; '):
                    k, _, val = c.partition('=')
                    req_cookies.append({"name": k, "value": val} if b != 'chrome' else
                                       {"name": k, "value": val, "path": "/", "domain": u.hostname,
                                        "expires": "1969-12-31T23:59:59.000Z", "httpOnly": False, "secure": False})
        for n, v in rh:
            if n.lower() == 'set-cookie':
                parts = v.split(';')
                k, _, val = parts[0].partition('=')
                attrs = {p.strip().split('=')[0].lower(): (p.strip().split('=', 1) + [''])[1] for p in parts[1:]}
                c = {"name": k.strip(), "value": val.strip()}
                if 'path' in attrs:
                    c["path"] = attrs['path']
                if 'domain' in attrs:
                    c["domain"] = attrs['domain']
                if 'expires' in attrs:
                    c["expires"] = attrs['expires']
                c["httpOnly"] = 'httponly' in attrs
                c["secure"] = 'secure' in attrs
                if 'samesite' in attrs:
                    c["sameSite"] = attrs['samesite']
                res_cookies.append(c)

        st = status_text = ('' if b == 'chrome' or b == 'safari' else STATUS_TEXT.get(status, '')) if status else ''
        content = {"size": len(body.encode()) if body else 0, "mimeType": (mime if status else 'x-unknown')}
        if body is not None:
            content["text"] = body
        httpv = ('http/2.0' if b == 'chrome' else 'HTTP/2') if self.h2 else ('http/1.1' if b == 'chrome' else 'HTTP/1.1')
        e = {}
        if b == 'chrome':
            if kind == 'preflight':
                init = {"type": "preflight", "url": url}
            elif kind in ('document', 'iframe'):
                init = {"type": "other"} if not referrer else {"type": "parser", "url": referrer}
            elif kind in ('fetch', 'xhr'):
                js = f"{pu.scheme}://{pu.netloc}/assets/app.js"
                init = {"type": "script", "stack": {"callFrames": [
                    {"functionName": "request", "scriptId": "87", "url": js, "lineNumber": 2211, "columnNumber": 17},
                    {"functionName": "", "scriptId": "87", "url": js, "lineNumber": 3042, "columnNumber": 9}]}}
            else:
                init = {"type": "parser", "url": page_url, "lineNumber": 1}
            e.update({"_initiator": init, "_priority": "VeryHigh" if kind == 'document' else "High",
                      "_resourceType": 'document' if kind == 'iframe' else kind, "cache": {}, "connection": str(self.rng.randint(10000, 99999))})
        elif b == 'safari':
            e.update({"_fetchType": "Network Load", "_priority": "high" if kind == 'document' else "medium",
                      "_serverPort": 443 if u.scheme == 'https' else 80, "cache": {}, "connection": "1"})
        else:
            e.update({"_securityState": "secure" if u.scheme == 'https' else "insecure", "cache": {},
                      "connection": "443" if u.scheme == 'https' else "80"})
        e.update({
            "pageref": pid,
            "startedDateTime": self.client_iso(at),
            "time": round(12.0 + self.rng.random() * 90, 3) if status else 0.9,
            "request": {"method": method, "url": url, "httpVersion": httpv,
                        "headers": [{"name": n, "value": v} for n, v in hdrs],
                        "queryString": [{"name": k, "value": v} for k, v in parse_qsl(u.query, keep_blank_values=True)],
                        "cookies": req_cookies, "headersSize": -1 if b == 'chrome' else 400 + len(path),
                        "bodySize": len(post[1].encode()) if post else 0},
            "response": {"status": status, "statusText": st, "httpVersion": httpv if status else '',
                         "headers": [{"name": n, "value": v} for n, v in rh],
                         "cookies": res_cookies, "content": content, "redirectURL": redirect,
                         "headersSize": -1, "bodySize": len(body.encode()) if (status and body) else (0 if status else -1)},
            "serverIPAddress": server_ip if status else "",
            "timings": {"blocked": 1.1, "dns": -1, "connect": -1, "ssl": -1, "send": 0.2,
                        "wait": 25.3 if status else 0, "receive": 2.4 if status else 0},
        })
        if b == 'chrome':
            e["response"]["_transferSize"] = (220 + len(body or '')) if status else 0
            e["response"]["_error"] = error
            e["timings"]["_blocked_queueing"] = 0.6
        if post:
            e["request"]["postData"] = {"mimeType": post[0], "text": post[1]}
            if post[0].startswith('application/x-www-form-urlencoded'):
                e["request"]["postData"]["params"] = [{"name": k, "value": v} for k, v in parse_qsl(post[1])]
        self.entries.append(e)
        return len(self.entries) - 1

    def preflight(self, at, url, method, headers, res, status=204, error=None):
        """The CORS preflight of a request, as its own entry (Chrome, Firefox and this corpus's Safari)."""
        req = [('access-control-request-method', method)]
        if headers:
            req.append(('access-control-request-headers', headers))
        return self.add(at, 'OPTIONS', url, status, kind='preflight', req=req, res=res, body='' if status else None,
                        mime='text/plain', error=error)

    # ---- scenery ------------------------------------------------------------------------------
    def spa_shell(self, at, origin, path='/', title='App', res=(), referrer=None, req=()):
        """A top-level document with its bundle and stylesheet."""
        self.page(origin + path, at, title)
        self.add(at, 'GET', origin + path, 200, kind='document', mime='text/html', referrer=referrer, req=req,
                 body=HTML.format(title=title), res=[('cache-control', 'no-cache')] + list(res))
        self.add(at + 0.15, 'GET', origin + '/assets/app.js', 200, kind='script', mime='application/javascript',
                 body=JS, res=[('cache-control', 'public, max-age=31536000, immutable')])
        self.add(at + 0.16, 'GET', origin + '/assets/app.css', 200, kind='stylesheet', mime='text/css',
                 body='body{margin:0}', res=[('cache-control', 'public, max-age=31536000, immutable')])

    def noise(self, at, span, n, origin, api_calls=(), cdn='https://cdn.jsdelivr.net'):
        """`n` healthy entries spread over `span` seconds from `at`: images, scripts, fonts,
        analytics beacons, error-reporting envelopes and the app's own successful API calls
        (`api_calls`: (url, req headers) pairs, repeated)."""
        r = self.rng
        for i in range(n):
            t = at + span * i / max(n, 1)
            k = r.randrange(10)
            if k < 4:
                self.add(t, 'GET', f"{origin}/img/p/{r.randrange(10**6):06d}.webp", 200, kind='image',
                         mime='image/webp', body=None, res=[('cache-control', 'public, max-age=86400'),
                                                            ('content-type', 'image/webp')])
            elif k == 4:
                self.add(t, 'GET', f"{cdn}/npm/lib{r.randrange(40)}@3.{r.randrange(9)}.0/dist/index.min.js", 200,
                         kind='script', mime='application/javascript', body='/*! lib */',
                         res=[('cache-control', 'public, max-age=31536000'), ('access-control-allow-origin', '*')])
            elif k == 5:
                self.add(t, 'POST', f"https://www.google-analytics.com/g/collect?v=2&tid=G-{r.randrange(10**8)}&_p={r.randrange(10**9)}",
                         204, kind='ping', body='', mime='text/plain',
                         res=[('access-control-allow-origin', origin), ('access-control-allow-credentials', 'true')])
            elif k == 6:
                self.add(t, 'POST', f"https://o{r.randrange(10**5)}.ingest.sentry.io/api/{r.randrange(10**6)}/envelope/?sentry_key=5f2c9a&sentry_version=7",
                         200, kind='fetch', post=('text/plain;charset=UTF-8', '{"type":"session"}'),
                         body='{"id":"%032x"}' % r.getrandbits(128),
                         res=[('access-control-allow-origin', '*'), ('vary', 'Origin')])
            elif k == 7:
                self.add(t, 'GET', f"https://fonts.gstatic.com/s/inter/v13/UcC73Fwr{r.randrange(10**4)}.woff2", 200,
                         kind='font', mime='font/woff2', body=None,
                         res=[('access-control-allow-origin', '*'), ('content-type', 'font/woff2'),
                              ('cache-control', 'public, max-age=31536000')])
            elif api_calls:
                url, hdr = api_calls[r.randrange(len(api_calls))]
                self.add(t, 'GET', url, 200, kind='fetch', req=hdr, body='{"items":[],"next":null}',
                         res=[('cache-control', 'private, no-store'), ('vary', 'Authorization, Cookie, Origin')]
                         + ([('access-control-allow-origin', origin), ('access-control-allow-credentials', 'true')]
                            if urlsplit(url).netloc != urlsplit(origin).netloc else []))
            else:
                self.add(t, 'GET', f"{origin}/assets/chunk-{r.getrandbits(32):08x}.js", 200, kind='script',
                         mime='application/javascript', body='export{}',
                         res=[('cache-control', 'public, max-age=31536000, immutable')])

    # ---- expectations -------------------------------------------------------------------------
    def expect(self, idx, expected, why, alternates=()):
        """The root cause the failing entry `idx` must show first; `alternates` only where the
        catalogue truly has two right answers, each with the reason."""
        self.expects.append((idx, expected, why, list(alternates)))

    def gap(self, idx, why):
        """A failing entry whose cause has no catalogue id: it must get some finding (never silent),
        and is left out of the top-1 rate."""
        self.gaps.append((idx, why))

    def save(self):
        assert self.healthy == (not self.expects and not self.gaps), self.name
        entries = self.entries
        if self.style == 'chrome-sanitized':
            for e in entries:
                e["request"]["headers"] = [h for h in e["request"]["headers"]
                                           if h["name"].lower() not in ('authorization', 'cookie')]
                e["response"]["headers"] = [h for h in e["response"]["headers"] if h["name"].lower() != 'set-cookie']
                e["request"]["cookies"] = []
                e["response"]["cookies"] = []
        pages = [{k: v for k, v in p.items() if not k.startswith('_')} for p in self.pages]
        creator = {'chrome': {"name": "WebInspector", "version": "537.36"},
                   'firefox': {"name": "Firefox", "version": "153.0"},
                   'safari': {"name": "WebKit Web Inspector", "version": "1.0"}}[self.browser]
        log = {"version": "1.2", "creator": creator}
        if self.browser == 'firefox':
            log["browser"] = {"name": "Firefox", "version": "153.0"}
        log["pages"] = pages
        log["entries"] = entries
        with open(os.path.join(HERE, self.name), 'w') as f:
            json.dump({"log": log}, f, indent=1 if len(entries) < 60 else None)
            f.write('\n')

        def ref(i):
            e = entries[i]
            return {"entry": i, "method": e["request"]["method"], "url": e["request"]["url"]}

        STORIES.append({
            "file": self.name, "class": self.cls, "style": self.style, "stack": self.stack,
            "story": self.story, "entries": len(entries), "healthy": self.healthy,
            "failures": [dict(ref(i), expected=x, why=why,
                              alternates=[{"id": a, "why": w} for a, w in alts])
                         for i, x, why, alts in self.expects],
            "gaps": [dict(ref(i), why=why) for i, why in self.gaps],
        })


def cap(*a, **k):
    c = Capture(*a, **k)
    ALL.append(c)
    return c


NO_STORE = ('cache-control', 'no-store')
PRIVATE = ('cache-control', 'private, no-store')


def cors_ok(origin, creds=True):
    h = [('access-control-allow-origin', origin), ('vary', 'Origin')]
    return h + ([('access-control-allow-credentials', 'true')] if creds else [])


# =================================================================================================
# Class 1 — the cause lives on another entry: the login's Set-Cookie was refused, a later call fails.
# =================================================================================================

def c1_rails_heroku_public_suffix():
    c = cap('c1-rails-devise-heroku-public-suffix.har', 'chrome', 'Rails 7 + Devise on Heroku',
            "A Rails app on acme-staging.herokuapp.com uses `domain: :all`, so the JSON sign-in answers "
            "`Set-Cookie: _acme_session=…; domain=.herokuapp.com`. herokuapp.com is a public suffix: Chrome "
            "refuses the cookie, and the next API call is a Devise 401.", '1', day=1)
    app = 'https://acme-staging.herokuapp.com'
    c.spa_shell(0, app, '/projects', 'Projects · Acme', res=[('server', 'Cowboy'), ('via', '1.1 vegur')])
    csrf = opaque(86, 'rails-csrf') + '=='
    c.add(6, 'POST', app + '/users/sign_in.json', 201, req=[('content-type', 'application/json'), ('x-csrf-token', csrf)],
          post=('application/json', '{"user":{"email":"maria@acme.example","password":"Winter-2026-acme","remember_me":"0"}}'),
          body='{"id":118,"email":"maria@acme.example"}',
          res=[('server', 'Cowboy'), ('via', '1.1 vegur'), ('x-request-id', 'b1c0f6c2-4a36-4b43-8d41-1c54b8f9e0a7'),
               ('x-runtime', '0.184312'), ('cache-control', 'no-store'),
               ('set-cookie', f"_acme_session={opaque(180, 'acme-sess')}--{opaque(40, 'acme-dig')}; domain=.herokuapp.com; path=/; secure; httponly; samesite=lax")])
    i = c.add(6.4, 'GET', app + '/api/v1/projects.json', 401, body='{"error":"You need to sign in or sign up before continuing."}',
              res=[('server', 'Cowboy'), ('via', '1.1 vegur'), ('x-runtime', '0.004112'), ('cache-control', 'no-cache'),
                   ('www-authenticate', 'Basic realm="Application"')])
    c.expect(i, 'set-cookie-invalid-domain', "the sign-in's session cookie named a public suffix as Domain and was refused (RFC 6265bis §5.7 step 10); the 401 is its consequence (§0.7 rule 1)")
    c.save()


def c1_express_host_prefix():
    c = cap('c1-express-host-prefix-with-domain.har', 'firefox', 'Express 4 + express-session behind nginx',
            "express-session is configured with `name: '__Host-sid'` and `cookie.domain`, so the login sets a "
            "`__Host-` cookie with a Domain attribute. Firefox refuses it (prefix rules); /api/boards then 401s.",
            '1', tz_minutes=120, day=2)
    app = 'https://board.kanbanly.example'
    c.spa_shell(0, app, '/', 'Kanbanly', res=[('server', 'nginx/1.25.4')])
    c.add(5, 'POST', app + '/api/login', 200, req=[('content-type', 'application/json')],
          post=('application/json', '{"email":"tom@kanbanly.example","password":"hunter2-but-longer"}'),
          body='{"ok":true,"user":{"id":"u_71","name":"Tom"}}',
          res=[('server', 'nginx/1.25.4'), ('x-powered-by', 'Express'), NO_STORE,
               ('set-cookie', '__Host-sid=s%3AqK2v9yX1w7L4mN0pR8tU3zA6cE5fH.' + opaque(43, 'kb') +
                '; Domain=board.kanbanly.example; Path=/; Expires=Thu, 24 Sep 2026 09:00:05 GMT; HttpOnly; Secure; SameSite=Lax')])
    i = c.add(5.3, 'GET', app + '/api/boards', 401, body='{"error":"Not authenticated"}',
              res=[('server', 'nginx/1.25.4'), ('x-powered-by', 'Express'), NO_STORE])
    c.expect(i, 'set-cookie-invalid-prefix', "a __Host- cookie must not carry Domain (RFC 6265bis §4.1.3.2); Firefox dropped the session cookie at set time")
    c.save()


def c1_laravel_samesite_none():
    c = cap('c1-laravel-samesite-none-insecure.har', 'chrome', 'Laravel 11 (session cookie, SESSION_SAME_SITE=none)',
            "Laravel is deployed with SESSION_SAME_SITE=none and SESSION_SECURE_COOKIE=false. The JSON login "
            "answers 200 with `laravel_session=…; samesite=none` and no Secure: Chrome refuses it, and "
            "/api/user answers 401 Unauthenticated.", '1', day=3)
    app = 'https://crm.fieldsales.example'
    c.spa_shell(0, app, '/login', 'Field Sales CRM', res=[('server', 'nginx'), ('x-powered-by', 'PHP/8.3.6')])
    c.add(7, 'POST', app + '/api/login', 200, req=[('content-type', 'application/json'), ('x-requested-with', 'XMLHttpRequest')],
          post=('application/json', '{"email":"rep17@fieldsales.example","password":"Quota!Q3-2026"}'),
          body='{"two_factor":false}',
          res=[('server', 'nginx'), ('x-powered-by', 'PHP/8.3.6'), ('cache-control', 'no-cache, private'),
               ('set-cookie', 'laravel_session=' + opaque(320, 'lv') + '%3D; expires=Wed, 23 Sep 2026 11:00:07 GMT; Max-Age=7200; path=/; httponly; samesite=none')])
    i = c.add(7.5, 'GET', app + '/api/user', 401, req=[('x-requested-with', 'XMLHttpRequest')], body='{"message":"Unauthenticated."}',
              res=[('server', 'nginx'), ('x-powered-by', 'PHP/8.3.6'), ('cache-control', 'no-cache, private')])
    c.expect(i, 'set-cookie-samesite-none-insecure', "Chromium refuses SameSite=None without Secure (RFC 6265bis §5.7 step 19); the later 401 is its consequence")
    c.save()


def c1_spring_secure_over_http():
    c = cap('c1-spring-secure-cookie-over-http.har', 'firefox', 'Spring Boot 3 (Tomcat) on a plain-http intranet host',
            "An intranet timesheet app runs on http://timesheets.corp.example:8080 with "
            "`server.servlet.session.cookie.secure=true`. The login's JSESSIONID is Secure but arrives over "
            "http, so Firefox drops it; the next call is 401.", '1', tz_minutes=60, h2=False, day=4)
    app = 'http://timesheets.corp.example:8080'
    c.spa_shell(0, app, '/', 'Timesheets')
    c.add(4, 'POST', app + '/api/auth/login', 200, req=[('content-type', 'application/json')],
          post=('application/json', '{"username":"jdoe","password":"Corp#2026spring"}'), body='{"username":"jdoe","roles":["EMPLOYEE"]}',
          res=[('set-cookie', 'JSESSIONID=8F3A1C2B9D7E6F5A4B3C2D1E0F9A8B7C; Path=/; Secure; HttpOnly; SameSite=Lax'),
               ('x-content-type-options', 'nosniff'), ('cache-control', 'no-cache, no-store, max-age=0, must-revalidate')])
    i = c.add(4.3, 'GET', app + '/api/timesheets/current', 401,
              body='{"timestamp":"2026-09-27T09:00:04.412+00:00","status":401,"error":"Unauthorized","path":"/api/timesheets/current"}',
              res=[('x-content-type-options', 'nosniff'), ('cache-control', 'no-cache, no-store, max-age=0, must-revalidate')])
    c.expect(i, 'secure-cookie-insecure-origin', "a Secure cookie set from an http origin is refused (RFC 6265bis §5.7 step 8)")
    c.save()


def c1_go_domain_mismatch():
    c = cap('c1-go-auth-domain-typo.har', 'safari', 'Go (net/http) auth service + SPA',
            "The Go auth service on auth.ledgerly.example sets its session cookie with `Domain=ledgerly.app` "
            "(the marketing domain, a typo in config). The host does not domain-match it, so Safari drops the "
            "cookie; the app's API call then answers 401.", '1', day=5)
    auth, app = 'https://auth.ledgerly.example', 'https://app.ledgerly.example'
    c.page(auth + '/login', 0, 'Sign in')
    c.add(0, 'GET', auth + '/login?return=https%3A%2F%2Fapp.ledgerly.example%2F', 200, kind='document', mime='text/html',
          body='<!doctype html><form method="post" action="/login"><input name="email"><input name="password" type="password"></form>')
    c.add(9, 'POST', auth + '/login', 303, kind='document', referrer=auth + '/login?return=https%3A%2F%2Fapp.ledgerly.example%2F',
          post=('application/x-www-form-urlencoded', 'email=ana%40ledgerly.example&password=Ledger-Pass-77&return=https%3A%2F%2Fapp.ledgerly.example%2F'),
          body='', mime='text/html', redirect=app + '/',
          res=[('location', app + '/'), NO_STORE,
               ('set-cookie', 'ledger_session=MTc1ODYxODAwMHxEdi1CQkFFQ180SUFBUkFCRUFBQVBQLUNBQUVHYzNSeWFXNW58; Path=/; Domain=ledgerly.app; Expires=Tue, 29 Sep 2026 09:00:09 GMT; HttpOnly; Secure; SameSite=Lax')])
    c.spa_shell(9.2, app, '/', 'Ledgerly', referrer=auth + '/login')
    i = c.add(9.6, 'GET', app + '/api/accounts', 401, body='{"error":"missing session"}',
              res=[NO_STORE, ('www-authenticate', 'Cookie realm="ledgerly"')])
    c.expect(i, 'set-cookie-invalid-domain', "Domain=ledgerly.app does not domain-match auth.ledgerly.example (RFC 6265bis §5.7 step 10); the cookie never existed")
    c.save()


# =================================================================================================
# Class 2 — Chrome's sanitized export and a plain "never sent a token" 401.
# =================================================================================================

def c2_fastapi_sanitized():
    c = cap('c2-fastapi-sanitized-no-token.har', 'chrome-sanitized', 'FastAPI (OAuth2PasswordBearer) + React',
            "The React app builds its API client before the login promise resolves and calls /api/v1/notes "
            "with no Authorization. FastAPI answers 401 `WWW-Authenticate: Bearer`, {\"detail\":\"Not "
            "authenticated\"}. Exported with Chrome's default (sanitized) HAR.", '2', day=6)
    app = 'https://notes.quill.example'
    c.spa_shell(0, app, '/notes', 'Quill Notes', res=[('server', 'uvicorn')])
    c.add(0.5, 'GET', app + '/api/v1/config', 200, body='{"features":{"sharing":true}}', res=[('server', 'uvicorn')])
    i = c.add(0.7, 'GET', app + '/api/v1/notes?limit=50', 401, body='{"detail":"Not authenticated"}',
              res=[('server', 'uvicorn'), ('www-authenticate', 'Bearer')])
    c.expect(i, 'no-credentials-sent', "a bare Bearer challenge (RFC 6750 §3: no error code because no credential arrived) on a request the export may have stripped: the most likely cause is the missing token (§0.7 rule 2, at warn)")
    c.save()


def c2_passport_sanitized():
    c = cap('c2-passport-jwt-sanitized-plain-401.har', 'chrome-sanitized', 'Express + passport-jwt (cross-origin API)',
            "The SPA on app.trailmap.example calls api.trailmap.example/v2/routes before storing the JWT; "
            "passport-jwt answers a bare `401 Unauthorized` (text/plain, no challenge). Sanitized export.",
            '2', day=7)
    app, api = 'https://app.trailmap.example', 'https://api.trailmap.example'
    c.spa_shell(0, app, '/', 'Trailmap')
    c.add(0.4, 'GET', api + '/v2/health', 200, body='{"ok":true}', res=cors_ok(app) + [('x-powered-by', 'Express')])
    i = c.add(0.6, 'GET', api + '/v2/routes?near=51.5%2C-0.12', 401, body='Unauthorized', mime='text/plain; charset=utf-8',
              res=cors_ok(app) + [('x-powered-by', 'Express')])
    c.expect(i, 'no-credentials-sent', "nothing in the capture shows a credential and the server names none; the likely cause is the token never attached (§0.7 rule 2)")
    c.save()


def c2_spring_sanitized_noisy():
    c = cap('c2-spring-resource-server-sanitized-noisy.har', 'chrome-sanitized', 'Spring Security resource server + Angular',
            "A busy Angular dashboard (250 healthy requests: images, chunks, analytics, public catalogue calls) "
            "opens the invoices tab; the interceptor skips /api/invoices (a wrong URL pattern) so no token is "
            "sent. Spring answers 401 `WWW-Authenticate: Bearer`. Sanitized export.", '2', day=8)
    app = 'https://billing.finbox.example'
    c.spa_shell(0, app, '/dashboard', 'Finbox')
    c.noise(0.5, 40, 250, app, api_calls=[(app + '/api/catalog/plans', []), (app + '/api/catalog/currencies', [])])
    i = c.add(41, 'GET', app + '/api/invoices?status=open&page=0&size=25', 401, body='',
              res=[('www-authenticate', 'Bearer'), ('x-content-type-options', 'nosniff'),
                   ('cache-control', 'no-cache, no-store, max-age=0, must-revalidate'), ('x-frame-options', 'DENY')])
    c.noise(41.5, 10, 20, app)
    c.expect(i, 'no-credentials-sent', "Spring's bare Bearer challenge means no token reached it (RFC 6750 §3); §0.7 rule 2")
    c.save()


# =================================================================================================
# Class 3 — the client's clock.
# =================================================================================================

def token_body(c, at, ttl, aud, iss, sub='f:9b2c:ana', extra=None, rt='eyJhbGciOiJIUzUxMiJ9.rt'):
    claims = {"exp": c.epoch(at) + ttl, "iat": c.epoch(at), "jti": opaque(12, f"{c.name}{at}"), "iss": iss,
              "aud": aud, "sub": sub, "typ": "Bearer", "azp": "web", "scope": "openid profile email"}
    claims.update(extra or {})
    at_ = jwt(claims)
    return at_, json.dumps({"access_token": at_, "expires_in": ttl, "refresh_expires_in": 1800,
                            "refresh_token": rt + '.' + opaque(40, f"rt{c.name}{at}"), "token_type": "Bearer",
                            "not-before-policy": 0, "session_state": "5c1e", "scope": "openid profile email"})


def c3_keycloak_clock_ahead():
    c = cap('c3-keycloak-js-client-clock-ahead.har', 'chrome', 'Keycloak 25 + keycloak-js SPA + Quarkus API',
            "The laptop's clock is 10 min 20 s fast. keycloak-js refreshes successfully (200, expires_in 300), "
            "but judges the new 5-minute token already expired by its own clock, so the app calls the API "
            "with no token: 401. Every response Date is 620 s behind startedDateTime.", '3', client_skew=620, day=9)
    app, kc, api = 'https://portal.northwind.example', 'https://sso.northwind.example', 'https://api.northwind.example'
    iss = kc + '/realms/northwind'
    tokurl = iss + '/protocol/openid-connect/token'
    c.spa_shell(0, app, '/orders', 'Northwind Portal')
    for k, at in enumerate((0.6, 1.4)):
        _, body = token_body(c, at, 300, 'account', iss)
        c.add(at, 'POST', tokurl, 200, post=('application/x-www-form-urlencoded', f'grant_type=refresh_token&refresh_token=eyJhbGciOiJIUzUxMiJ9.{opaque(60, "kc" + str(k))}&client_id=portal'),
              body=body, res=cors_ok(app) + [NO_STORE, ('referrer-policy', 'no-referrer')])
        i = c.add(at + 0.3, 'GET', api + '/v1/orders?mine=true', 401, body='',
                  res=cors_ok(app) + [('www-authenticate', 'Bearer realm="northwind"')])
        c.expect(i, 'clock-skew', "the refresh just succeeded and the app still sent no token; the client clock runs 620 s ahead of every server Date, longer than the token's 300 s life (issue 10 §3)")
    c.save()


def c3_auth0_clock_behind():
    c = cap('c3-auth0-client-clock-behind-stale-token.har', 'firefox', 'Auth0 + React (jwt-decode expiry check) + Express API',
            "The user's clock is 8 minutes slow. The app decides when to refresh by comparing the JWT's exp "
            "with Date.now(), so it keeps sending a token that expired 2 minutes ago by the servers' clocks; "
            "express-oauth2-jwt-bearer answers 401 invalid_token.", '3', client_skew=-480, tz_minutes=-300, day=10)
    app, idp, api = 'https://app.brightdesk.example', 'https://brightdesk.eu.auth0.com', 'https://api.brightdesk.example'
    c.spa_shell(0, app, '/', 'Brightdesk')
    tok, body = token_body(c, 0.5, 600, 'https://api.brightdesk.example', idp + '/', sub='auth0|64f1')
    c.add(0.5, 'POST', idp + '/oauth/token', 200, req=[('content-type', 'application/json'), ('auth0-client', 'eyJuYW1lIjoiYXV0aDAtc3BhLWpzIn0=')],
          post=('application/json', json.dumps({"client_id": "Zk3q", "grant_type": "refresh_token", "refresh_token": "v1.Mr" + opaque(60, 'a0')})),
          body=body, res=cors_ok(app) + [NO_STORE])
    auth = [('authorization', 'Bearer ' + tok)]
    c.add(0.9, 'GET', api + '/tickets?assigned=me', 200, req=auth, body='{"tickets":[]}', res=cors_ok(app) + [PRIVATE])
    i = c.add(720, 'GET', api + '/tickets?assigned=me', 401, req=auth, body='{"message":"Unauthorized"}',
              res=cors_ok(app) + [('www-authenticate', 'Bearer realm="api", error="invalid_token", error_description="\\"exp\\" claim timestamp check failed"'), NO_STORE])
    c.expect(i, 'clock-skew', "the token expired 120 s ago by the servers' clocks but has 6 minutes left by the client's, 480 s slow: the skew is why the app did not refresh (issue 10 §3)",
             [('jwt-expired', "the token is expired by the server's Date and the error says so; the catalogue's jwt-expired is true too, the skew explains why the app kept it")])
    c.save()


def c3_okta_safari_clock_ahead():
    c = cap('c3-okta-safari-client-clock-ahead.har', 'safari', 'Okta + Angular (angular-oauth2-oidc) + ASP.NET Core API',
            "The Mac's clock is 15 minutes fast. Every refresh succeeds with 5-minute tokens that the app, by its "
            "own clock, finds already expired; after three refreshes it gives up and calls the API without a "
            "token: 401.", '3', client_skew=900, day=11)
    app, idp, api = 'https://app.harbor.example', 'https://harbor.okta.com', 'https://api.harbor.example'
    iss = idp + '/oauth2/default'
    c.spa_shell(0, app, '/', 'Harbor')
    for k in range(3):
        _, body = token_body(c, 0.5 + k * 0.4, 300, 'api://harbor', iss, sub='00u1a2b3')
        c.add(0.5 + k * 0.4, 'POST', iss + '/v1/token', 200,
              post=('application/x-www-form-urlencoded', f'grant_type=refresh_token&client_id=0oa4harbor&refresh_token={opaque(43, "okrt" + str(k))}'),
              body=body, res=cors_ok(app, creds=False) + [NO_STORE, ('x-okta-request-id', opaque(27, 'okr' + str(k)))])
    i = c.add(2.0, 'GET', api + '/api/shipments', 401, body='',
              res=cors_ok(app) + [('www-authenticate', 'Bearer'), ('server', 'Kestrel')])
    c.expect(i, 'clock-skew', "successful refreshes then a call without the token, with the client clock 900 s ahead of every Date (issue 10 §3)")
    c.save()


# =================================================================================================
# Class 4 — OAuth token endpoints and authorize redirects speak in bodies and URLs.
# =================================================================================================

SPRING_EXPIRED = ('Bearer error="invalid_token", error_description="An error occurred while attempting to decode the Jwt: '
                  'Jwt expired at {}", error_uri="https://tools.ietf.org/html/rfc6750#section-3.1"')


def c4_keycloak_invalid_grant():
    c = cap('c4-keycloak-refresh-invalid-grant.har', 'chrome', 'Keycloak + Vue SPA + Spring Boot resource server',
            "After a lunch break the access token has expired; the SPA's refresh is refused by Keycloak "
            "(400 invalid_grant \"Token is not active\": the SSO session idled out), and the app retries the API "
            "with the same expired token.", '4', day=12)
    app, kc, api = 'https://app.acme-ops.example', 'https://sso.acme-ops.example', 'https://app.acme-ops.example/api'
    iss = kc + '/realms/acme'
    c.spa_shell(0, app, '/incidents', 'Acme Ops')
    exp_at = -1500
    tok = jwt({"exp": c.epoch(exp_at), "iat": c.epoch(exp_at - 300), "iss": iss, "aud": "acme-api", "sub": "2c1f", "azp": "acme-web", "scope": "openid"})
    auth = [('authorization', 'Bearer ' + tok)]
    expired = c.server_time(exp_at).strftime('%Y-%m-%dT%H:%M:%SZ')
    i1 = c.add(0.5, 'GET', api + '/incidents?state=open', 401, req=auth, body='',
               res=[('www-authenticate', SPRING_EXPIRED.format(expired)), ('cache-control', 'no-cache, no-store, max-age=0, must-revalidate')])
    i2 = c.add(0.7, 'POST', iss + '/protocol/openid-connect/token', 400,
               post=('application/x-www-form-urlencoded', f'grant_type=refresh_token&refresh_token=eyJhbGciOiJIUzUxMiJ9.{opaque(80, "kcr")}&client_id=acme-web'),
               body='{"error":"invalid_grant","error_description":"Token is not active"}',
               res=cors_ok(app) + [NO_STORE, ('referrer-policy', 'no-referrer')])
    i3 = c.add(0.9, 'GET', api + '/incidents?state=open', 401, req=auth, body='',
               res=[('www-authenticate', SPRING_EXPIRED.format(expired)), ('cache-control', 'no-cache, no-store, max-age=0, must-revalidate')])
    c.expect(i1, 'jwt-expired', "the first 401 comes before any refresh: Spring names the expired Jwt and exp is 25 min before Date")
    c.expect(i2, 'oauth-invalid-grant', "the token endpoint's JSON error (RFC 6749 §5.2)")
    c.expect(i3, 'oauth-invalid-grant', "the retry fails because the refresh was refused on the entry before (§0.7 rule 1)",
             [('jwt-expired', "the retried token is expired by the server's clock; the catalogue's jwt-expired is equally true of this request")])
    c.save()


def c4_okta_invalid_client():
    c = cap('c4-okta-pkce-invalid-client.har', 'firefox', 'Okta (PKCE) + Svelte SPA + FastAPI',
            "The SPA finishes the authorization-code flow, but its Okta app is a confidential 'Web' app: the "
            "PKCE code exchange without a secret gets 401 invalid_client. The app then calls the API without a "
            "token.", '4', tz_minutes=60, day=13)
    app, idp = 'https://app.pollen.example', 'https://pollen.okta.com'
    iss = idp + '/oauth2/default'
    c.page(app + '/', 0, 'Pollen')
    c.add(0, 'GET', app + '/', 200, kind='document', mime='text/html', body=HTML.format(title='Pollen'))
    c.add(3, 'GET', iss + '/v1/authorize?client_id=0oa9pollen&response_type=code&scope=openid%20profile&redirect_uri=https%3A%2F%2Fapp.pollen.example%2Fcallback&state=Zx81&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256',
          302, kind='document', referrer=app + '/', body='', mime='text/html',
          redirect=app + '/callback?code=' + opaque(43, 'code') + '&state=Zx81',
          res=[('location', app + '/callback?code=' + opaque(43, 'code') + '&state=Zx81'), NO_STORE])
    c.page(app + '/callback', 3.3, 'Pollen')
    c.add(3.3, 'GET', app + '/callback?code=' + opaque(43, 'code') + '&state=Zx81', 200, kind='document', referrer=idp + '/',
          mime='text/html', body=HTML.format(title='Pollen'))
    i1 = c.add(3.8, 'POST', iss + '/v1/token', 401,
               post=('application/x-www-form-urlencoded', 'grant_type=authorization_code&client_id=0oa9pollen&redirect_uri=https%3A%2F%2Fapp.pollen.example%2Fcallback&code=' + opaque(43, 'code') + '&code_verifier=' + opaque(64, 'ver')),
               body='{"error":"invalid_client","error_description":"Client authentication failed. Either the client or the client credentials are invalid."}',
               res=cors_ok(app, creds=False) + [NO_STORE, ('x-okta-request-id', 'aQ7' + opaque(20, 'okid'))])
    i2 = c.add(4.1, 'GET', app + '/api/me', 401, body='{"detail":"Not authenticated"}',
               res=[('www-authenticate', 'Bearer'), ('server', 'uvicorn')])
    c.expect(i1, 'oauth-invalid-client', "the token endpoint's 401 invalid_client (RFC 6749 §5.2)")
    c.expect(i2, 'oauth-invalid-client', "the app has no token because the code exchange was refused on the entry before (§0.7 rule 1)")
    c.save()


def c4_entra_unauthorized_client():
    c = cap('c4-entra-unauthorized-client.har', 'chrome', 'Microsoft Entra ID (MSAL.js) + ASP.NET Core API',
            "The SPA is deployed with the client id of the staging tenant's app registration. Entra answers "
            "the code exchange 400 unauthorized_client (AADSTS700016, application not found in the directory); "
            "the API call that follows has no token.", '4', day=14)
    app, tenant = 'https://portal.contoso-fleet.example', 'https://login.microsoftonline.com/6f1e2d3c-0000-4abc-9def-111122223333'
    c.spa_shell(0, app, '/', 'Fleet Portal')
    i1 = c.add(2, 'POST', tenant + '/oauth2/v2.0/token', 400,
               req=[('content-type', 'application/x-www-form-urlencoded;charset=utf-8')],
               post=('application/x-www-form-urlencoded;charset=utf-8', 'client_id=9a8b7c6d-aaaa-bbbb-cccc-0123456789ab&redirect_uri=https%3A%2F%2Fportal.contoso-fleet.example%2F&scope=api%3A%2F%2Ffleet%2Faccess_as_user%20openid%20profile%20offline_access&code=0.AXo' + opaque(90, 'msal') + '&code_verifier=' + opaque(43, 'mv') + '&grant_type=authorization_code&client_info=1'),
               body=json.dumps({"error": "unauthorized_client", "error_description": "AADSTS700016: Application with identifier '9a8b7c6d-aaaa-bbbb-cccc-0123456789ab' was not found in the directory 'Contoso Fleet'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant. Trace ID: 1b2c Correlation ID: 3d4e Timestamp: 2026-10-07 09:00:02Z", "error_codes": [700016], "timestamp": "2026-10-07 09:00:02Z", "trace_id": "1b2c", "correlation_id": "3d4e", "error_uri": "https://login.microsoftonline.com/error?code=700016"}),
               res=[('access-control-allow-origin', '*'), NO_STORE, ('x-ms-request-id', '1b2c'), ('x-ms-ests-server', '2.1.19 - NEULR1 ProdSlices')])
    i2 = c.add(2.4, 'GET', 'https://api.contoso-fleet.example/vehicles', 401, body='',
               res=cors_ok(app) + [('www-authenticate', 'Bearer'), ('server', 'Kestrel')])
    why = ("RFC 6749 §5.2 unauthorized_client: the client registration does not allow this request; here the "
           "client id is unknown to the tenant. The catalogue has no unauthorized_client id; oauth-invalid-client "
           "is the one whose cause (wrong client_id) and fix (match the registration) this is")
    c.expect(i1, 'oauth-invalid-client', why)
    c.expect(i2, 'oauth-invalid-client', "no token because the exchange was refused on the entry before (§0.7 rule 1); " + why)
    c.save()


def c4_okta_authorize_invalid_scope():
    c = cap('c4-okta-authorize-error-invalid-scope.har', 'safari', 'Okta custom authorization server + React + Go API',
            "The app asks for scope `invoices:write`, which the authorization server does not define. Okta "
            "redirects back with `error=invalid_scope` on the callback URL; the app shows a blank page and its "
            "API call goes out without a token.", '4', day=15)
    app, iss = 'https://app.tallyho.example', 'https://tallyho.okta.com/oauth2/aus1tally'
    c.page(app + '/', 0)
    c.add(0, 'GET', app + '/', 200, kind='document', mime='text/html', body=HTML.format(title='Tallyho'))
    cb = app + '/callback?state=Q2f9&error=invalid_scope&error_description=One+or+more+scopes+are+not+configured+for+the+authorization+server+resource.'
    c.add(2, 'GET', iss + '/v1/authorize?client_id=0oa7tally&response_type=code&scope=openid%20invoices%3Awrite&redirect_uri=https%3A%2F%2Fapp.tallyho.example%2Fcallback&state=Q2f9&code_challenge=' + opaque(43, 'cc') + '&code_challenge_method=S256',
          302, kind='document', referrer=app + '/', body='', mime='text/html', redirect=cb, res=[('location', cb), NO_STORE])
    c.page(cb, 2.3)
    c.add(2.3, 'GET', cb, 200, kind='document', referrer='https://tallyho.okta.com/', mime='text/html', body=HTML.format(title='Tallyho'))
    i = c.add(2.8, 'GET', 'https://api.tallyho.example/v1/invoices', 401, body='{"error":"unauthorized"}',
              res=cors_ok(app) + [('www-authenticate', 'Bearer realm="tallyho"')])
    c.gap(i, "the cause is the authorize redirect's error=invalid_scope (RFC 6749 §4.1.2.1); the catalogue has no id for "
             "invalid_scope, so this entry is only required to have a finding")
    c.save()


def c4_keycloak_redirect_uri():
    c = cap('c4-keycloak-invalid-redirect-uri.har', 'chrome', 'Keycloak + Next.js (next-auth)',
            "next-auth builds redirect_uri from NEXTAUTH_URL, set to http://… while the client registers the "
            "https URL. Keycloak shows its 400 page `Invalid parameter: redirect_uri`; no token ever exists.",
            '4', day=16)
    app, kc = 'https://www.greenleaf.example', 'https://id.greenleaf.example'
    c.spa_shell(0, app, '/', 'Greenleaf')
    c.add(2, 'GET', app + '/api/auth/signin/keycloak', 302, kind='document', referrer=app + '/', mime='text/html', body='',
          redirect=kc + '/realms/greenleaf/protocol/openid-connect/auth?client_id=web&scope=openid%20email%20profile&response_type=code&redirect_uri=http%3A%2F%2Fwww.greenleaf.example%2Fapi%2Fauth%2Fcallback%2Fkeycloak&state=' + opaque(43, 'st'),
          res=[('location', kc + '/realms/greenleaf/protocol/openid-connect/auth?client_id=web&scope=openid%20email%20profile&response_type=code&redirect_uri=http%3A%2F%2Fwww.greenleaf.example%2Fapi%2Fauth%2Fcallback%2Fkeycloak&state=' + opaque(43, 'st')),
               ('set-cookie', '__Secure-next-auth.state=' + opaque(120, 'na') + '; Path=/; Expires=Thu, 08 Oct 2026 09:15:02 GMT; HttpOnly; Secure; SameSite=Lax')])
    c.page(kc + '/realms/greenleaf/protocol/openid-connect/auth', 2.2)
    i = c.add(2.2, 'GET', kc + '/realms/greenleaf/protocol/openid-connect/auth?client_id=web&scope=openid%20email%20profile&response_type=code&redirect_uri=http%3A%2F%2Fwww.greenleaf.example%2Fapi%2Fauth%2Fcallback%2Fkeycloak&state=' + opaque(43, 'st'),
              400, kind='document', referrer=app + '/', mime='text/html',
              body='<!DOCTYPE html><html><head><title>Sign in to greenleaf</title></head><body><div id="kc-error-message"><p class="instruction">Invalid parameter: redirect_uri</p></div></body></html>',
              res=[NO_STORE, ('referrer-policy', 'no-referrer'), ('x-frame-options', 'SAMEORIGIN')])
    c.expect(i, 'oauth-redirect-uri-mismatch', "the authorize request with an unregistered (http) redirect_uri answered by Keycloak's 400 page (RFC 6749 §3.1.2)")
    c.save()


def c4_auth0_rotation_race():
    c = cap('c4-auth0-refresh-token-rotation-race.har', 'chrome', 'Auth0 (refresh-token rotation) + React + Node API',
            "Two components mount at once after the access token expired and both refresh with the same "
            "rotating refresh token 40 ms apart: the first gets 200, the second 403 invalid_grant. Auth0's reuse "
            "detection revokes the family, so the next refresh, with the new token, also gets 403 and the user "
            "is logged out.", '4', day=17)
    app, idp = 'https://app.parcelpost.example', 'https://parcelpost.us.auth0.com'
    c.spa_shell(0, app, '/shipments', 'ParcelPost')
    rt = 'v1.MrAA' + opaque(70, 'rt-old')
    c.preflight(0.5, idp + '/oauth/token', 'POST', 'content-type',
                cors_ok(app, creds=False) + [('access-control-allow-methods', 'POST'), ('access-control-allow-headers', 'content-type,auth0-client'), ('access-control-max-age', '86400')])
    body_ok = json.dumps({"access_token": jwt({"iss": idp + '/', "sub": "auth0|5a", "aud": "https://api.parcelpost.example", "iat": c.epoch(0.6), "exp": c.epoch(0.6) + 600, "scope": "openid offline_access", "azp": "Pp1"}),
                          "refresh_token": 'v1.MrAA' + opaque(70, 'rt-new'), "scope": "openid offline_access", "expires_in": 600, "token_type": "Bearer"})
    post = lambda r: ('application/json', json.dumps({"client_id": "Pp1", "grant_type": "refresh_token", "refresh_token": r, "redirect_uri": app}))
    c.add(0.60, 'POST', idp + '/oauth/token', 200, req=[('content-type', 'application/json')], post=post(rt), body=body_ok, res=cors_ok(app, creds=False) + [NO_STORE])
    i1 = c.add(0.64, 'POST', idp + '/oauth/token', 403, req=[('content-type', 'application/json')], post=post(rt),
               body='{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}', res=cors_ok(app, creds=False) + [NO_STORE])
    i2 = c.add(601, 'POST', idp + '/oauth/token', 403, req=[('content-type', 'application/json')], post=post('v1.MrAA' + opaque(70, 'rt-new')),
               body='{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}', res=cors_ok(app, creds=False) + [NO_STORE])
    c.expect(i1, 'refresh-token-rotation-race', "two refreshes 40 ms apart present the same refresh token; the later one is refused invalid_grant (RFC 9700 §4.14.2)")
    c.expect(i2, 'refresh-token-rotation-race', "the rotated token is refused because the race above made the server revoke the family (reuse detection)",
             [('oauth-invalid-grant', "on its own this refresh is a plain invalid_grant with a token nobody reused; the race shows only across entries")])
    c.save()


# =================================================================================================
# Class 5 — credential encodings.
# =================================================================================================

def c5_spring_basic_percent():
    c = cap('c5-spring-basic-percent-encoded.har', 'chrome', 'Spring Boot Actuator (HTTP Basic) + admin SPA',
            "The admin SPA builds Basic credentials with `btoa(encodeURIComponent(user) + ':' + "
            "encodeURIComponent(pass))`: the user ops@corp.example and password S3cret!x arrive as "
            "ops%40corp.example:S3cret%21x. Spring answers 401 `Basic realm=\"Realm\"`.", '5', day=18)
    app = 'https://admin.corp-tools.example'
    c.spa_shell(0, app, '/', 'Ops console')
    i = c.add(3, 'GET', app + '/actuator/health', 401, req=[('authorization', 'Basic ' + b64('ops%40corp.example:S3cret%21x'))], body='',
              res=[('www-authenticate', 'Basic realm="Realm"'), ('cache-control', 'no-cache, no-store, max-age=0, must-revalidate'), ('x-content-type-options', 'nosniff')])
    c.expect(i, 'basic-credentials-malformed', "the decoded user-id and password are percent-encoded; RFC 7617 §2 has no such layer (issue 10 §5)")
    c.save()


def c5_nginx_basic_missing_colon():
    c = cap('c5-nginx-basic-missing-colon.har', 'firefox', 'Prometheus behind nginx auth_basic',
            "A dashboard fetches Prometheus through nginx with `Authorization: Basic base64(token)`: the deploy "
            "token alone, no `user:` part. nginx answers 401 `Basic realm=\"Prometheus\"`.", '5', tz_minutes=-240, day=19)
    app = 'https://metrics.infra.example'
    c.spa_shell(0, app, '/graph', 'Prometheus Time Series Collection and Processing Server')
    i = c.add(1.5, 'GET', app + '/api/v1/query?query=up', 401, req=[('authorization', 'Basic ' + b64('glpat-7f3a9cQx2LmNp0Rt'))],
              mime='text/html', body='<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n',
              res=[('server', 'nginx/1.24.0'), ('www-authenticate', 'Basic realm="Prometheus"')])
    c.expect(i, 'basic-credentials-malformed', "the decoded value has no colon (RFC 7617 §2: user-id \":\" password)")
    c.save()


def c5_apache_basic_latin1():
    c = cap('c5-apache-basic-latin1-no-charset.har', 'safari', 'Apache httpd 2.4 mod_auth_basic (intranet wiki)',
            "User jürgen's password Straße-42 contains non-ASCII letters; the challenge has no charset, the "
            "credentials arrive ISO-8859-1-encoded and the UTF-8 htpasswd entry never matches.", '5', h2=False, day=20)
    app = 'https://wiki.intern.example'
    c.page(app + '/', 0)
    c.add(0, 'GET', app + '/', 401, kind='document', mime='text/html', body='<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN"><html><head><title>401 Unauthorized</title></head><body><h1>Unauthorized</h1></body></html>',
          res=[('server', 'Apache/2.4.62 (Debian)'), ('www-authenticate', 'Basic realm="Intranet"')])
    i = c.add(6, 'GET', app + '/', 401, kind='document', req=[('authorization', 'Basic ' + b64('jürgen:Straße-42'.encode('latin-1')))],
              mime='text/html', body='<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN"><html><head><title>401 Unauthorized</title></head><body><h1>Unauthorized</h1></body></html>',
              res=[('server', 'Apache/2.4.62 (Debian)'), ('www-authenticate', 'Basic realm="Intranet"')])
    c.expect(i, 'basic-credentials-malformed', "non-ASCII credentials under a challenge without charset=\"UTF-8\" (RFC 7617 §2.1)")
    c.save()


def c5_go_basic_trailing_newline():
    c = cap('c5-go-basic-trailing-newline.har', 'chrome', 'Go (net/http BasicAuth) reporting API',
            "The front end's .env holds REPORTS_BASIC made with `echo svc-reporter:pa55word | base64`, newline "
            "included; Go's BasicAuth compares the password with a trailing \\n and answers 401.", '5', day=21)
    app, api = 'https://reports.metricly.example', 'https://reports-api.metricly.example'
    c.spa_shell(0, app, '/', 'Reports')
    c.preflight(0.4, api + '/v1/reports/weekly', 'GET', 'authorization',
                cors_ok(app, creds=False) + [('access-control-allow-headers', 'Authorization'), ('access-control-allow-methods', 'GET')])
    i = c.add(0.5, 'GET', api + '/v1/reports/weekly', 401, req=[('authorization', 'Basic ' + b64('svc-reporter:pa55word\n'))],
              body='Unauthorized\n', mime='text/plain; charset=utf-8',
              res=cors_ok(app, creds=False) + [('www-authenticate', 'Basic realm="reports", charset="UTF-8"'), ('x-content-type-options', 'nosniff')])
    c.expect(i, 'basic-credentials-malformed', "the decoded value ends with a newline (`echo | base64`), RFC 7617 §2")
    c.save()


# =================================================================================================
# Class 6 — judge by the capturing browser.
# =================================================================================================

def c6_safari_wildcard():
    c = cap('c6-safari-allow-headers-wildcard.har', 'safari', 'Go API behind nginx (add_header Access-Control-Allow-Headers *)',
            "nginx answers the preflight with `Access-Control-Allow-Headers: *` and `Allow-Origin: *`. The SPA "
            "sends `Authorization: Bearer …` without credentials mode; Safari (by the Fetch standard) never lets "
            "the wildcard cover Authorization, so the GET fails.", '6', day=22)
    app, api = 'https://app.tidepool.example', 'https://api.tidepool-data.example'
    c.spa_shell(0, app, '/', 'Tidepool')
    c.preflight(0.8, api + '/v1/stations', 'GET', 'authorization',
                [('access-control-allow-origin', '*'), ('access-control-allow-headers', '*'),
                 ('access-control-allow-methods', 'GET, POST, OPTIONS'), ('access-control-max-age', '600'), ('server', 'nginx')])
    i = c.add(0.9, 'GET', api + '/v1/stations', 0, req=[('authorization', 'Bearer ' + opaque(40, 'tide'))], body=None)
    c.expect(i, 'cors-authorization-not-allowed', "Fetch: `*` never covers Authorization, and WebKit applies that (§0.7 rule 3); credentials mode is not to be inferred from the failure")
    c.save()


def saml_flow(c, app, idp, sent):
    c.spa_shell(0, app, '/spaces/ENG', 'Wiki')
    c.add(0.2, 'GET', app + '/saml/login?RelayState=%2Fspaces%2FENG', 302, kind='document', referrer=app + '/spaces/ENG', body='', mime='text/html',
          redirect=idp + '/sso/saml?SAMLRequest=' + opaque(120, 'sreq'),
          res=[('location', idp + '/sso/saml?SAMLRequest=' + opaque(120, 'sreq')),
               ('set-cookie', 'JSESSIONID=' + opaque(32, 'jsess').upper() + '; Path=/; Secure; HttpOnly')])
    c.page(idp + '/sso/saml', 0.5, 'Sign in')
    c.add(0.5, 'GET', idp + '/sso/saml?SAMLRequest=' + opaque(120, 'sreq'), 200, kind='document', referrer=app + '/', mime='text/html',
          body='<!doctype html><form method="post">…</form>')
    c.page(app + '/saml/acs', 250)
    req = [('content-type', 'application/x-www-form-urlencoded'), ('cache-control', 'max-age=0')]
    if sent:
        req.append(('cookie', 'JSESSIONID=' + opaque(32, 'jsess').upper()))
    return c.add(250, 'POST', app + '/login/saml2/sso/idp', 401, kind='document', referrer=idp + '/', req=req,
                 post=('application/x-www-form-urlencoded', 'SAMLResponse=' + opaque(400, 'sresp') + '&RelayState=%2Fspaces%2FENG'),
                 mime='text/html', body='<html><body><h1>Whitelabel Error Page</h1><p>There was an unexpected error (type=Unauthorized, status=401).</p></body></html>',
                 res=[('cache-control', 'no-cache, no-store, max-age=0, must-revalidate'), ('x-content-type-options', 'nosniff')])


def c6_chrome_saml_lax_unsafe():
    c = cap('c6-chrome-saml-acs-lax-by-default.har', 'chrome', 'Spring Security SAML 2 SP (Tomcat) + Okta-like IdP',
            "Tomcat's JSESSIONID has no SameSite. The user spends 4 minutes at the IdP (MFA), which auto-posts "
            "the SAMLResponse cross-site. Chrome's Lax-by-default (and its 2-minute Lax+POST window has "
            "passed) keeps the cookie off the POST; the SP cannot find its AuthnRequest and answers 401.", '6', day=23)
    i = saml_flow(c, 'https://wiki.acme-eng.example', 'https://acme.idp-cloud.example', sent=False)
    c.expect(i, 'cookie-lax-allow-unsafe-expired', "a cross-site top-level POST lost a cookie without SameSite created more than 120 s earlier (Chromium Lax-by-default, RFC 6265bis §5.6.7.1)")
    c.save()


def c6_firefox_saml_cookie_sent():
    c = cap('c6-firefox-saml-acs-cookie-sent-session-expired.har', 'firefox', 'Spring Security SAML 2 SP (Tomcat) + Okta-like IdP',
            "The same SAML flow in Firefox, which does not apply Lax-by-default: the JSESSIONID without "
            "SameSite is sent with the cross-site POST. The SP still answers 401: the user spent longer at the "
            "IdP than the SP's session lives, so the session the cookie names is gone.", '6', tz_minutes=120, day=24)
    i = saml_flow(c, 'https://wiki.acme-eng.example', 'https://acme.idp-cloud.example', sent=True)
    c.expect(i, 'session-cookie-rejected', "the session cookie was sent (Firefox has no Lax-by-default, §0.7 rule 3) and the server refused it; no SameSite exclusion applies in this browser")
    c.save()


def c6_safari_itp_iframe():
    c = cap('c6-safari-itp-third-party-widget.har', 'safari', 'Support widget (Rails API) embedded in a shop',
            "The user signed in to chat.supportly.example in a tab, then opens a shop that embeds the "
            "Supportly widget in an iframe. Safari's ITP blocks the widget's third-party cookie, so its API "
            "call has no session: 401.", '6', day=25)
    sup, shop = 'https://chat.supportly.example', 'https://www.customer-shop.example'
    c.page(sup + '/login', 0)
    c.add(0, 'GET', sup + '/login', 200, kind='document', mime='text/html', body='<!doctype html><form method="post"></form>')
    sid = opaque(64, 'supp')
    c.add(8, 'POST', sup + '/login', 302, kind='document', referrer=sup + '/login', body='', mime='text/html', redirect=sup + '/inbox',
          post=('application/x-www-form-urlencoded', 'authenticity_token=' + opaque(40, 'at') + '&email=lea%40customer-shop.example&password=Widget-2026'),
          res=[('location', sup + '/inbox'), ('set-cookie', f'_supportly_session={sid}; path=/; secure; httponly; samesite=none')])
    c.page(sup + '/inbox', 8.2)
    c.add(8.2, 'GET', sup + '/inbox', 200, kind='document', referrer=sup + '/login', req=[('cookie', f'_supportly_session={sid}')],
          mime='text/html', body=HTML.format(title='Inbox'))
    c.spa_shell(60, shop, '/', 'Customer Shop')
    c.add(60.3, 'GET', sup + '/widget?shop=customer-shop', 200, kind='iframe', referrer=shop + '/', mime='text/html', body=HTML.format(title='Widget'),
          res=[('content-security-policy', 'frame-ancestors https://www.customer-shop.example')])
    i = c.add(60.6, 'GET', sup + '/api/conversations', 401, body='{"error":"not_signed_in"}',
              frame=sup + '/widget?shop=customer-shop', res=[NO_STORE])
    c.expect(i, 'cookie-third-party-blocked', "the session cookie exists (set at 00:08) but Safari blocks third-party cookies in the shop's iframe (ITP; §0.7 rule 3)")
    c.save()


# =================================================================================================
# Everyday causes, across stacks and export styles.
# =================================================================================================

def api_token(c, at, aud, iss, ttl=3600, **extra):
    claims = {"iss": iss, "sub": "u-" + opaque(6, c.name), "aud": aud, "iat": c.epoch(at), "exp": c.epoch(at) + ttl,
              "scope": "openid profile api", "azp": "web-client"}
    claims.update(extra)
    return jwt(claims)


def e_aspnet_jwt_expired():
    c = cap('e-aspnet-jwt-expired.har', 'chrome', 'ASP.NET Core 8 JwtBearer + React', "The tab stayed open over a meeting; "
            "the 1-hour token expired at 09:59:10 and the app has no refresh. ASP.NET answers `Bearer error=\"invalid_token\", "
            "error_description=\"The token expired at '…'\"`.", 'everyday', pseudo=True, day=26)
    app = 'https://orders.contoso-retail.example'
    c.spa_shell(0, app, '/', 'Orders')
    tok = api_token(c, -3530, 'api://orders', 'https://login.microsoftonline.com/6f1e/v2.0', ttl=3600)
    c.add(0.5, 'GET', app + '/api/orders?top=20', 200, req=[('authorization', 'Bearer ' + tok)], body='{"value":[]}', res=[PRIVATE, ('server', 'Kestrel')])
    i = c.add(95, 'GET', app + '/api/orders?top=20&skip=20', 401, req=[('authorization', 'Bearer ' + tok)], body='',
              res=[('server', 'Kestrel'), ('www-authenticate', "Bearer error=\"invalid_token\", error_description=\"The token expired at '"
                                                     + c.server_time(70).strftime('%m/%d/%Y %H:%M:%S') + "'\"")])
    c.expect(i, 'jwt-expired', "exp is before the response Date and the server's error_description says so")
    c.save()


def e_spring_jwt_expired_firefox():
    c = cap('e-spring-jwt-expired-firefox.har', 'firefox', 'Spring Boot 3 resource server + Vue', "A Vue app keeps an "
            "access token past exp; Spring answers `Bearer error=\"invalid_token\", error_description=\"… Jwt expired at …\"`.",
            'everyday', tz_minutes=330, day=27)
    app, api = 'https://app.kitepay.example', 'https://api.kitepay.example'
    c.spa_shell(0, app, '/payouts', 'KitePay')
    tok = api_token(c, -1000, 'kitepay-api', 'https://auth.kitepay.example', ttl=900)
    auth = [('authorization', 'Bearer ' + tok)]
    c.preflight(0.4, api + '/v1/payouts', 'GET', 'authorization', cors_ok(app, False) + [('access-control-allow-headers', 'authorization'), ('access-control-allow-methods', 'GET,POST'), ('access-control-max-age', '1800')])
    i = c.add(0.5, 'GET', api + '/v1/payouts', 401, req=auth, body='',
              res=cors_ok(app, False) + [('www-authenticate', SPRING_EXPIRED.format(c.server_time(-100).strftime('%Y-%m-%dT%H:%M:%SZ')))])
    c.expect(i, 'jwt-expired', "Spring names the expired Jwt; exp is 100 s before Date")
    c.save()


def e_aspnet_audience_safari():
    c = cap('e-aspnet-wrong-audience-safari.har', 'safari', 'ASP.NET Core JwtBearer + MSAL (Safari)', "MSAL requests a token "
            "for the SPA's own app id instead of the API scope; ASP.NET answers `error_description=\"The audience "
            "'…' is invalid\"`.", 'everyday', day=28)
    app, api = 'https://hr.fabrikam.example', 'https://hr-api.fabrikam.example'
    c.spa_shell(0, app, '/', 'HR')
    tok = api_token(c, -60, '3f9e2b1a-7777-4c4c-9d9d-aaaabbbbcccc', 'https://login.microsoftonline.com/72f9/v2.0', ttl=3600)
    c.preflight(0.3, api + '/employees/me', 'GET', 'authorization', cors_ok(app, False) + [('access-control-allow-headers', 'authorization'), ('access-control-allow-methods', 'GET')])
    i = c.add(0.4, 'GET', api + '/employees/me', 401, req=[('authorization', 'Bearer ' + tok)], body='',
              res=cors_ok(app, False) + [('server', 'Kestrel'), ('www-authenticate', "Bearer error=\"invalid_token\", error_description=\"The audience '3f9e2b1a-7777-4c4c-9d9d-aaaabbbbcccc' is invalid\"")])
    c.expect(i, 'jwt-audience-mismatch', "the server's error names the audience")
    c.save()


def e_express_audience_noisy():
    c = cap('e-express-jwt-audience-noisy.har', 'chrome', 'Express + express-jwt/jwks-rsa + Auth0 (busy page)', "A busy "
            "storefront (300 healthy requests) sends an Auth0 token whose aud is the /userinfo URL (no `audience` "
            "in the login call); express-jwt answers 401 {\"message\":\"jwt audience invalid. expected: "
            "https://api.storefront.example\"}, without a challenge.", 'everyday', day=29)
    app, api = 'https://www.storefront.example', 'https://api.storefront.example'
    c.spa_shell(0, app, '/', 'Storefront')
    c.noise(0.3, 60, 300, app)
    tok = api_token(c, -10, 'https://storefront.us.auth0.com/userinfo', 'https://storefront.us.auth0.com/')
    c.preflight(61, api + '/cart', 'GET', 'authorization', cors_ok(app, False) + [('access-control-allow-headers', 'Authorization,Content-Type'), ('access-control-allow-methods', 'GET,POST,PUT,DELETE')])
    i = c.add(61.1, 'GET', api + '/cart', 401, req=[('authorization', 'Bearer ' + tok)], body='{"message":"jwt audience invalid. expected: https://api.storefront.example"}',
              res=cors_ok(app, False) + [('x-powered-by', 'Express')])
    c.noise(61.5, 5, 15, app)
    c.expect(i, 'jwt-audience-mismatch', "aud is the IdP's /userinfo URL and the body names the audience")
    c.save()


def e_django_csrf_lax():
    c = cap('e-django-csrf-cookie-lax-cross-site.har', 'chrome', 'Django REST Framework (SessionAuthentication) + cross-site SPA',
            "The SPA on www.recipebox.example posts to api.recipebox-api.example with credentials. Both cookies are "
            "set for Domain=recipebox-api.example by the accounts host; sessionid is "
            "SameSite=None; Secure, but csrftoken keeps Django's default SameSite=Lax, so Chrome leaves it off the "
            "cross-site POST: DRF answers 403 \"CSRF Failed: CSRF cookie not set.\"", 'everyday', day=30)
    acc, app, api = 'https://accounts.recipebox-api.example', 'https://www.recipebox.example', 'https://api.recipebox-api.example'
    c.page(acc + '/login/', 0)
    c.add(0, 'GET', acc + '/login/', 200, kind='document', mime='text/html', body='<!doctype html><form method="post"></form>',
          res=[('set-cookie', 'csrftoken=' + opaque(32, 'csrf') + '; Domain=recipebox-api.example; expires=Thu, 21 Oct 2027 09:00:00 GMT; Max-Age=31449600; Path=/; SameSite=Lax; Secure'),
               ('vary', 'Cookie'), ('x-frame-options', 'DENY')])
    sid = opaque(32, 'dj-sid')
    c.add(7, 'POST', acc + '/login/', 302, kind='document', referrer=acc + '/login/', body='', mime='text/html', redirect=app + '/',
          req=[('cookie', 'csrftoken=' + opaque(32, 'csrf'))],
          post=('application/x-www-form-urlencoded', 'csrfmiddlewaretoken=' + opaque(64, 'mw') + '&username=chef&password=Basil-and-Thyme-9'),
          res=[('location', app + '/'), ('set-cookie', f'sessionid={sid}; Domain=recipebox-api.example; expires=Thu, 05 Nov 2026 09:00:07 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=None; Secure')])
    c.spa_shell(7.3, app, '/', 'Recipe Box', referrer=acc + '/login/')
    c.add(7.8, 'GET', api + '/api/csrf/', 200, req=[('cookie', f'sessionid={sid}')], body='{"csrfToken":"' + opaque(64, 'mw2') + '"}', res=cors_ok(app) + [('vary', 'Cookie, Origin')])
    c.preflight(9, api + '/api/recipes/', 'POST', 'content-type,x-csrftoken', cors_ok(app) + [('access-control-allow-headers', 'accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with'), ('access-control-allow-methods', 'DELETE, GET, OPTIONS, PATCH, POST, PUT'), ('access-control-max-age', '86400')])
    i = c.add(9.1, 'POST', api + '/api/recipes/', 403, req=[('content-type', 'application/json'), ('x-csrftoken', opaque(64, 'mw2')), ('cookie', f'sessionid={sid}')],
              post=('application/json', '{"title":"Shakshuka","servings":2}'), body='{"detail":"CSRF Failed: CSRF cookie not set."}',
              res=cors_ok(app) + [('vary', 'Accept, Cookie, Origin'), ('allow', 'GET, POST, HEAD, OPTIONS'), ('x-frame-options', 'DENY')])
    c.expect(i, 'cookie-samesite-lax-excluded', "the CSRF cookie (SameSite=Lax) stays off a cross-site subresource POST (RFC 6265bis §5.8.3); the 403 names it")
    c.save()


def e_rails_strict_navigation():
    c = cap('e-rails-samesite-strict-link-from-webmail.har', 'firefox', 'Rails 7 (session_store same_site: :strict)',
            "The user is signed in to the CRM, then clicks a report link in webmail. The session cookie is "
            "SameSite=Strict, so the cross-site navigation carries none and the export answers 401.", 'everyday', tz_minutes=60, day=31)
    crm, mail = 'https://crm.pipeline-co.example', 'https://mail.webmail-host.example'
    sid = opaque(200, 'rails-strict')
    c.page(crm + '/login', 0, 'Sign in · Pipeline CRM')
    c.add(0, 'GET', crm + '/login', 200, kind='document', mime='text/html', body='<!doctype html><form></form>')
    c.add(6, 'POST', crm + '/login', 303, kind='document', referrer=crm + '/login', body='', mime='text/html', redirect=crm + '/deals',
          post=('application/x-www-form-urlencoded', 'authenticity_token=' + opaque(86, 'at') + '&session%5Bemail%5D=kai%40pipeline-co.example&session%5Bpassword%5D=Deals-4-days'),
          res=[('location', crm + '/deals'), ('set-cookie', f'_pipeline_session={sid}; path=/; secure; httponly; samesite=strict')])
    c.page(crm + '/deals', 6.2, 'Deals · Pipeline CRM')
    c.add(6.2, 'GET', crm + '/deals', 200, kind='document', referrer=crm + '/login', req=[('cookie', f'_pipeline_session={sid}')], mime='text/html', body=HTML.format(title='Deals'))
    c.page(mail + '/inbox', 120, 'Inbox · Webmail')
    c.add(120, 'GET', mail + '/inbox', 200, kind='document', mime='text/html', body=HTML.format(title='Inbox'))
    c.page(crm + '/reports/q3-pipeline/export.csv', 140, 'export.csv')
    i = c.add(140, 'GET', crm + '/reports/q3-pipeline/export.csv', 401, kind='document', referrer=mail + '/', mime='text/plain',
              body="HTTP Token: Access denied.\n", res=[('www-authenticate', 'Token realm="Application"'), ('cache-control', 'no-cache')])
    c.expect(i, 'cookie-samesite-strict-excluded', "the session cookie is SameSite=Strict and the navigation came from another site (RFC 6265bis §5.8.3)")
    c.save()


def e_express_cors_credentials_missing():
    c = cap('e-express-cors-allow-credentials-missing.har', 'chrome', 'Express + cors() without credentials: true',
            "The app fetches the same-site API with credentials: 'include'; the session cookie goes and the "
            "server answers 200, but `cors({origin})` sends no Access-Control-Allow-Credentials, so Chrome "
            "blocks the response.", 'everyday', day=32)
    app, api = 'https://app.fitlog.example', 'https://api.fitlog.example'
    sid = 's%3A' + opaque(32, 'fit') + '.' + opaque(43, 'fitsig')
    c.spa_shell(0, app, '/', 'Fitlog')
    i = c.add(0.6, 'GET', api + '/api/workouts?week=41', 200, req=[('cookie', f'fitlog.sid={sid}')], body='{"workouts":[{"id":1}]}',
              error='net::ERR_FAILED', res=[('access-control-allow-origin', app), ('vary', 'Origin'), ('x-powered-by', 'Express')])
    c.expect(i, 'cors-allow-credentials-invalid', "a credentialed response (the cookie was sent) without Access-Control-Allow-Credentials: true fails the CORS check (Fetch §3.2.5)")
    c.save()


def e_go_cors_wildcard_credentials():
    c = cap('e-go-cors-wildcard-with-credentials.har', 'chrome', 'Go (hand-written CORS middleware)',
            "The Go middleware answers `Access-Control-Allow-Origin: *` with `Allow-Credentials: true`; the "
            "dashboard's credentialed fetch (cookie sent) is blocked.", 'everyday', pseudo=True, day=33)
    app, api = 'https://dash.gopherstats.example', 'https://api.gopherstats.example'
    c.spa_shell(0, app, '/', 'Gopher Stats')
    i = c.add(0.5, 'GET', api + '/v1/metrics/summary', 200, req=[('cookie', 'gs_session=' + opaque(44, 'gs'))], body='{"rps":1200}',
              error='net::ERR_FAILED', res=[('access-control-allow-origin', '*'), ('access-control-allow-credentials', 'true')])
    c.expect(i, 'cors-wildcard-with-credentials', "Allow-Origin * on a credentialed request (Fetch CORS check)")
    c.save()


def e_spring_redirect_drops_authorization():
    c = cap('e-spring-cross-origin-redirect-drops-authorization.har', 'chrome', 'Spring MVC redirect to a tile CDN',
            "The API answers a tile index request with 301 to another origin; the browser drops Authorization on "
            "the cross-origin hop and the tile server answers 401.", 'everyday', day=34)
    app, api, cdn = 'https://app.geodata.example', 'https://api.geodata.example', 'https://tiles.geodata-cdn.example'
    c.spa_shell(0, app, '/map', 'GeoData')
    tok = api_token(c, -30, 'geodata', 'https://id.geodata.example')
    c.preflight(0.5, api + '/v1/tiles/index', 'GET', 'authorization', cors_ok(app, False) + [('access-control-allow-headers', 'authorization'), ('access-control-allow-methods', 'GET')])
    c.add(0.6, 'GET', api + '/v1/tiles/index', 301, req=[('authorization', 'Bearer ' + tok)], body='', redirect=cdn + '/v1/tiles/index',
          res=cors_ok(app, False) + [('location', cdn + '/v1/tiles/index')])
    i = c.add(0.7, 'GET', cdn + '/v1/tiles/index', 401, body='{"error":"missing token"}', req=[('origin', 'null')],
              res=[('access-control-allow-origin', '*'), ('www-authenticate', 'Bearer realm="tiles"')])
    c.expect(i, 'authorization-dropped-on-cross-origin-redirect', "the 301 changed the origin, so Fetch removed Authorization (Fetch HTTP-redirect fetch step 14)")
    c.save()


def e_fastapi_redirect_firefox():
    c = cap('e-fastapi-geo-redirect-firefox.har', 'firefox', 'FastAPI behind a geo-routing proxy',
            "A geo-routing proxy answers 307 to the EU host; Firefox follows it cross-origin without the "
            "Authorization header and FastAPI answers 401 Not authenticated.", 'everyday', tz_minutes=60, day=35)
    app, api, eu = 'https://app.mlboard.example', 'https://api.mlboard.example', 'https://api-eu.mlboard.example'
    c.spa_shell(0, app, '/', 'ML Board')
    tok = api_token(c, -30, 'mlboard', 'https://auth.mlboard.example')
    c.preflight(0.4, api + '/experiments', 'GET', 'authorization', cors_ok(app, False) + [('access-control-allow-headers', 'authorization'), ('access-control-allow-methods', 'GET')])
    c.add(0.5, 'GET', api + '/experiments', 307, req=[('authorization', 'Bearer ' + tok)], body='', redirect=eu + '/experiments/',
          res=cors_ok(app, False) + [('location', eu + '/experiments/'), ('server', 'envoy')])
    i = c.add(0.6, 'GET', eu + '/experiments/', 401, body='{"detail":"Not authenticated"}', req=[('origin', 'null')],
              res=[('access-control-allow-origin', '*'), ('www-authenticate', 'Bearer'), ('server', 'uvicorn')])
    c.expect(i, 'authorization-dropped-on-cross-origin-redirect', "the 307 went to another origin, which drops Authorization (Fetch)")
    c.save()


def e_nginx_strips_authorization():
    c = cap('e-nginx-ingress-strips-authorization.har', 'chrome', 'Spring Security behind nginx ingress',
            "An ingress snippet `proxy_set_header Authorization \"\";` (left from an oauth2-proxy setup) removes the "
            "header. Spring answers a bare `Bearer` challenge and \"Full authentication is required\".", 'everyday', day=36)
    app = 'https://projects.atlas-build.example'
    c.spa_shell(0, app, '/', 'Atlas', res=[('server', 'nginx')])
    tok = api_token(c, -20, 'atlas-api', 'https://login.atlas-build.example/realms/atlas')
    i = c.add(0.6, 'GET', app + '/api/projects', 401, req=[('authorization', 'Bearer ' + tok)],
              body='{"timestamp":"2026-10-29T09:00:00.612+00:00","status":401,"error":"Unauthorized","message":"Full authentication is required to access this resource","path":"/api/projects"}',
              res=[('server', 'nginx'), ('www-authenticate', 'Bearer'), ('cache-control', 'no-cache, no-store, max-age=0, must-revalidate')])
    c.expect(i, 'proxy-stripped-authorization', "a valid-looking Bearer token left the browser, yet the server challenges as if none arrived (RFC 6750 §3)")
    c.save()


def e_apache_cgi_laravel():
    c = cap('e-laravel-apache-cgi-drops-authorization.har', 'firefox', 'Laravel Sanctum (tokens) on Apache + PHP-FPM',
            "Laravel on Apache with PHP-FPM and no `CGIPassAuth On` / HTTP_AUTHORIZATION rewrite: the Sanctum "
            "token never reaches PHP; every call answers {\"message\":\"Unauthenticated.\"}.", 'everyday', h2=False, tz_minutes=180, day=37)
    app = 'https://shop-admin.bazaarly.example'
    c.spa_shell(0, app, '/admin', 'Bazaarly Admin')
    i = c.add(0.7, 'GET', app + '/api/orders?status=pending', 401, req=[('authorization', 'Bearer 12|' + opaque(40, 'sanctum'))],
              body='{"message":"Unauthenticated."}', res=[('server', 'Apache/2.4.58 (Ubuntu)'), ('x-powered-by', 'PHP/8.2.12'), ('cache-control', 'no-cache, private')])
    c.expect(i, 'apache-cgi-drops-authorization', "Apache in front of PHP without CGIPassAuth drops Authorization; the app answers as if no token came",
             [('proxy-stripped-authorization', "the catalogue's generic form of the same cause; the Apache/PHP evidence is from Server and X-Powered-By only")])
    c.save()


def e_squid_407():
    c = cap('e-squid-proxy-407.har', 'chrome', 'Corporate squid forward proxy (plain-http vendor API)',
            "A status widget on the plain-http intranet polls a vendor's plain-http API through the corporate proxy, which wants its own "
            "credentials: 407 with Proxy-Authenticate.", 'everyday', h2=False, day=38)
    app, api = 'http://intranet.corp-energy.example', 'http://status.legacy-vendor.example'
    c.spa_shell(0, app, '/', 'Intranet')
    i = c.add(0.5, 'GET', api + '/api/status.json', 407, mime='text/html', body='<html><body><h1>ERROR</h1><p>Cache Access Denied.</p></body></html>',
              res=[('server', 'squid/6.6'), ('proxy-authenticate', 'Basic realm="Corporate Proxy"'), ('x-squid-error', 'ERR_CACHE_ACCESS_DENIED 0'),
                   ('via', '1.1 proxy01.corp-energy.example (squid/6.6)'), ('mime-version', '1.0')])
    c.expect(i, 'proxy-auth-required', "407 with Proxy-Authenticate from a forward proxy (RFC 9110 §15.5.8)")
    c.save()


def e_apache_digest_stale_loop():
    c = cap('e-apache-digest-stale-loop.har', 'firefox', 'Apache mod_auth_digest on two nodes without shared nonces',
            "Two load-balanced Apache nodes each mint their own nonces: every answer Firefox gives is met by "
            "`stale=true` from the other node, in a loop.", 'everyday', h2=False, tz_minutes=-420, day=39)
    app = 'https://files.lab-scope.example'
    url = app + '/private/datasets/'
    c.page(url, 0, '401 Unauthorized')
    page = '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN"><html><head><title>401 Unauthorized</title></head></html>'
    nonce = lambda k: base64.b64encode(f'{1760000000 + k}node{k % 2}'.encode()).decode().rstrip('=')
    c.add(0, 'GET', url, 401, kind='document', mime='text/html', body=page,
          res=[('server', 'Apache/2.4.62 (Unix)'), ('www-authenticate', f'Digest realm="lab", nonce="{nonce(0)}", algorithm=MD5, qop="auth"')])
    for k in range(1, 4):
        authz = (f'Digest username="mkim", realm="lab", nonce="{nonce(k - 1)}", uri="/private/datasets/", algorithm=MD5, '
                 f'response="{opaque(32, "dg" + str(k)).lower()}", qop=auth, nc=00000001, cnonce="{opaque(16, "cn" + str(k))}"')
        i = c.add(4 + k * 0.3, 'GET', url, 401, kind='document', req=[('authorization', authz)], mime='text/html', body=page,
                  res=[('server', 'Apache/2.4.62 (Unix)'), ('www-authenticate', f'Digest realm="lab", nonce="{nonce(k)}", algorithm=MD5, stale=true, qop="auth"')])
        c.expect(i, 'digest-stale-nonce', "a Digest answer met by stale=true again and again: the nonce state is not shared (RFC 7616 §3.3)")
    c.save()


def e_apigw_authorizer():
    c = cap('e-aws-api-gateway-authorizer.har', 'chrome', 'AWS API Gateway (REST) + Lambda authorizer',
            "The Lambda authorizer throws Unauthorized for tokens from the new user pool; API Gateway answers "
            "401 {\"message\":\"Unauthorized\"} with x-amzn-ErrorType, before the backend runs.", 'everyday', day=40)
    app, api = 'https://app.snapcart.example', 'https://k3x9q2abcd.execute-api.eu-west-1.amazonaws.com'
    c.spa_shell(0, app, '/', 'SnapCart')
    tok = api_token(c, -30, '6v2n9ab', 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_NEWPOOL', token_use='access')
    c.preflight(0.4, api + '/prod/cart', 'GET', 'authorization', cors_ok(app, False) + [('access-control-allow-headers', 'Authorization,Content-Type'), ('access-control-allow-methods', 'GET,OPTIONS'), ('x-amzn-requestid', '9f1c')])
    i = c.add(0.5, 'GET', api + '/prod/cart', 401, req=[('authorization', 'Bearer ' + tok)], body='{"message":"Unauthorized"}',
              res=cors_ok(app, False) + [('x-amzn-requestid', '0b7d1e52-6a0c-4f67-9b3a-2f5a1c9d8e71'), ('x-amzn-errortype', 'UnauthorizedException'), ('x-amz-apigw-id', 'Rz3kLFeoDoEF9xA=')])
    c.expect(i, 'api-gateway-authorizer-rejection', "API Gateway's own UnauthorizedException signature")
    c.save()


def e_apigw_missing_token_safari():
    c = cap('e-aws-api-gateway-missing-auth-token-safari.har', 'safari', 'AWS API Gateway (REST), wrong stage',
            "The app was built with stage `v1` but the API is deployed as `prod`; API Gateway answers 403 "
            "\"Missing Authentication Token\" although a token was sent.", 'everyday', day=41)
    app, api = 'https://app.tripnest.example', 'https://p7w3z1e9xy.execute-api.us-east-1.amazonaws.com'
    c.spa_shell(0, app, '/', 'TripNest')
    tok = api_token(c, -30, 'tripnest', 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Trip')
    c.preflight(0.4, api + '/v1/bookings', 'GET', 'authorization', cors_ok(app, False) + [('access-control-allow-headers', 'Authorization'), ('access-control-allow-methods', 'GET,OPTIONS')])
    i = c.add(0.5, 'GET', api + '/v1/bookings', 403, req=[('authorization', 'Bearer ' + tok)], body='{"message":"Missing Authentication Token"}',
              res=cors_ok(app, False) + [('x-amzn-requestid', '77a0'), ('x-amzn-errortype', 'MissingAuthenticationTokenException'), ('x-amz-apigw-id', 'Tq1x')])
    c.expect(i, 'api-gateway-authorizer-rejection', "the gateway's Missing Authentication Token: usually a wrong path or stage (catalogue G)")
    c.save()


def e_cloudflare_waf():
    c = cap('e-cloudflare-managed-challenge-api.har', 'chrome', 'Cloudflare managed challenge in front of a Rails API',
            "A bot-fight rule sends the API POST a managed challenge: 403 HTML \"Just a moment...\" with "
            "cf-mitigated: challenge. The session cookie was fine.", 'everyday', day=42)
    app = 'https://app.quoteforge.example'
    c.spa_shell(0, app, '/', 'QuoteForge', res=[('server', 'cloudflare'), ('cf-ray', '8d2f1a9b3c4e5f60-LHR')])
    ck = [('cookie', '_quoteforge_session=' + opaque(180, 'qf') + '; __cf_bm=' + opaque(40, 'cfbm'))]
    c.add(0.5, 'GET', app + '/api/quotes', 200, req=ck, body='{"quotes":[]}', res=[('server', 'cloudflare'), ('cf-ray', '8d2f1a9b4c4e5f61-LHR'), PRIVATE])
    i = c.add(8, 'POST', app + '/api/quotes', 403, req=ck + [('content-type', 'application/json'), ('x-csrf-token', opaque(86, 'qfcsrf'))],
              post=('application/json', '{"customer":"ACME","lines":[{"sku":"X1","qty":4}]}'), mime='text/html; charset=UTF-8',
              body='<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body><noscript>Enable JavaScript and cookies to continue</noscript></body></html>',
              res=[('server', 'cloudflare'), ('cf-ray', '8d2f1aa0bc4e5f62-LHR'), ('cf-mitigated', 'challenge'), ('cache-control', 'private, max-age=0, no-store, no-cache, must-revalidate, post-check=0, pre-check=0'),
                   ('critical-ch', 'Sec-CH-UA-Bitness, Sec-CH-UA-Arch, Sec-CH-UA-Full-Version'), ('cross-origin-opener-policy', 'same-origin')])
    c.expect(i, 'waf-block-masquerading', "cf-mitigated: challenge and an HTML challenge page on an API call (catalogue G)")
    c.save()


def e_alb_oidc_redirect():
    c = cap('e-aws-alb-oidc-redirects-api.har', 'chrome', 'AWS ALB authenticate-oidc (Cognito) in front of an API',
            "The ALB's session cookie has expired; the ALB answers the SPA's API fetch with 302 to the Cognito "
            "authorize endpoint, which a fetch cannot follow across origins: CORS error.", 'everyday', day=43)
    app, api, cog = 'https://app.warehouse.example', 'https://api.warehouse.example', 'https://warehouse.auth.eu-west-1.amazoncognito.com'
    c.spa_shell(0, app, '/', 'Warehouse')
    loc = cog + '/oauth2/authorize?client_id=4k2j&redirect_uri=https%3A%2F%2Fapi.warehouse.example%2Foauth2%2Fidpresponse&response_type=code&scope=openid&state=' + opaque(60, 'albst')
    i1 = c.add(0.5, 'GET', api + '/v1/stock?site=DUB1', 302, req=[('cookie', 'AWSELBAuthSessionCookie-0=' + opaque(120, 'alb'))], body='', redirect=loc,
               res=[('server', 'awselb/2.0'), ('location', loc), ('set-cookie', 'AWSELBAuthNonce=' + opaque(32, 'nonce') + '; path=/; expires=Wed, 04 Nov 2026 09:15:00 GMT; secure; HttpOnly; SameSite=None')])
    i2 = c.add(0.6, 'GET', loc, 0, body=None, error='net::ERR_FAILED', req=[('origin', 'null')])
    why = "an API fetch answered by the auth proxy's 302 to the IdP (AWSELB signature), which fails CORS"
    alt = [('cors-redirect-to-login', "the catalogue names it the generic form; auth-proxy-redirects-api is its proxy-specific case")]
    c.expect(i1, 'auth-proxy-redirects-api', why, alt)
    c.expect(i2, 'auth-proxy-redirects-api', why + " (the failed hop)", alt)
    c.save()


def e_django_login_redirect():
    c = cap('e-django-login-required-api-redirect.har', 'firefox', 'Django (@login_required on a JSON view)',
            "The session expired server-side; the JSON view is decorated with @login_required, so the XHR gets "
            "302 to /accounts/login/ and then the login page's HTML instead of a 401.", 'everyday', tz_minutes=60, day=44)
    app = 'https://orders.papershop.example'
    c.spa_shell(0, app, '/dashboard/', 'Dashboard')
    ck = [('cookie', 'csrftoken=' + opaque(32, 'pcsrf') + '; sessionid=' + opaque(32, 'psid'))]
    i = c.add(1800, 'GET', app + '/api/orders/?page=1', 302, req=ck, body='', mime='text/html; charset=utf-8', redirect=app + '/accounts/login/?next=/api/orders/%3Fpage%3D1',
              res=[('location', '/accounts/login/?next=/api/orders/%3Fpage%3D1'), ('vary', 'Cookie'), ('x-frame-options', 'DENY')])
    c.add(1800.1, 'GET', app + '/accounts/login/?next=/api/orders/%3Fpage%3D1', 200, req=ck, mime='text/html; charset=utf-8',
          body='<!doctype html><title>Log in</title><form method="post"></form>', res=[('vary', 'Cookie')])
    c.expect(i, 'login-redirect-for-api', "a same-origin JSON call answered by a 302 to the login page (catalogue H)",
             [('session-cookie-rejected', "the session cookie was sent and the server no longer recognised it: that is the cause of the redirect, equally right as the first answer")])
    c.save()


def e_nginx_leftover_basic_gate():
    c = cap('e-nginx-staging-basic-gate-safari.har', 'safari', 'nginx auth_basic "Staging" in front of a token API',
            "The staging site is behind nginx `auth_basic \"Staging\"` for the HTML, and the same location block "
            "covers /api: the SPA's Bearer call gets nginx's Basic challenge.", 'everyday', day=45)
    app = 'https://staging.shopfront.example'
    c.spa_shell(0, app, '/', 'Shopfront (staging)', req=[('authorization', 'Basic ' + b64('preview:letmein-2026'))])
    tok = api_token(c, -30, 'shopfront-api', 'https://auth.shopfront.example')
    i = c.add(0.6, 'GET', app + '/api/cart', 401, req=[('authorization', 'Bearer ' + tok)], mime='text/html',
              body='<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
              res=[('server', 'nginx'), ('www-authenticate', 'Basic realm="Staging"')])
    c.expect(i, 'leftover-basic-auth-gate', "nginx's Basic realm=\"Staging\" page answers a Bearer call (catalogue G)")
    c.save()


def e_laravel_session_expired():
    c = cap('e-laravel-sanctum-session-expired.har', 'chrome', 'Laravel Sanctum (SPA cookie auth)',
            "After two hours idle, laravel_session is still sent but the server-side session has expired: "
            "401 Unauthenticated.", 'everyday', day=46)
    app = 'https://app.tasktrove.example'
    c.spa_shell(0, app, '/', 'TaskTrove', res=[('x-powered-by', 'PHP/8.3.6')])
    ck = [('cookie', 'XSRF-TOKEN=' + opaque(300, 'xsrf') + '%3D; laravel_session=' + opaque(300, 'lses') + '%3D'), ('x-xsrf-token', opaque(300, 'xsrf') + '=')]
    i = c.add(0.6, 'GET', app + '/api/tasks?list=today', 401, req=ck + [('x-requested-with', 'XMLHttpRequest')], body='{"message":"Unauthenticated."}',
              res=[('x-powered-by', 'PHP/8.3.6'), ('cache-control', 'no-cache, private')])
    c.expect(i, 'session-cookie-rejected', "the session cookie was sent and refused (catalogue B)")
    c.save()


def e_express_cookie_path():
    c = cap('e-express-session-cookie-path.har', 'firefox', 'Express + express-session (cookie.path: "/auth")',
            "express-session is configured with cookie.path '/auth'; /auth/me works, but /api/projects never "
            "gets connect.sid.", 'everyday', tz_minutes=0, day=47)
    app = 'https://app.sprintly.example'
    sid = 's%3A' + opaque(32, 'spr') + '.' + opaque(43, 'sprsig')
    c.spa_shell(0, app, '/', 'Sprintly')
    c.add(3, 'POST', app + '/auth/login', 200, req=[('content-type', 'application/json')], post=('application/json', '{"email":"li@sprintly.example","password":"Sprint-Zero-0"}'),
          body='{"ok":true}', res=[('x-powered-by', 'Express'), NO_STORE, ('set-cookie', f'connect.sid={sid}; Path=/auth; Expires=Wed, 11 Nov 2026 09:00:03 GMT; HttpOnly; Secure; SameSite=Lax')])
    c.add(3.2, 'GET', app + '/auth/me', 200, req=[('cookie', f'connect.sid={sid}')], body='{"id":7}', res=[('x-powered-by', 'Express'), NO_STORE])
    i = c.add(3.4, 'GET', app + '/api/projects', 401, body='{"error":"login required"}', res=[('x-powered-by', 'Express'), NO_STORE])
    c.expect(i, 'cookie-not-on-path', "the session cookie's Path=/auth does not cover /api/projects (RFC 6265bis §5.8.3 path-match)")
    c.save()


def e_aspnet_cookie_domain():
    c = cap('e-aspnet-host-only-cookie-api-subdomain.har', 'chrome', 'ASP.NET Core cookie auth (MVC login + API subdomain)',
            "The MVC login on www sets .AspNetCore.Cookies host-only; the SPA then calls api.contoso-shop.example "
            "with credentials, which never carries it: 401.", 'everyday', day=48)
    www, api = 'https://www.contoso-shop.example', 'https://api.contoso-shop.example'
    c.page(www + '/Account/Login', 0)
    c.add(0, 'GET', www + '/Account/Login', 200, kind='document', mime='text/html', body='<!doctype html><form method="post"></form>',
          res=[('set-cookie', '.AspNetCore.Antiforgery.Qx9=' + opaque(150, 'af') + '; path=/; samesite=strict; httponly')])
    ck = '.AspNetCore.Cookies=CfDJ8' + opaque(400, 'aspck')
    c.add(6, 'POST', www + '/Account/Login', 302, kind='document', referrer=www + '/Account/Login', body='', mime='text/html', redirect=www + '/',
          post=('application/x-www-form-urlencoded', 'Email=sam%40contoso-shop.example&Password=Contoso-Shop-1&__RequestVerificationToken=' + opaque(150, 'rvt')),
          res=[('location', '/'), ('server', 'Kestrel'), ('set-cookie', ck + '; path=/; secure; samesite=lax; httponly')])
    c.spa_shell(6.2, www, '/', 'Contoso Shop', referrer=www + '/Account/Login', req=[('cookie', ck)])
    i = c.add(6.7, 'GET', api + '/orders', 401, body='', res=cors_ok(www) + [('server', 'Kestrel')])
    c.expect(i, 'cookie-domain-mismatch', "a host-only cookie of www is not sent to api (RFC 6265bis §5.8.3 domain-match)")
    c.save()


def e_go_bearer_undefined():
    c = cap('e-go-bearer-undefined.har', 'chrome', 'Go (golang-jwt middleware) + React',
            "The token is read from localStorage before login finished: `Authorization: Bearer undefined`; "
            "the Go middleware answers 401 \"token is malformed\".", 'everyday', pseudo=True, day=49)
    app, api = 'https://app.gridwatch.example', 'https://api.gridwatch.example'
    c.spa_shell(0, app, '/', 'GridWatch')
    c.preflight(0.4, api + '/v2/alerts', 'GET', 'authorization', cors_ok(app, False) + [('access-control-allow-headers', 'Authorization, Content-Type'), ('access-control-allow-methods', 'GET, POST')])
    i = c.add(0.5, 'GET', api + '/v2/alerts', 401, req=[('authorization', 'Bearer undefined')],
              body='{"error":"token is malformed: token contains an invalid number of segments"}', res=cors_ok(app, False))
    c.expect(i, 'bearer-placeholder-value', "`Bearer undefined` (catalogue A)")
    c.save()


def e_fastapi_not_yet_valid():
    c = cap('e-fastapi-api-clock-behind-iat.har', 'firefox', 'FastAPI (PyJWT) + Keycloak, API host clock 3 min slow',
            "The API host's clock is 3 minutes behind the identity provider's: a token issued a second ago has an "
            "iat 179 s in the API's future, and PyJWT answers \"The token is not yet valid (iat)\".", 'everyday', tz_minutes=60, day=50)
    app, kc, api = 'https://app.labnotes.example', 'https://sso.labnotes.example', 'https://api.labnotes.example'
    iss = kc + '/realms/lab'
    c.spa_shell(0, app, '/', 'Lab Notes')
    tok, body = token_body(c, 0.5, 300, 'labnotes-api', iss)
    c.add(0.5, 'POST', iss + '/protocol/openid-connect/token', 200, post=('application/x-www-form-urlencoded', 'grant_type=authorization_code&code=' + opaque(40, 'lc') + '&client_id=labnotes&redirect_uri=https%3A%2F%2Fapp.labnotes.example%2F&code_verifier=' + opaque(43, 'lv')),
          body=body, res=cors_ok(app) + [NO_STORE])
    c.preflight(1.0, api + '/notebooks', 'GET', 'authorization', cors_ok(app, False) + [('access-control-allow-headers', 'authorization'), ('access-control-allow-methods', 'GET')])
    i = c.add(1.1, 'GET', api + '/notebooks', 401, req=[('authorization', 'Bearer ' + tok)], body='{"detail":"The token is not yet valid (iat)"}', date_skew=-180,
              res=cors_ok(app, False) + [('www-authenticate', 'Bearer'), ('server', 'uvicorn')])
    c.expect(i, 'jwt-not-yet-valid', "iat is 179 s after the API's Date and PyJWT says so",
             [('clock-skew', "the catalogue lists iat − Date > 30 s under clock-skew as well, and the cause is the API's clock against the issuer's")])
    c.save()


def e_keycloak_id_token():
    c = cap('e-keycloak-id-token-sent-to-api-safari.har', 'safari', 'Keycloak + oidc-client-ts + Quarkus API',
            "The app sends `user.id_token` instead of `user.access_token`: typ ID, aud = the SPA's client id, "
            "nonce and at_hash present. Quarkus answers 401.", 'everyday', day=51)
    app, api = 'https://app.taskforge.example', 'https://api.taskforge.example'
    iss = 'https://sso.taskforge.example/realms/tf'
    c.spa_shell(0, app, '/', 'TaskForge')
    claims = {"exp": c.epoch(0) + 300, "iat": c.epoch(0) - 10, "auth_time": c.epoch(0) - 12, "jti": "4e1d", "iss": iss, "aud": "taskforge-web",
              "sub": "e7a1", "typ": "ID", "azp": "taskforge-web", "nonce": opaque(22, 'nonce'), "at_hash": "G8dT1kQ0mV3", "sid": "a91b",
              "email_verified": True, "name": "Noor Haddad", "preferred_username": "noor", "email": "noor@taskforge.example"}
    c.preflight(0.4, api + '/tasks', 'GET', 'authorization', cors_ok(app, False) + [('access-control-allow-headers', 'authorization'), ('access-control-allow-methods', 'GET')])
    i = c.add(0.5, 'GET', api + '/tasks', 401, req=[('authorization', 'Bearer ' + jwt(claims, typ='JWT'))], body='',
              res=cors_ok(app, False) + [('www-authenticate', 'Bearer')])
    c.expect(i, 'id-token-as-access-token', "typ ID, aud = the client id, nonce and at_hash: an ID token (OIDC Core §2)")
    c.save()


def e_spring_insufficient_scope_h1():
    c = cap('e-spring-insufficient-scope-http1.har', 'chrome', 'Spring Security resource server over HTTP/1.1',
            "The reporting page calls /api/reports with a token that has only `orders:read`; Spring answers 403 "
            "`Bearer error=\"insufficient_scope\"`.", 'everyday', h2=False, day=52)
    app = 'https://ops.bluefin.example'
    c.spa_shell(0, app, '/reports', 'Bluefin Ops')
    tok = api_token(c, -30, 'bluefin-api', 'https://auth.bluefin.example', scope='orders:read')
    i = c.add(0.5, 'GET', app + '/api/reports/monthly', 403, req=[('authorization', 'Bearer ' + tok)], body='',
              res=[('www-authenticate', 'Bearer error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", error_uri="https://tools.ietf.org/html/rfc6750#section-3.1"'),
                   ('cache-control', 'no-cache, no-store, max-age=0, must-revalidate')])
    c.expect(i, 'bearer-insufficient-scope', "the server's error code (RFC 6750 §3.1)")
    c.save()


def two_spring_noisy():
    c = cap('two-spring-expired-and-search-cors-noisy.har', 'chrome', 'Spring Boot API + a separate search service (busy page)',
            "Two independent failures on a busy page (200 healthy requests): the orders API rejects an expired "
            "JWT, and the search service's preflight allows only Content-Type and X-Requested-With, so the "
            "search call with Authorization is blocked.", 'everyday', pseudo=True, day=53)
    app, search = 'https://www.shopwise.example', 'https://search.shopwise-svc.example'
    c.spa_shell(0, app, '/', 'ShopWise')
    tok = api_token(c, -4000, 'shopwise', 'https://id.shopwise.example', ttl=3600)
    auth = [('authorization', 'Bearer ' + tok)]
    c.noise(0.3, 30, 120, app, api_calls=[(app + '/api/public/banners', [])])
    i1 = c.add(31, 'GET', app + '/api/orders/recent', 401, req=auth, body='',
               res=[('www-authenticate', SPRING_EXPIRED.format(c.server_time(-400).strftime('%Y-%m-%dT%H:%M:%SZ')))])
    c.noise(31.5, 10, 40, app)
    c.preflight(42, search + '/v1/search?q=kettle', 'GET', 'authorization',
                cors_ok(app, False) + [('access-control-allow-headers', 'Content-Type, X-Requested-With'), ('access-control-allow-methods', 'GET')])
    i2 = c.add(42.1, 'GET', search + '/v1/search?q=kettle', 0, req=auth, body=None, error='net::ERR_FAILED')
    c.noise(42.5, 10, 40, app)
    c.expect(i1, 'jwt-expired', "Spring names the expired Jwt; exp is 400 s before Date")
    c.expect(i2, 'cors-authorization-not-allowed', "the preflight's Allow-Headers list lacks Authorization (Fetch CORS-preflight fetch)")
    c.save()


def two_rails_safari():
    c = cap('two-rails-session-expired-and-cloudflare-safari.har', 'safari', 'Rails API behind Cloudflare (Safari)',
            "Two failures: the notifications poll is refused because the Rails session expired (cookie sent), and "
            "an upload is stopped by a Cloudflare managed challenge.", 'everyday', day=54)
    app = 'https://app.crewboard.example'
    c.spa_shell(0, app, '/', 'Crewboard', res=[('server', 'cloudflare')])
    ck = [('cookie', '_crewboard_session=' + opaque(200, 'crew'))]
    i1 = c.add(5, 'GET', app + '/api/notifications', 401, req=ck, body='{"error":"Your session expired. Please sign in again."}',
               res=[('server', 'cloudflare'), ('cf-ray', '8d30aa11bb22cc33-CDG'), ('cache-control', 'no-cache')])
    i2 = c.add(9, 'POST', app + '/api/uploads', 403, req=ck + [('content-type', 'multipart/form-data; boundary=----WebKitFormBoundaryx7')],
               post=('multipart/form-data; boundary=----WebKitFormBoundaryx7', '------WebKitFormBoundaryx7--'), mime='text/html; charset=UTF-8',
               body='<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body></body></html>',
               res=[('server', 'cloudflare'), ('cf-ray', '8d30aa12bb22cc34-CDG'), ('cf-mitigated', 'challenge')])
    c.expect(i1, 'session-cookie-rejected', "the session cookie was sent and refused (catalogue B)")
    c.expect(i2, 'waf-block-masquerading', "cf-mitigated: challenge with an HTML page on an API call")
    c.save()


# =================================================================================================
# Healthy captures: nothing failed; no error-severity finding may appear.
# =================================================================================================

def h_django_noisy():
    c = cap('h-django-session-noisy.har', 'chrome', 'Django (sessions, CSRF) storefront', "A Django shop: login form, "
            "then 400 requests of browsing with sessionid and csrftoken, product images, analytics. Nothing fails.", 'healthy', day=60)
    app = 'https://www.teashop.example'
    c.page(app + '/accounts/login/', 0)
    c.add(0, 'GET', app + '/accounts/login/', 200, kind='document', mime='text/html', body='<!doctype html><form method="post"></form>',
          res=[('set-cookie', 'csrftoken=' + opaque(32, 'tcsrf') + '; expires=Thu, 20 Apr 2028 09:00:00 GMT; Max-Age=31449600; Path=/; SameSite=Lax; Secure'), ('vary', 'Cookie')])
    sid = opaque(32, 'tsid')
    c.add(5, 'POST', app + '/accounts/login/', 302, kind='document', referrer=app + '/accounts/login/', req=[('cookie', 'csrftoken=' + opaque(32, 'tcsrf'))],
          post=('application/x-www-form-urlencoded', 'csrfmiddlewaretoken=' + opaque(64, 'tmw') + '&username=ava&password=Earl-Grey-Hot-1'), body='', mime='text/html', redirect=app + '/',
          res=[('location', '/'), ('set-cookie', f'sessionid={sid}; expires=Thu, 04 Dec 2026 09:00:05 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure'), ('vary', 'Cookie')])
    ck = [('cookie', f'csrftoken={opaque(32, "tcsrf")}; sessionid={sid}')]
    c.spa_shell(5.2, app, '/', 'Tea Shop', referrer=app + '/accounts/login/', req=ck)
    c.noise(5.5, 120, 400, app, api_calls=[(app + '/api/basket/', ck), (app + '/api/products/?category=green', ck)])
    c.save()


def h_chrome_sanitized_bearer():
    c = cap('h-spa-bearer-sanitized.har', 'chrome-sanitized', 'React + Node API (JWT), sanitized export', "A JWT SPA "
            "working normally (preflights, API calls 200), exported with Chrome's default sanitized HAR.", 'healthy', day=61)
    app, api = 'https://app.notely.example', 'https://api.notely.example'
    c.spa_shell(0, app, '/', 'Notely')
    tok = api_token(c, -10, 'notely', 'https://auth.notely.example')
    c.preflight(0.4, api + '/v1/notes', 'GET', 'authorization', cors_ok(app, False) + [('access-control-allow-headers', 'authorization'), ('access-control-allow-methods', 'GET, POST'), ('access-control-max-age', '600')])
    for k in range(6):
        c.add(0.5 + k, 'GET', api + '/v1/notes' + ('' if k == 0 else f'?page={k}'), 200, req=[('authorization', 'Bearer ' + tok)], body='{"notes":[]}', res=cors_ok(app, False) + [PRIVATE])
    c.save()


def h_firefox_rails():
    c = cap('h-rails-turbo-firefox.har', 'firefox', 'Rails 7 + Turbo (Firefox, UTC+9)', "A Rails login and a few "
            "Turbo fetches, exported from Firefox in Tokyo time.", 'healthy', tz_minutes=540, day=62)
    app = 'https://app.gardenplan.example'
    c.page(app + '/session/new', 0, 'Sign in · GardenPlan')
    c.add(0, 'GET', app + '/session/new', 200, kind='document', mime='text/html', body='<!doctype html><form></form>')
    sid = opaque(200, 'garden')
    c.add(4, 'POST', app + '/session', 303, kind='document', referrer=app + '/session/new', body='', mime='text/html', redirect=app + '/beds',
          post=('application/x-www-form-urlencoded', 'authenticity_token=' + opaque(86, 'gat') + '&email_address=yui%40gardenplan.example&password=Tomato-Basil-3'),
          res=[('location', app + '/beds'), ('set-cookie', f'_gardenplan_session={sid}; path=/; secure; httponly; samesite=lax'), ('cache-control', 'no-cache')])
    ck = [('cookie', f'_gardenplan_session={sid}')]
    c.page(app + '/beds', 4.2, 'Beds · GardenPlan')
    c.add(4.2, 'GET', app + '/beds', 200, kind='document', referrer=app + '/session/new', req=ck, mime='text/html', body=HTML.format(title='Beds'))
    for k in range(5):
        c.add(6 + k, 'GET', app + f'/beds/{k + 1}', 200, req=ck + [('accept', 'text/vnd.turbo-stream.html, text/html, application/xhtml+xml'), ('turbo-frame', 'bed')],
              mime='text/html', body='<turbo-frame id="bed"></turbo-frame>')
    c.save()


def h_safari_laravel():
    c = cap('h-laravel-sanctum-safari.har', 'safari', 'Laravel Sanctum SPA (Safari)', "Sanctum's csrf-cookie, "
            "login and /api/user, all succeeding in Safari.", 'healthy', day=63)
    app = 'https://app.bookclub.example'
    c.spa_shell(0, app, '/', 'Book Club')
    xsrf, ses = opaque(300, 'bx') + '%3D', opaque(300, 'bs') + '%3D'
    c.add(0.5, 'GET', app + '/sanctum/csrf-cookie', 204, body='', res=[
        ('set-cookie', f'XSRF-TOKEN={xsrf}; expires=Sat, 28 Nov 2026 11:00:00 GMT; Max-Age=7200; path=/; secure; samesite=lax'),
        ('set-cookie', f'laravel_session={ses}; expires=Sat, 28 Nov 2026 11:00:00 GMT; Max-Age=7200; path=/; secure; httponly; samesite=lax')])
    ck = [('cookie', f'XSRF-TOKEN={xsrf}; laravel_session={ses}'), ('x-xsrf-token', xsrf.replace('%3D', '='))]
    c.add(3, 'POST', app + '/login', 204, req=ck + [('content-type', 'application/json')], post=('application/json', '{"email":"mo@bookclub.example","password":"Dune-and-Friends"}'), body='',
          res=[('set-cookie', f'laravel_session={ses}; expires=Sat, 28 Nov 2026 11:00:03 GMT; Max-Age=7200; path=/; secure; httponly; samesite=lax')])
    for k in range(4):
        c.add(3.5 + k * 0.2, 'GET', app + ('/api/user', '/api/books', '/api/meetings', '/api/books?shelf=read')[k], 200, req=ck, body='{"ok":true}', res=[('cache-control', 'no-cache, private')])
    c.save()


def h_firefox_cors_credentialed():
    c = cap('h-express-cors-credentialed-firefox.har', 'firefox', 'Express + cors({credentials: true}) (Firefox)',
            "A credentialed cross-origin (same-site) API with a preflight for X-CSRF-Token, exact Allow-Origin, "
            "Allow-Credentials and Vary: Origin.", 'healthy', tz_minutes=-300, day=64)
    app, api = 'https://app.shiftly.example', 'https://api.shiftly.example'
    c.spa_shell(0, app, '/', 'Shiftly')
    sid = 's%3A' + opaque(32, 'shift') + '.' + opaque(43, 'shsig')
    c.add(2, 'POST', api + '/auth/login', 200, req=[('content-type', 'text/plain;charset=UTF-8')], post=('text/plain;charset=UTF-8', '{"u":"ben","p":"Night-Shift-22"}'), body='{"ok":true}',
          res=cors_ok(app) + [('set-cookie', f'shiftly.sid={sid}; Domain=shiftly.example; Path=/; Expires=Tue, 01 Dec 2026 09:00:02 GMT; HttpOnly; Secure; SameSite=Lax'), NO_STORE])
    ck = [('cookie', f'shiftly.sid={sid}')]
    c.preflight(3, api + '/shifts', 'POST', 'content-type,x-csrf-token', cors_ok(app) + [('access-control-allow-headers', 'Content-Type, X-CSRF-Token'), ('access-control-allow-methods', 'GET,POST'), ('access-control-max-age', '600')])
    c.add(3.1, 'POST', api + '/shifts', 201, req=ck + [('content-type', 'application/json'), ('x-csrf-token', opaque(40, 'shcsrf'))], post=('application/json', '{"day":"2026-12-02","slot":"night"}'),
          body='{"id":991}', res=cors_ok(app) + [NO_STORE])
    c.add(3.5, 'GET', api + '/shifts?week=49', 200, req=ck, body='{"shifts":[{"id":991}]}', res=cors_ok(app) + [NO_STORE])
    c.save()


def h_chrome_keycloak_pkce():
    c = cap('h-keycloak-pkce-login.har', 'chrome', 'Keycloak PKCE login + Spring API', "The full PKCE login: "
            "authorize redirect, code exchange 200, API calls with the fresh token (preflighted) all 200.", 'healthy', pseudo=True, day=65)
    app, kc, api = 'https://app.velo.example', 'https://sso.velo.example', 'https://api.velo.example'
    iss = kc + '/realms/velo'
    c.page(app + '/', 0)
    c.add(0, 'GET', app + '/', 200, kind='document', mime='text/html', body=HTML.format(title='Velo'))
    cb = app + '/?state=' + opaque(20, 'vs') + '&session_state=1a2b&iss=https%3A%2F%2Fsso.velo.example%2Frealms%2Fvelo&code=' + opaque(60, 'vc')
    c.add(1, 'GET', iss + '/protocol/openid-connect/auth?client_id=velo-web&redirect_uri=https%3A%2F%2Fapp.velo.example%2F&state=' + opaque(20, 'vs') + '&response_mode=fragment&response_type=code&scope=openid&nonce=' + opaque(20, 'vn') + '&code_challenge=' + opaque(43, 'vcc') + '&code_challenge_method=S256',
          302, kind='document', referrer=app + '/', body='', mime='text/html', redirect=cb, res=[('location', cb), NO_STORE,
          ('set-cookie', 'KEYCLOAK_SESSION=velo/e7a1/' + opaque(20, 'kcs') + '; Version=1; Expires=Sat, 28 Nov 2026 19:00:01 GMT; Max-Age=36000; Path=/realms/velo/; SameSite=None; Secure')])
    c.page(cb, 1.3)
    c.add(1.3, 'GET', cb, 200, kind='document', referrer=kc + '/', mime='text/html', body=HTML.format(title='Velo'))
    tok, body = token_body(c, 1.6, 300, 'velo-api', iss)
    c.add(1.6, 'POST', iss + '/protocol/openid-connect/token', 200, post=('application/x-www-form-urlencoded', 'code=' + opaque(60, 'vc') + '&grant_type=authorization_code&client_id=velo-web&redirect_uri=https%3A%2F%2Fapp.velo.example%2F&code_verifier=' + opaque(43, 'vv')),
          body=body, res=cors_ok(app) + [NO_STORE])
    c.preflight(2, api + '/rides', 'GET', 'authorization', cors_ok(app, False) + [('access-control-allow-headers', 'authorization'), ('access-control-allow-methods', 'GET')])
    for k in range(3):
        c.add(2.1 + k, 'GET', api + '/rides' + ('' if k == 0 else f'?page={k}'), 200, req=[('authorization', 'Bearer ' + tok)], body='{"rides":[]}', res=cors_ok(app, False) + [PRIVATE])
    c.save()


def h_safari_apigw_bearer():
    c = cap('h-aspnet-behind-http-api-gateway-safari.har', 'safari', 'ASP.NET Core behind AWS HTTP API (JWT authorizer), Safari',
            "Bearer calls through an HTTP API gateway with a JWT authorizer; all 200.", 'healthy', day=66)
    app, api = 'https://app.claimdesk.example', 'https://q1w2e3r4t5.execute-api.eu-central-1.amazonaws.com'
    c.spa_shell(0, app, '/', 'ClaimDesk')
    tok = api_token(c, -60, 'claimdesk', 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Claims')
    c.preflight(0.3, api + '/claims', 'GET', 'authorization', cors_ok(app, False) + [('access-control-allow-headers', 'authorization'), ('access-control-allow-methods', 'GET'), ('apigw-requestid', 'Zx1')])
    for k in range(4):
        c.add(0.4 + k * 0.3, 'GET', api + '/claims' + ('' if k == 0 else f'?status={("open", "closed", "review")[k - 1]}'), 200, req=[('authorization', 'Bearer ' + tok)],
              body='{"claims":[]}', res=cors_ok(app, False) + [('apigw-requestid', f'Zx{k + 2}'), PRIVATE])
    c.save()


def h_chrome_basic_intranet():
    c = cap('h-apache-basic-login-dialog.har', 'chrome', 'Apache mod_auth_basic intranet (browser login dialog)',
            "The ordinary HTTP Basic handshake: the first request is challenged, the user types the password in "
            "the browser's dialog, the same URL is repeated with credentials and succeeds; the page loads.",
            'healthy', h2=False, day=67)
    app = 'https://docs.intra-lab.example'
    c.page(app + '/handbook/', 0)
    c.add(0, 'GET', app + '/handbook/', 401, kind='document', mime='text/html', body='<html><head><title>401 Unauthorized</title></head></html>',
          res=[('server', 'Apache/2.4.62 (Debian)'), ('www-authenticate', 'Basic realm="Lab handbook", charset="UTF-8"')])
    auth = [('authorization', 'Basic ' + b64('lena:Handbook-Reader-5'))]
    c.add(7, 'GET', app + '/handbook/', 200, kind='document', req=auth, mime='text/html', body=HTML.format(title='Handbook'), res=[('server', 'Apache/2.4.62 (Debian)')])
    c.add(7.2, 'GET', app + '/handbook/style.css', 200, kind='stylesheet', req=auth, mime='text/css', body='h1{}', res=[('server', 'Apache/2.4.62 (Debian)')])
    c.save()


def h_firefox_spring_logout():
    c = cap('h-spring-session-logout-firefox.har', 'firefox', 'Spring Security form login and logout (Firefox)',
            "Sign in, use the app, sign out: the logout deletes JSESSIONID with Max-Age=0 and shows the login "
            "page. Nothing failed.", 'healthy', tz_minutes=60, day=68)
    app = 'https://hr.nordic-payroll.example'
    c.page(app + '/login', 0, 'Please sign in')
    c.add(0, 'GET', app + '/login', 200, kind='document', mime='text/html', body='<!doctype html><form method="post"></form>')
    js = opaque(32, 'npjs').upper()
    c.add(4, 'POST', app + '/login', 302, kind='document', referrer=app + '/login', body='', mime='text/html', redirect=app + '/',
          post=('application/x-www-form-urlencoded', 'username=eva&password=Payday-Nordic-2&_csrf=' + opaque(36, 'np')),
          res=[('location', app + '/'), ('set-cookie', f'JSESSIONID={js}; Path=/; Secure; HttpOnly; SameSite=Lax')])
    ck = [('cookie', f'JSESSIONID={js}')]
    c.page(app + '/', 4.2, 'Payroll')
    c.add(4.2, 'GET', app + '/', 200, kind='document', referrer=app + '/login', req=ck, mime='text/html', body=HTML.format(title='Payroll'))
    c.add(5, 'GET', app + '/api/payslips', 200, req=ck, body='[]', res=[('cache-control', 'no-cache, no-store, max-age=0, must-revalidate')])
    c.add(30, 'POST', app + '/logout', 302, kind='document', referrer=app + '/', req=ck, post=('application/x-www-form-urlencoded', '_csrf=' + opaque(36, 'np2')),
          body='', mime='text/html', redirect=app + '/login?logout',
          res=[('location', app + '/login?logout'), ('set-cookie', 'JSESSIONID=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:10 GMT; Path=/; Secure; HttpOnly; SameSite=Lax')])
    c.page(app + '/login?logout', 30.2, 'Please sign in')
    c.add(30.2, 'GET', app + '/login?logout', 200, kind='document', referrer=app + '/', mime='text/html', body='<!doctype html><p>You have been signed out</p>')
    c.save()


def h_chrome_go_api_key():
    c = cap('h-go-api-key-cloudflare.har', 'chrome', 'Go API with X-API-Key behind Cloudflare', "A dashboard calling a Go "
            "API with an API key header through Cloudflare, with revalidated (304) assets and a 1 s clock "
            "difference. Nothing fails.", 'healthy', client_skew=1.2, day=69)
    app, api = 'https://status.pingwise.example', 'https://api.pingwise.example'
    c.spa_shell(0, app, '/', 'Pingwise', res=[('server', 'cloudflare'), ('cf-ray', '8d40bb11cc22dd33-AMS')])
    c.add(0.3, 'GET', app + '/assets/logo.svg', 304, kind='image', body='', mime='image/svg+xml', req=[('if-none-match', 'W/"5e-18c"')],
          res=[('server', 'cloudflare'), ('cf-cache-status', 'REVALIDATED'), ('etag', 'W/"5e-18c"')])
    c.preflight(0.5, api + '/v1/checks', 'GET', 'x-api-key', cors_ok(app, False) + [('access-control-allow-headers', 'X-API-Key'), ('access-control-allow-methods', 'GET'), ('server', 'cloudflare')])
    for k in range(5):
        c.add(0.6 + k * 5, 'GET', api + '/v1/checks', 200, req=[('x-api-key', 'pw_live_' + opaque(32, 'pwkey'))], body='{"checks":[]}',
              res=cors_ok(app, False) + [('server', 'cloudflare'), ('cf-ray', f'8d40bb1{k}cc22dd3{k}-AMS'), ('cf-cache-status', 'DYNAMIC'), PRIVATE])
    c.save()


def h_firefox_noisy_alb():
    c = cap('h-fastapi-alb-session-noisy-firefox.har', 'firefox', 'FastAPI behind AWS ALB (authenticate-oidc session), Firefox',
            "A logged-in internal tool behind an ALB with a valid AWSELBAuthSessionCookie: 300 healthy "
            "requests.", 'healthy', tz_minutes=-480, day=70)
    app = 'https://tools.quarry-internal.example'
    c.spa_shell(0, app, '/', 'Quarry Tools', req=[('cookie', 'AWSELBAuthSessionCookie-0=' + opaque(200, 'qalb'))], res=[('server', 'awselb/2.0')])
    ck = [('cookie', 'AWSELBAuthSessionCookie-0=' + opaque(200, 'qalb'))]
    c.noise(0.5, 90, 300, app, api_calls=[(app + '/api/jobs', ck), (app + '/api/queues', ck)])
    c.save()


STORY_FUNCS = [v for k, v in list(globals().items()) if callable(v) and k.split('_')[0] in ('c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'e', 'two', 'h')]


def main():
    for f in STORY_FUNCS:
        f()
    names = [c.name for c in ALL]
    assert len(names) == len(set(names)), 'duplicate file names'
    for n in os.listdir(HERE):
        if n.endswith('.har') and n not in names:
            os.remove(os.path.join(HERE, n))
    with open(os.path.join(HERE, 'stories.json'), 'w') as f:
        json.dump({"about": "Expected root causes of the corpus captures, written by make_corpus.py before the tool "
                            "ran on them (issue 10). failures[].expected is the catalogue id the failing entry "
                            "must show first; alternates are allowed only where the catalogue has two right "
                            "answers; gaps are failures whose cause has no catalogue id (a finding is required, "
                            "they are not in the top-1 rate). Healthy captures must have no error finding.",
                   "stories": STORIES}, f, indent=1, ensure_ascii=False)
        f.write('\n')
    fails = sum(1 for s in STORIES if not s['healthy'])
    print(f"{len(STORIES)} captures: {fails} failure stories, {len(STORIES) - fails} healthy, "
          f"{sum(len(s['failures']) for s in STORIES)} graded failing entries, {sum(len(s['gaps']) for s in STORIES)} gaps")


if __name__ == '__main__':
    main()
