#!/usr/bin/env python3
"""Writes the example HAR captures in this folder.

The captures are hand-built to look exactly like a Chrome DevTools "Export HAR" (HAR 1.2 with
pages, timings, _initiator, _resourceType, _priority, HTTP/2 pseudo-headers, request/response
cookies arrays) for made-up sites on .example and .test hosts. Each one reproduces one failure
from the catalogue (see README.md). Re-run after editing: python3 examples/make_examples.py
"""
import base64, datetime as dt, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/156.0.0.0 Safari/537.36")
T0 = dt.datetime(2026, 9, 23, 12, 0, 0, tzinfo=dt.timezone.utc)


def iso(t):
    return t.strftime('%Y-%m-%dT%H:%M:%S.') + f"{t.microsecond // 1000:03d}Z"


def http_date(t):
    return t.strftime('%a, %d %b %Y %H:%M:%S GMT')


def b64url(obj):
    raw = json.dumps(obj, separators=(',', ':')).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode()


def jwt(payload, kid='2026-09-k1'):
    sig = base64.urlsafe_b64encode(bytes(range(7, 7 + 64)) * 4).rstrip(b'=').decode()[:342]
    return f"{b64url({'alg': 'RS256', 'typ': 'at+jwt', 'kid': kid})}.{b64url(payload)}.{sig}"


def epoch(t):
    return int(t.timestamp())


class Har:
    # Where save() writes; the audit fixtures (tests/audit/make_fixtures.py) point it elsewhere.
    OUT_DIR = HERE

    def __init__(self):
        self.pages, self.entries, self.t = [], [], T0

    def page(self, url, at):
        pid = f"page_{len(self.pages) + 1}"
        self.pages.append({"startedDateTime": iso(at), "id": pid, "title": url,
                           "pageTimings": {"onContentLoad": 412.3, "onLoad": 655.8}})
        return pid

    def entry(self, page, at, method, url, status, *, kind, initiator, req_headers=(), res_headers=(),
              mime='application/json', body=None, post=None, error=None, server_date=None, status_text=None,
              redirect='', server_skew=0):
        from urllib.parse import urlsplit, parse_qsl
        u = urlsplit(url)
        site_of = lambda h: '.'.join(h.split('.')[-2:])
        page_url = next(p['title'] for p in self.pages if p['id'] == page)
        pu = urlsplit(page_url)
        if kind == 'document':
            fetch = [('sec-fetch-dest', 'document'), ('sec-fetch-mode', 'navigate'),
                     ('sec-fetch-site', 'none' if initiator is None else
                      ('same-origin' if urlsplit(initiator).netloc == u.netloc else
                       'same-site' if site_of(urlsplit(initiator).hostname) == site_of(u.hostname) else 'cross-site')),
                     ('sec-fetch-user', '?1'), ('upgrade-insecure-requests', '1')]
            accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
        else:
            rel = ('same-origin' if pu.netloc == u.netloc else
                   'same-site' if site_of(pu.hostname) == site_of(u.hostname) else 'cross-site')
            dest = {'script': 'script', 'stylesheet': 'style', 'image': 'image'}.get(kind, 'empty')
            mode = {'script': 'no-cors', 'stylesheet': 'no-cors', 'image': 'no-cors'}.get(kind, 'cors')
            if kind in ('fetch', 'xhr', 'preflight') and rel == 'same-origin':
                mode = 'cors'
            fetch = [('sec-fetch-dest', dest), ('sec-fetch-mode', mode), ('sec-fetch-site', rel)]
            accept = {'script': '*/*', 'stylesheet': 'text/css,*/*;q=0.1', 'preflight': '*/*'}.get(kind, 'application/json, text/plain, */*')
        path = u.path + (('?' + u.query) if u.query else '')
        hdrs = [(':authority', u.netloc), (':method', method), (':path', path), (':scheme', u.scheme),
                ('accept', accept), ('accept-encoding', 'gzip, deflate, br, zstd'), ('accept-language', 'en-GB,en;q=0.9')]
        hdrs += list(req_headers)
        hdrs += [('sec-ch-ua', '"Chromium";v="156", "Not)A;Brand";v="24"'), ('sec-ch-ua-mobile', '?0'),
                 ('sec-ch-ua-platform', '"Linux"')] + fetch + [('user-agent', UA)]
        if kind in ('fetch', 'xhr', 'preflight') and pu.netloc != u.netloc:
            hdrs.append(('origin', f"{pu.scheme}://{pu.netloc}"))
        if initiator and kind != 'preflight':
            hdrs.append(('referer', initiator if kind == 'document' else page_url))
        cookies = []
        for n, v in hdrs:
            if n == 'cookie':
                for c in v.split('; '):
                    k, _, val = c.partition('=')
                    cookies.append({"name": k, "value": val, "path": "/", "domain": u.hostname,
                                    "expires": "2026-10-23T12:00:00.000Z", "httpOnly": True, "secure": True})
        date = server_date or (at + dt.timedelta(seconds=server_skew))
        rh = list(res_headers)
        if status:
            rh = [('date', http_date(date))] + rh
            if body is not None and not any(n == 'content-type' for n, _ in rh):
                rh.append(('content-type', mime))
            if body is not None:
                rh.append(('content-length', str(len(body.encode()))))
        set_cookies = []
        for n, v in rh:
            if n == 'set-cookie':
                parts = v.split(';')
                k, _, val = parts[0].partition('=')
                attrs = {p.strip().split('=')[0].lower(): (p.strip().split('=', 1) + [''])[1] for p in parts[1:]}
                c = {"name": k.strip(), "value": val, "path": attrs.get('path', ''), "domain": attrs.get('domain', ''),
                     "expires": None, "httpOnly": 'httponly' in attrs, "secure": 'secure' in attrs}
                if 'samesite' in attrs:
                    c["sameSite"] = attrs['samesite']
                set_cookies.append(c)
        if initiator is None:
            init = {"type": "other"}
        elif kind == 'document':
            init = {"type": "other"} if not initiator else {"type": "parser", "url": initiator}
        elif kind == 'preflight':
            init = {"type": "preflight", "url": url}
        elif kind in ('fetch', 'xhr'):
            init = {"type": "script", "stack": {"callFrames": [
                {"functionName": "request", "scriptId": "41", "url": initiator, "lineNumber": 1841, "columnNumber": 22},
                {"functionName": "", "scriptId": "41", "url": initiator, "lineNumber": 2203, "columnNumber": 9}]}}
        else:
            init = {"type": "parser", "url": initiator, "lineNumber": 12}
        content = {"size": len(body.encode()) if body else 0, "mimeType": mime if status else "x-unknown"}
        if body is not None:
            content["text"] = body
        e = {
            "_initiator": init,
            "_priority": "VeryHigh" if kind == 'document' else "High",
            "_resourceType": kind,
            "cache": {},
            "connection": "443",
            "pageref": page,
            "request": {"method": method, "url": url, "httpVersion": "http/2.0",
                        "headers": [{"name": n, "value": v} for n, v in hdrs],
                        "queryString": [{"name": k, "value": v} for k, v in parse_qsl(u.query)],
                        "cookies": cookies, "headersSize": -1, "bodySize": len(post[1]) if post else 0},
            "response": {"status": status, "statusText": status_text if status_text is not None else "",
                         "httpVersion": "http/2.0" if status else "",
                         "headers": [{"name": n, "value": v} for n, v in rh],
                         "cookies": set_cookies, "content": content, "redirectURL": redirect,
                         "headersSize": -1, "bodySize": -1 if not status else len(body or ''),
                         "_transferSize": 0 if not status else 180 + len(body or ''), "_error": error},
            "serverIPAddress": "" if not status else "192.0.2.10",
            "startedDateTime": iso(at),
            "time": 38.512 if status else 3.1,
            "timings": {"blocked": 1.204, "dns": -1, "ssl": -1, "connect": -1, "send": 0.161,
                        "wait": 31.86 if status else 0, "receive": 5.287 if status else 0, "_blocked_queueing": 0.87},
        }
        if post:
            e["request"]["postData"] = {"mimeType": post[0], "text": post[1]}
            if post[0].startswith('application/x-www-form-urlencoded'):
                e["request"]["postData"]["params"] = [{"name": k, "value": v} for k, v in parse_qsl(post[1])]
        if kind == 'preflight':
            e["request"]["headers"] = [h for h in e["request"]["headers"] if h["name"] not in ('referer',)]
        self.entries.append(e)
        return len(self.entries) - 1

    def sanitize(self):
        """What Chrome DevTools' default "Export HAR (sanitized)" does (devtools-frontend
        models/har/Log.ts): drop Cookie and Authorization, Set-Cookie, and both cookies arrays."""
        for e in self.entries:
            e["request"]["headers"] = [h for h in e["request"]["headers"]
                                       if h["name"].lower() not in ('authorization', 'cookie')]
            e["response"]["headers"] = [h for h in e["response"]["headers"] if h["name"].lower() != 'set-cookie']
            e["request"]["cookies"] = []
            e["response"]["cookies"] = []

    def save(self, name):
        doc = {"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
                       "pages": self.pages, "entries": self.entries}}
        with open(os.path.join(self.OUT_DIR, name), 'w') as f:
            json.dump(doc, f, indent=2)
            f.write('\n')


def s(sec):
    return T0 + dt.timedelta(seconds=sec)


HTML = '<!doctype html><html><head><title>App</title><script src="/static/app.js"></script></head><body><div id="root"></div></body></html>'
JS = 'console.log("app");'


def spa_jwt_expired(sanitized=False):
    h = Har()
    app, api = 'https://app.shop.example', 'https://app.shop.example/api'
    p = h.page(app + '/orders', s(0))
    h.entry(p, s(0), 'GET', app + '/orders', 200, kind='document', initiator=None, mime='text/html', body=HTML,
            res_headers=[('cache-control', 'no-cache'), ('server', 'nginx')])
    h.entry(p, s(0.2), 'GET', app + '/static/app.js', 200, kind='script', initiator=app + '/orders',
            mime='application/javascript', body=JS, res_headers=[('cache-control', 'max-age=31536000, immutable')])
    claims = {"iss": "https://id.shop.example/", "sub": "user-4711", "aud": "https://app.shop.example/api",
              "scope": "orders:read profile", "iat": epoch(s(-3600 + 191)), "exp": epoch(s(191)), "jti": "b1f0c9"}
    tok = jwt(claims)
    auth = ('authorization', f'Bearer {tok}')
    h.entry(p, s(0.5), 'GET', api + '/profile', 200, kind='fetch', initiator=app + '/static/app.js',
            req_headers=[auth], body='{"id":"user-4711","name":"Alex"}',
            res_headers=[('cache-control', 'private, no-store'), ('vary', 'Authorization')])
    # The tab stays open; the token expires at 12:03:11 and the app keeps using it.
    h.entry(p, s(382.4), 'GET', api + '/orders?page=2', 401, kind='fetch', initiator=app + '/static/app.js',
            req_headers=[auth], server_date=s(383),
            body='{"error":"invalid_token","error_description":"The token expired at \'09/23/2026 12:03:11\'"}',
            res_headers=[('www-authenticate', 'Bearer realm="shop-api", error="invalid_token", '
                                              'error_description="The token expired at \'09/23/2026 12:03:11\'"'),
                         ('cache-control', 'no-store')])
    if sanitized:
        h.sanitize()
        h.save('spa-jwt-expired-sanitized.har')
    else:
        h.save('spa-jwt-expired.har')


def cross_site_cookie_samesite_lax():
    h = Har()
    idp, dash, api = 'https://api.acmecloud.test', 'https://dashboard.acme.example', 'https://api.acmecloud.test/v1'
    p1 = h.page(idp + '/login', s(0))
    h.entry(p1, s(0), 'GET', idp + '/login?return_to=https%3A%2F%2Fdashboard.acme.example%2F', 200, kind='document',
            initiator=dash + '/', mime='text/html', body='<!doctype html><form method="post" action="/login">…</form>')
    h.entry(p1, s(9), 'POST', idp + '/login', 302, kind='document', initiator=idp + '/login',
            post=('application/x-www-form-urlencoded', 'email=alex%40acme.example&password=correct-horse-battery'),
            res_headers=[('location', 'https://dashboard.acme.example/'),
                         ('set-cookie', 'acme_session=s%3A7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b; Path=/; Max-Age=86400; Secure; HttpOnly; SameSite=Lax'),
                         ('cache-control', 'no-store')],
            redirect='https://dashboard.acme.example/', mime='text/html', body='')
    p2 = h.page(dash + '/', s(9.2))
    h.entry(p2, s(9.2), 'GET', dash + '/', 200, kind='document', initiator=idp + '/login', mime='text/html', body=HTML)
    h.entry(p2, s(9.4), 'GET', dash + '/static/app.js', 200, kind='script', initiator=dash + '/',
            mime='application/javascript', body=JS)
    cors = [('access-control-allow-origin', dash), ('access-control-allow-credentials', 'true'), ('vary', 'Origin')]
    h.entry(p2, s(9.7), 'GET', api + '/me', 401, kind='fetch', initiator=dash + '/static/app.js',
            body='{"error":"not_authenticated","message":"No session"}',
            res_headers=cors + [('cache-control', 'no-store')])
    h.save('cross-site-cookie-samesite-lax.har')


def cors_error_masks_401():
    h = Har()
    app, api = 'https://portal.example', 'https://api.portal-backend.test'
    p = h.page(app + '/', s(0))
    h.entry(p, s(0), 'GET', app + '/', 200, kind='document', initiator=None, mime='text/html', body=HTML)
    h.entry(p, s(0.2), 'GET', app + '/static/app.js', 200, kind='script', initiator=app + '/',
            mime='application/javascript', body=JS)
    tok = jwt({"iss": "https://login.portal.example/", "sub": "u-17", "aud": "portal-web",
               "iat": epoch(s(-600)), "exp": epoch(s(3000)), "scope": "profile"})
    h.entry(p, s(0.5), 'OPTIONS', api + '/v2/profile', 204, kind='preflight', initiator=None,
            req_headers=[('access-control-request-method', 'GET'), ('access-control-request-headers', 'authorization')],
            res_headers=[('access-control-allow-origin', app), ('access-control-allow-methods', 'GET, POST, PUT, DELETE'),
                         ('access-control-allow-headers', 'Authorization, Content-Type'),
                         ('access-control-max-age', '600'), ('vary', 'Origin')], body=None)
    h.entry(p, s(0.6), 'GET', api + '/v2/profile', 401, kind='fetch', initiator=app + '/static/app.js',
            req_headers=[('authorization', f'Bearer {tok}')], error='net::ERR_FAILED',
            body='{"message":"Unauthorized"}',
            res_headers=[('www-authenticate', 'Bearer realm="portal-api", error="invalid_token", '
                                              'error_description="The audience \'portal-web\' is invalid"'),
                         ('server', 'nginx')])
    h.save('cors-error-masks-401.har')


def cors_preflight_blocked_by_auth():
    h = Har()
    app, api = 'https://app.example', 'https://api.widgets.test'
    p = h.page(app + '/widgets/42', s(0))
    h.entry(p, s(0), 'GET', app + '/widgets/42', 200, kind='document', initiator=None, mime='text/html', body=HTML)
    h.entry(p, s(0.2), 'GET', app + '/static/app.js', 200, kind='script', initiator=app + '/widgets/42',
            mime='application/javascript', body=JS)
    h.entry(p, s(4.0), 'OPTIONS', api + '/items/42', 401, kind='preflight', initiator=None,
            req_headers=[('access-control-request-method', 'PUT'),
                         ('access-control-request-headers', 'authorization,content-type')],
            res_headers=[('www-authenticate', 'Basic realm="widgets-internal"'), ('server', 'nginx'),
                         ('content-type', 'text/html')], mime='text/html', error='net::ERR_FAILED',
            body='<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n')
    h.entry(p, s(4.1), 'PUT', api + '/items/42', 0, kind='fetch', initiator=app + '/static/app.js',
            req_headers=[('authorization', 'Bearer 3q2+7wAAAAAAAAAAWidgetToken0042'), ('content-type', 'application/json')],
            post=('application/json', '{"name":"Blue widget","qty":3}'), error='net::ERR_FAILED', body=None)
    h.save('cors-preflight-blocked-by-auth.har')


def login_samesite_none_insecure():
    h = Har()
    app = 'https://support.helpdesk.example'
    p = h.page(app + '/login', s(0))
    h.entry(p, s(0), 'GET', app + '/login', 200, kind='document', initiator=None, mime='text/html',
            body='<!doctype html><form method="post" action="/login"><input name="username"><input name="password" type="password"></form>')
    h.entry(p, s(6), 'POST', app + '/login', 302, kind='document', initiator=app + '/login',
            post=('application/x-www-form-urlencoded', 'username=sam&password=Tr0ub4dor%263'),
            res_headers=[('location', '/tickets'),
                         ('set-cookie', 'hd_session=9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d; Path=/; HttpOnly; SameSite=None'),
                         ('cache-control', 'no-store')],
            redirect=app + '/tickets', mime='text/html', body='')
    p2 = h.page(app + '/tickets', s(6.1))
    h.entry(p2, s(6.1), 'GET', app + '/tickets', 302, kind='document', initiator=app + '/login',
            res_headers=[('location', '/login?next=%2Ftickets'), ('cache-control', 'no-store')],
            redirect=app + '/login?next=%2Ftickets', mime='text/html', body='')
    h.entry(p2, s(6.2), 'GET', app + '/login?next=%2Ftickets', 200, kind='document', initiator=app + '/login',
            mime='text/html', body='<!doctype html><form method="post" action="/login">…</form>')
    h.save('login-samesite-none-insecure.har')


def cookie_default_path_too_narrow():
    h = Har()
    app = 'https://notes.example'
    p = h.page(app + '/', s(0))
    h.entry(p, s(0), 'GET', app + '/', 200, kind='document', initiator=None, mime='text/html', body=HTML)
    h.entry(p, s(0.2), 'GET', app + '/static/app.js', 200, kind='script', initiator=app + '/',
            mime='application/javascript', body=JS)
    h.entry(p, s(5), 'POST', app + '/api/auth/login', 200, kind='fetch', initiator=app + '/static/app.js',
            req_headers=[('content-type', 'application/json')],
            post=('application/json', '{"email":"kim@notes.example","password":"s3cure-Passw0rd"}'),
            res_headers=[('set-cookie', 'notes_sid=Fe26.2**0cdd607945dd1dffb7da0b0bf5f1a7daa6218cbae14cac51dcbd91fb077aeb5f; Secure; HttpOnly; SameSite=Lax'),
                         ('cache-control', 'no-store')], body='{"ok":true,"user":{"id":91,"email":"kim@notes.example"}}')
    h.entry(p, s(5.3), 'GET', app + '/api/auth/session', 200, kind='fetch', initiator=app + '/static/app.js',
            req_headers=[('cookie', 'notes_sid=Fe26.2**0cdd607945dd1dffb7da0b0bf5f1a7daa6218cbae14cac51dcbd91fb077aeb5f')],
            body='{"authenticated":true}')
    h.entry(p, s(5.6), 'GET', app + '/api/notes?limit=20', 401, kind='fetch', initiator=app + '/static/app.js',
            body='{"error":"unauthorized","message":"Login required"}',
            res_headers=[('cache-control', 'no-store')])
    h.save('cookie-default-path-too-narrow.har')


def healthy_flow():
    h = Har()
    app = 'https://crm.example'
    p = h.page(app + '/login', s(0))
    h.entry(p, s(0), 'GET', app + '/login', 200, kind='document', initiator=None, mime='text/html', body=HTML)
    h.entry(p, s(0.2), 'GET', app + '/static/app.js', 200, kind='script', initiator=app + '/login',
            mime='application/javascript', body=JS)
    h.entry(p, s(4), 'POST', app + '/api/session', 200, kind='fetch', initiator=app + '/static/app.js',
            req_headers=[('content-type', 'application/json')],
            post=('application/json', '{"username":"jo","password":"another-secret-1"}'),
            res_headers=[('set-cookie', '__Host-crm_sid=c2VydmVyLXNpZGUtc2Vzc2lvbi0xMjM0NTY3ODkw; Path=/; Max-Age=28800; Secure; HttpOnly; SameSite=Lax'),
                         ('cache-control', 'no-store')], body='{"ok":true}')
    ck = [('cookie', '__Host-crm_sid=c2VydmVyLXNpZGUtc2Vzc2lvbi0xMjM0NTY3ODkw')]
    for i, path in enumerate(['/api/me', '/api/accounts?owner=me', '/api/pipeline/summary']):
        h.entry(p, s(4.3 + i * 0.2), 'GET', app + path, 200, kind='fetch', initiator=app + '/static/app.js',
                req_headers=ck, body='{"ok":true}', res_headers=[('cache-control', 'private, no-store')])
    h.save('healthy-flow.har')


if __name__ == '__main__':
    spa_jwt_expired()
    spa_jwt_expired(sanitized=True)
    cross_site_cookie_samesite_lax()
    cors_error_masks_401()
    cors_preflight_blocked_by_auth()
    login_samesite_none_insecure()
    cookie_default_path_too_narrow()
    healthy_flow()
