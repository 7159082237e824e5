#!/usr/bin/env python3
"""Writes the audit fixtures: three sign-in flows recorded as Chrome DevTools would export them.

  good-login.har          a well-configured flow: must audit clean (no error, no warning, grade A)
  bad-login.har           every problem of issue 9 §3 at least once (ids in expect.json)
  refresh-and-logout.har  a careful site: an expired access token refreshed and retried, then a
                          logout deleting the session cookie; must audit clean too

The expected ids were written (expect.json) from the flows' design before the audit ran.
Re-run after editing: python3 tests/audit/make_fixtures.py
"""
import base64, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'examples'))
import make_examples as mx  # noqa: E402  (the HAR builder the examples use)

s, jwt, b64url, epoch = mx.s, mx.jwt, mx.b64url, mx.epoch
HTML = mx.HTML


class Har(mx.Har):
    OUT_DIR = HERE


HSTS = ('strict-transport-security', 'max-age=63072000; includeSubDomains')
NO_STORE = ('cache-control', 'no-store')
SID = 'c2Vzc2lvbi1nb29kLWZsb3ctMDEyMzQ1Njc4OQ'


def access_token(minutes=10, t=0):
    now = epoch(s(t))
    return jwt({'iss': 'https://id.example.com', 'sub': 'u-1842', 'aud': 'https://api.example.com',
                'scope': 'items:read', 'iat': now, 'exp': now + minutes * 60, 'client_id': 'web'})


def good_flow(h, careful=False):
    app, api = 'https://app.example.com', 'https://api.example.com'
    p = h.page(app + '/', s(0))
    h.entry(p, s(0), 'GET', app + '/', 200, kind='document', initiator=None, mime='text/html', body=HTML,
            res_headers=[HSTS])
    # Before sign-in the app asks who the user is: a proper, uncacheable challenge.
    h.entry(p, s(0.5), 'GET', app + '/api/me', 401, kind='fetch', initiator=app + '/static/app.js',
            res_headers=[('www-authenticate', 'Bearer realm="app"'), NO_STORE, HSTS], body='{"error":"unauthenticated"}')
    h.entry(p, s(5), 'POST', app + '/login', 303, kind='document', initiator=app + '/',
            post=('application/x-www-form-urlencoded', 'username=jo&password=correct-horse-battery'),
            res_headers=[('location', '/'), HSTS, NO_STORE,
                         ('set-cookie', f'__Host-session={SID}; Path=/; Secure; HttpOnly; SameSite=Lax')],
            redirect=app + '/')
    ck = [('cookie', f'__Host-session={SID}')]
    h.entry(p, s(5.2), 'GET', app + '/', 200, kind='document', initiator=app + '/', req_headers=ck,
            mime='text/html', body=HTML, res_headers=[HSTS])
    h.entry(p, s(5.5), 'GET', app + '/api/me', 200, kind='fetch', initiator=app + '/static/app.js',
            req_headers=ck, res_headers=[NO_STORE, HSTS], body='{"user":"jo"}')
    tok = access_token(t=5.6)
    cors = [('access-control-allow-origin', app), ('access-control-allow-credentials', 'true'), ('vary', 'Origin')]
    h.entry(p, s(6), 'OPTIONS', api + '/v1/items', 204, kind='preflight', initiator=app + '/static/app.js',
            req_headers=[('access-control-request-method', 'GET'), ('access-control-request-headers', 'authorization')],
            res_headers=cors + [('access-control-allow-methods', 'GET, POST'),
                                ('access-control-allow-headers', 'Authorization, Content-Type'),
                                ('access-control-max-age', '600')])
    h.entry(p, s(6.1), 'GET', api + '/v1/items', 200, kind='fetch', initiator=app + '/static/app.js',
            req_headers=[('authorization', f'Bearer {tok}')], res_headers=cors + [NO_STORE], body='{"items":[]}')
    if not careful:
        return
    # The access token expires; the API says so; the app refreshes once and retries.
    old = access_token(minutes=10, t=-900)
    exposed = cors + [('access-control-expose-headers', 'WWW-Authenticate'), NO_STORE]
    h.entry(p, s(20), 'OPTIONS', api + '/v1/orders', 204, kind='preflight', initiator=app + '/static/app.js',
            req_headers=[('access-control-request-method', 'GET'), ('access-control-request-headers', 'authorization')],
            res_headers=cors + [('access-control-allow-methods', 'GET'),
                                ('access-control-allow-headers', 'Authorization'), ('access-control-max-age', '600')])
    h.entry(p, s(20.1), 'GET', api + '/v1/orders', 401, kind='fetch', initiator=app + '/static/app.js',
            req_headers=[('authorization', f'Bearer {old}')],
            res_headers=exposed + [('www-authenticate', 'Bearer realm="api", error="invalid_token", error_description="The access token expired"')],
            body='')
    new = access_token(t=20.3)
    h.entry(p, s(20.2), 'POST', app + '/oauth/token', 200, kind='fetch', initiator=app + '/static/app.js',
            req_headers=[('content-type', 'application/x-www-form-urlencoded')],
            post=('application/x-www-form-urlencoded', 'grant_type=refresh_token&refresh_token=rt-2f9a61&client_id=web'),
            res_headers=[NO_STORE, HSTS], body=json.dumps({'access_token': new, 'token_type': 'Bearer', 'expires_in': 600}))
    h.entry(p, s(20.4), 'GET', api + '/v1/orders', 200, kind='fetch', initiator=app + '/static/app.js',
            req_headers=[('authorization', f'Bearer {new}')], res_headers=cors + [NO_STORE], body='{"orders":[]}')
    # A deliberate logout deletes the session; the app then asks again and is told to sign in.
    h.entry(p, s(40), 'POST', app + '/logout', 303, kind='document', initiator=app + '/', req_headers=ck,
            res_headers=[('location', '/'), HSTS, NO_STORE,
                         ('set-cookie', '__Host-session=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0')],
            redirect=app + '/')
    h.entry(p, s(40.2), 'GET', app + '/', 200, kind='document', initiator=app + '/', mime='text/html', body=HTML,
            res_headers=[HSTS])
    h.entry(p, s(40.5), 'GET', app + '/api/me', 401, kind='fetch', initiator=app + '/static/app.js',
            res_headers=[('www-authenticate', 'Bearer realm="app"'), NO_STORE, HSTS], body='{"error":"unauthenticated"}')


def bad_flow():
    h = Har()
    www, api, cdn = 'https://www.badbank.example', 'https://api.badbank.example', 'https://cdn.badbank.example'
    p = h.page('http://www.badbank.example/login', s(0))
    # The login page and its form over plain http, no HSTS anywhere.
    h.entry(p, s(0), 'GET', 'http://www.badbank.example/login', 200, kind='document', initiator=None,
            mime='text/html', body=HTML)
    h.entry(p, s(4), 'POST', 'http://www.badbank.example/login', 302, kind='document',
            initiator='http://www.badbank.example/login',
            post=('application/x-www-form-urlencoded', 'username=jo&password=hunter2-bad'),
            res_headers=[('location', www + '/session'), ('set-cookie', 'PHPSESSID=pl41n; Path=/')],
            redirect=www + '/session')
    p2 = h.page(www + '/session', s(4.2))
    # The session cookie: no Secure, no HttpOnly, no SameSite, a year long, shared with every subdomain.
    h.entry(p2, s(4.2), 'POST', www + '/session', 200, kind='document', initiator='http://www.badbank.example/login',
            mime='text/html', body=HTML,
            res_headers=[('set-cookie', 'sessionid=YmFkLXNlc3Npb24tdmFsdWU; Domain=badbank.example; Path=/; Max-Age=31536000'),
                         ('set-cookie', 'remember_token=cmVtZW1iZXI; Path=/; Secure; SameSite=None; Max-Age=86400'),
                         ('set-cookie', 'sso_state=c3Nv; Path=/; SameSite=None'),
                         ('set-cookie', 'auth_token=YXV0aC10b2tlbg; Domain=badbank.example; Path=/; Secure; HttpOnly; SameSite=Lax')])
    # auth_token is shared with every subdomain but only ever goes back to www.
    h.entry(p2, s(4.6), 'GET', www + '/api/balance', 200, kind='fetch', initiator=www + '/static/app.js',
            req_headers=[('cookie', 'auth_token=YXV0aC10b2tlbg')], res_headers=[NO_STORE], body='{"balance":1}')
    ck = [('cookie', 'sessionid=YmFkLXNlc3Npb24tdmFsdWU')]
    h.entry(p2, s(5), 'GET', 'http://www.badbank.example/account', 200, kind='document', initiator=www + '/session',
            req_headers=ck, mime='text/html', body=HTML)
    # An unsigned, month-long access token, reflected CORS without Vary, reachable from any site.
    now = epoch(s(5))
    none_tok = f"{b64url({'alg': 'none', 'typ': 'JWT'})}.{b64url({'iss': 'https://badbank.example', 'sub': 'jo', 'iat': now, 'exp': now + 30 * 86400})}."
    reflect = lambda o: [('access-control-allow-origin', o), ('access-control-allow-credentials', 'true')]
    h.entry(p2, s(6), 'GET', api + '/v1/me', 200, kind='fetch', initiator=www + '/static/app.js',
            req_headers=[('authorization', f'Bearer {none_tok}')] + ck, res_headers=reflect(www), body='{"user":"jo"}')
    evil = h.page('https://evil.example/', s(7))
    h.entry(evil, s(7), 'GET', api + '/v1/me', 200, kind='fetch', initiator='https://evil.example/x.js',
            req_headers=ck, res_headers=reflect('https://evil.example'), body='{"user":"jo"}')
    # 401s: no challenge and cacheable; a challenge script cannot read, allowed to be cached.
    h.entry(p2, s(8), 'GET', api + '/v1/orders', 401, kind='fetch', initiator=www + '/static/app.js',
            res_headers=reflect(www) + [('vary', 'Origin')], body='{"message":"Unauthorized"}')
    h.entry(p2, s(8.5), 'GET', api + '/v1/cards', 401, kind='fetch', initiator=www + '/static/app.js',
            req_headers=[('authorization', 'Bearer opaque-abc123')],
            res_headers=reflect(www) + [('vary', 'Origin'), ('cache-control', 'public, max-age=300'),
                                        ('www-authenticate', 'Bearer realm="api", error="invalid_token"')], body='')
    # A credentialed wildcard, a preflight that demands credentials, an API answered by a login page.
    h.entry(p2, s(9), 'GET', cdn + '/config.json', 200, kind='fetch', initiator=www + '/static/app.js',
            req_headers=ck, res_headers=[('access-control-allow-origin', '*'), ('access-control-allow-credentials', 'true')],
            body='{}')
    h.entry(p2, s(9.5), 'OPTIONS', api + '/v1/transfer', 401, kind='preflight', initiator=www + '/static/app.js',
            req_headers=[('access-control-request-method', 'POST'), ('access-control-request-headers', 'authorization,content-type')],
            res_headers=[('www-authenticate', 'Basic realm="api"')], body='')
    h.entry(p2, s(10), 'GET', api + '/v1/profile', 302, kind='fetch', initiator=www + '/static/app.js',
            req_headers=ck, res_headers=reflect(www) + [('location', www + '/login')], redirect=www + '/login')
    # A token in the URL; the session cookie used inside a partner's page (third-party).
    h.entry(p2, s(11), 'GET', api + '/v1/export?access_token=bGVha2VkLXRva2Vu&format=csv', 200, kind='fetch',
            initiator=www + '/static/app.js', res_headers=reflect(www), body='a,b')
    # Status codes the RFCs disagree with: a scope error as 401, a missing credential as 403.
    h.entry(p2, s(11.2), 'GET', api + '/v1/admin', 401, kind='fetch', initiator=www + '/static/app.js',
            req_headers=[('authorization', 'Bearer opaque-abc123')],
            res_headers=reflect(www) + [('vary', 'Origin'), NO_STORE, ('access-control-expose-headers', 'WWW-Authenticate'),
                                        ('www-authenticate', 'Bearer realm="api", error="insufficient_scope", scope="admin"')],
            body='')
    h.entry(p2, s(11.4), 'GET', api + '/v1/statements', 403, kind='fetch', initiator=www + '/static/app.js',
            res_headers=reflect(www) + [('vary', 'Origin'), NO_STORE], body='{"error":"forbidden"}')
    # A wildcard Allow-Headers where the app sends Authorization: the actual request never leaves.
    h.entry(p2, s(11.6), 'OPTIONS', api + '/v1/search', 204, kind='preflight', initiator=www + '/static/app.js',
            req_headers=[('access-control-request-method', 'GET'), ('access-control-request-headers', 'authorization')],
            res_headers=reflect(www) + [('access-control-allow-headers', '*'), ('access-control-allow-methods', 'GET')])
    h.entry(p2, s(11.7), 'GET', api + '/v1/search?q=x', 0, kind='fetch', initiator=www + '/static/app.js',
            req_headers=[('authorization', 'Bearer opaque-abc123')], error='net::ERR_FAILED')
    # Mixed content on the (https) page: an http API call the browser blocks.
    h.entry(p2, s(11.8), 'GET', 'http://legacy.badbank.example/api/rates', 0, kind='fetch',
            initiator=www + '/static/app.js', error='net::ERR_BLOCKED_BY_CLIENT mixed-content')
    partner = h.page('https://partner.example/', s(12))
    h.entry(partner, s(12), 'GET', www + '/widget/balance', 200, kind='fetch', initiator='https://partner.example/w.js',
            req_headers=ck, res_headers=reflect('https://partner.example'), body='{"balance":1}')
    h.save('bad-login.har')


if __name__ == '__main__':
    h = Har()
    good_flow(h)
    h.save('good-login.har')
    h = Har()
    good_flow(h, careful=True)
    h.save('refresh-and-logout.har')
    bad_flow()
