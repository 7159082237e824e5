#!/usr/bin/env python3
"""Writes the golden scenarios of the CORS / cache / transport rules (f-cors, g-cache-proxy, i-transport).

Run from anywhere: `python3 tests/scenarios/f-cors/generate.py`. Each scenario is a positive case or a near miss
for one id; edit here and re-run rather than editing the JSON by hand.
"""
import json, os
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = 'https://app.example.com/dashboard'
ORIGIN = 'https://app.example.com'
API = 'https://api.example.net/v1/orders'

def H(*pairs):
    return [{"name": n, "value": v} for n, v in pairs]

def ex(method, url, status, req=(), res=(), **kw):
    e = {"method": method, "url": url, "status": status, "requestHeaders": H(*req), "responseHeaders": H(*res),
         "pageUrl": PAGE, "initiator": ORIGIN, "resourceType": "preflight" if method == "OPTIONS" else "fetch",
         "startedMs": 1790000000000}
    e.update(kw)
    return e

def pre(url=API, method="GET", hdrs="authorization", status=204, res=()):
    req = [("Origin", ORIGIN), ("Access-Control-Request-Method", method), ("Sec-Fetch-Mode", "cors")]
    if hdrs:
        req.append(("Access-Control-Request-Headers", hdrs))
    return ex("OPTIONS", url, status, req, res)

def cors_req(*extra, cookie=False):
    r = [("Origin", ORIGIN), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty"), ("Sec-Fetch-Site", "cross-site"),
         ("Accept", "application/json")]
    if cookie:
        r.append(("Cookie", "session=s%3Aabc123def456"))
    r.extend(extra)
    return r

GOOD_CRED = [("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Credentials", "true"), ("Vary", "Origin")]
BEARER = ("Authorization", "Bearer opaque-access-token-7f3a9c")

def write(group, name, title, exchanges, expect):
    doc = {"title": title, "capture": {"exchanges": exchanges}, "expect": expect}
    with open(os.path.join(ROOT, group, name + ".json"), "w") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")

F, G, I = "f-cors", "g-cache-proxy", "i-transport"
blocked = dict(error="net::ERR_FAILED")

# ---- cors-error-masks-401
write(F, "masks-401", "401 without CORS headers: the page only sees a CORS error",
      [ex("GET", API, 401, cors_req(BEARER), [("www-authenticate", 'Bearer error="invalid_token"'), ("content-type", "application/json")], **blocked)],
      [{"entry": 0, "includes": ["cors-error-masks-401"], "excludes": ["cors-allow-origin-missing"]}])
write(F, "masks-401-near-miss", "401 that carries correct CORS headers is not masked",
      [ex("GET", API, 401, cors_req(BEARER, cookie=True), [("www-authenticate", 'Bearer error="invalid_token"'), *GOOD_CRED,
          ("Access-Control-Expose-Headers", "WWW-Authenticate")])],
      [{"entry": 0, "excludes": ["cors-error-masks-401", "cors-allow-origin-missing", "cors-challenge-headers-not-exposed"]}])
write(F, "masks-403-har-reported", "Chrome-reported MissingAllowOriginHeader on a 403",
      [ex("DELETE", API + "/42", 403, cors_req(BEARER), [("content-type", "application/json")],
          corsError={"corsError": "MissingAllowOriginHeader", "failedParameter": ""}, error="net::ERR_FAILED")],
      [{"entry": 0, "includes": ["cors-error-masks-401"], "excludes": ["cors-allow-origin-missing"]}])

# ---- cors-preflight-blocked-by-auth
write(F, "preflight-blocked-by-auth", "Basic-auth gate answers the OPTIONS preflight with 401",
      [pre(status=401, res=[("WWW-Authenticate", 'Basic realm="Restricted"'), ("Server", "nginx"), ("Content-Type", "text/html")]),
       ex("GET", API, 0, cors_req(BEARER), [], **blocked)],
      [{"entry": 1, "first": "cors-preflight-blocked-by-auth", "excludes": ["cors-preflight-bad-status", "cors-allow-origin-missing"]},
       {"entry": 0, "excludes": ["cors-preflight-blocked-by-auth"]}])
write(F, "preflight-blocked-by-auth-orphan", "HAR with only the failed preflight (403 from the auth proxy)",
      [pre(method="PUT", hdrs="authorization,content-type", status=403, res=[("Content-Type", "text/plain")])],
      [{"entry": 0, "first": "cors-preflight-blocked-by-auth"}])
write(F, "preflight-blocked-by-auth-near-miss", "Preflight passes; the actual request gets a CORS-enabled 401",
      [pre(res=[*GOOD_CRED, ("Access-Control-Allow-Headers", "Authorization")]),
       ex("GET", API, 401, cors_req(BEARER, cookie=True), [("WWW-Authenticate", 'Bearer error="invalid_token"'), *GOOD_CRED])],
      [{"entry": 1, "excludes": ["cors-preflight-blocked-by-auth", "cors-preflight-bad-status"]}])

# ---- cors-preflight-bad-status
write(F, "preflight-bad-status", "No OPTIONS route: the preflight gets 405",
      [pre(method="PUT", hdrs="authorization,content-type", status=405, res=[("Allow", "GET, POST, PUT"), ("Content-Type", "application/json")]),
       ex("PUT", API, 0, cors_req(BEARER, ("Content-Type", "application/json")), [], **blocked)],
      [{"entry": 1, "first": "cors-preflight-bad-status", "excludes": ["cors-preflight-blocked-by-auth"]}])
write(F, "preflight-bad-status-near-miss", "Preflight 403 from the auth layer is blocked-by-auth, not bad-status",
      [pre(status=403, res=[("Content-Type", "application/json")]), ex("GET", API, 0, cors_req(BEARER), [], **blocked)],
      [{"entry": 1, "first": "cors-preflight-blocked-by-auth", "excludes": ["cors-preflight-bad-status"]}])

# ---- cors-authorization-not-allowed
write(F, "authorization-not-allowed", "Credentialed request: Access-Control-Allow-Headers * does not cover Authorization",
      [pre(res=[*GOOD_CRED, ("Access-Control-Allow-Headers", "*"), ("Access-Control-Allow-Methods", "GET, POST")]),
       ex("GET", API, 0, cors_req(BEARER, cookie=True), [], **blocked)],
      [{"entry": 1, "first": "cors-authorization-not-allowed", "excludes": ["cors-request-header-not-allowed"]}])
write(F, "authorization-not-allowed-predictive", "Without credentials Chromium lets * cover Authorization; the standard does not",
      [pre(res=[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Headers", "*")]),
       ex("GET", API, 200, cors_req(BEARER), [("Access-Control-Allow-Origin", "*"), ("Content-Type", "application/json")])],
      [{"entry": 1, "includes": ["cors-authorization-not-allowed"], "excludes": ["cors-wildcard-with-credentials"]}])
write(F, "authorization-not-allowed-near-miss", "Authorization listed by name",
      [pre(res=[*GOOD_CRED, ("Access-Control-Allow-Headers", "authorization, content-type")]),
       ex("GET", API, 0, cors_req(BEARER, cookie=True), [], **blocked)],
      [{"entry": 1, "excludes": ["cors-authorization-not-allowed", "cors-request-header-not-allowed"]}])

# ---- cors-request-header-not-allowed
write(F, "request-header-not-allowed", "X-Api-Key missing from Access-Control-Allow-Headers",
      [pre(hdrs="x-api-key", res=[("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Headers", "Content-Type")]),
       ex("GET", API, 0, cors_req(("X-Api-Key", "k-123456789")), [], **blocked)],
      [{"entry": 1, "first": "cors-request-header-not-allowed", "excludes": ["cors-authorization-not-allowed"]}])
write(F, "request-header-not-allowed-near-miss", "Access-Control-Allow-Headers * covers X-Api-Key without credentials",
      [pre(hdrs="x-api-key", res=[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Headers", "*")]),
       ex("GET", API, 401, cors_req(("X-Api-Key", "k-123456789")), [("Access-Control-Allow-Origin", "*"), ("Content-Type", "application/json")])],
      [{"entry": 1, "excludes": ["cors-request-header-not-allowed", "cors-error-masks-401"]}])

# ---- cors-method-not-allowed
M = API + "/42"
write(F, "method-not-allowed", "PATCH not listed in Access-Control-Allow-Methods",
      [pre(url=M, method="PATCH", hdrs="authorization,content-type", res=[*GOOD_CRED, ("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE"),
          ("Access-Control-Allow-Headers", "Authorization, Content-Type")]),
       ex("PATCH", M, 0, cors_req(BEARER, ("Content-Type", "application/json"), cookie=True), [], **blocked)],
      [{"entry": 1, "first": "cors-method-not-allowed"}])
write(F, "method-not-allowed-case", "Allow-Methods lists `patch` in lower case; methods match case-sensitively",
      [pre(url=M, method="PATCH", hdrs="authorization", res=[("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Methods", "get, post, patch"),
          ("Access-Control-Allow-Headers", "Authorization")]),
       ex("PATCH", M, 0, cors_req(BEARER), [], **blocked)],
      [{"entry": 1, "first": "cors-method-not-allowed"}])
write(F, "method-not-allowed-near-miss", "PATCH listed",
      [pre(url=M, method="PATCH", hdrs="authorization,content-type", res=[*GOOD_CRED, ("Access-Control-Allow-Methods", "GET, POST, PATCH"),
          ("Access-Control-Allow-Headers", "Authorization, Content-Type")]),
       ex("PATCH", M, 204, cors_req(BEARER, ("Content-Type", "application/json"), cookie=True), GOOD_CRED)],
      [{"entry": 1, "excludes": ["cors-method-not-allowed"]}])

# ---- cors-wildcard-with-credentials
write(F, "wildcard-with-credentials", "Cookie-carrying request answered with Access-Control-Allow-Origin: *",
      [ex("GET", API, 200, cors_req(cookie=True), [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true"),
          ("Content-Type", "application/json")], **blocked)],
      [{"entry": 0, "first": "cors-wildcard-with-credentials", "excludes": ["cors-allow-origin-mismatch"]}])
write(F, "wildcard-with-credentials-reported", "Chrome HAR: status 0 with WildcardOriginNotAllowed",
      [ex("GET", API, 0, cors_req(), [], corsError={"corsError": "WildcardOriginNotAllowed", "failedParameter": "*"}, error="net::ERR_FAILED")],
      [{"entry": 0, "first": "cors-wildcard-with-credentials"}])
write(F, "wildcard-with-credentials-near-miss", "Access-Control-Allow-Origin: * on a request without credentials",
      [ex("GET", API, 404, cors_req(), [("Access-Control-Allow-Origin", "*"), ("Content-Type", "application/json")])],
      [{"entry": 0, "excludes": ["cors-wildcard-with-credentials", "cors-allow-origin-mismatch"]}])

# ---- cors-allow-credentials-invalid
write(F, "allow-credentials-invalid", "Access-Control-Allow-Credentials: True (capitalised)",
      [ex("POST", API, 201, cors_req(("Content-Type", "text/plain"), cookie=True), [("Access-Control-Allow-Origin", ORIGIN),
          ("Access-Control-Allow-Credentials", "True"), ("Vary", "Origin")], **blocked)],
      [{"entry": 0, "first": "cors-allow-credentials-invalid"}])
write(F, "allow-credentials-invalid-near-miss", "Access-Control-Allow-Credentials: true",
      [ex("POST", API, 400, cors_req(("Content-Type", "text/plain"), cookie=True), GOOD_CRED)],
      [{"entry": 0, "excludes": ["cors-allow-credentials-invalid"]}])

# ---- cors-allow-origin-mismatch
write(F, "allow-origin-mismatch", "Access-Control-Allow-Origin has a trailing slash",
      [ex("GET", API, 200, cors_req(), [("Access-Control-Allow-Origin", ORIGIN + "/"), ("Vary", "Origin")], **blocked)],
      [{"entry": 0, "first": "cors-allow-origin-mismatch", "excludes": ["cors-allow-origin-malformed"]}])
write(F, "allow-origin-mismatch-staging", "Configured for the staging front-end",
      [ex("GET", API, 200, cors_req(), [("access-control-allow-origin", "https://staging.example.com")], **blocked)],
      [{"entry": 0, "first": "cors-allow-origin-mismatch"}])
write(F, "allow-origin-mismatch-near-miss", "Exact origin echoed",
      [ex("GET", API, 400, cors_req(), [("Access-Control-Allow-Origin", ORIGIN), ("Vary", "Origin")])],
      [{"entry": 0, "excludes": ["cors-allow-origin-mismatch", "cors-vary-origin-missing"]}])

# ---- cors-allow-origin-missing
write(F, "allow-origin-missing", "A 200 without any CORS headers",
      [ex("GET", API, 200, cors_req(), [("Content-Type", "application/json"), ("Server", "gunicorn")], **blocked)],
      [{"entry": 0, "first": "cors-allow-origin-missing", "excludes": ["cors-error-masks-401"]}])
write(F, "allow-origin-missing-near-miss-401", "The same missing header on a 401 is the 401 mask, not this id",
      [ex("GET", API, 401, cors_req(BEARER), [("Content-Type", "application/json")], **blocked)],
      [{"entry": 0, "includes": ["cors-error-masks-401"], "excludes": ["cors-allow-origin-missing"]}])
write(F, "allow-origin-missing-near-miss-same-origin", "Same-origin API call needs no CORS headers",
      [ex("GET", "https://app.example.com/api/orders", 200, [("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Site", "same-origin"), ("Sec-Fetch-Dest", "empty"), BEARER],
          [("Content-Type", "application/json")])],
      [{"entry": 0, "excludes": ["cors-allow-origin-missing", "cors-error-masks-401"]}])

# ---- cors-vary-origin-missing
write(F, "vary-origin-missing", "Reflected origin served from the CDN cache without Vary: Origin",
      [ex("GET", API, 200, cors_req(cookie=True), [*GOOD_CRED[:2], ("Cache-Control", "public, max-age=300"), ("cf-cache-status", "HIT"),
          ("Age", "42"), ("Content-Type", "application/json")])],
      [{"entry": 0, "includes": ["cors-vary-origin-missing"]}])
write(F, "vary-origin-missing-other-origin", "A cached copy carries another origin's Access-Control-Allow-Origin",
      [ex("GET", API, 200, cors_req(), [("Access-Control-Allow-Origin", "https://admin.example.com"), ("X-Cache", "Hit from cloudfront"),
          ("Age", "120")], **blocked)],
      [{"entry": 0, "first": "cors-allow-origin-mismatch", "includes": ["cors-vary-origin-missing"]}])
write(F, "vary-origin-missing-near-miss", "Vary: Origin present",
      [ex("GET", API, 200, cors_req(cookie=True), [*GOOD_CRED, ("Cache-Control", "public, max-age=300"), ("cf-cache-status", "HIT")])],
      [{"entry": 0, "excludes": ["cors-vary-origin-missing"]}])

# ---- cors-redirect-to-login
LOGIN = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?client_id=abc&response_type=code&redirect_uri=https%3A%2F%2Fapi.example.net%2Fsignin-oidc"
write(F, "redirect-to-login", "Expired session: the API redirects the XHR to Entra ID",
      [ex("GET", API, 302, cors_req(cookie=True), [("Location", LOGIN), *GOOD_CRED]),
       ex("GET", LOGIN, 0, [("Origin", "null"), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty"), ("Sec-Fetch-Site", "cross-site")], [], **blocked)],
      [{"entry": 1, "first": "cors-redirect-to-login", "excludes": ["cors-origin-null"]},
       {"entry": 0, "excludes": ["cors-redirect-to-login"]}])
write(F, "redirect-to-login-oauth2-proxy", "oauth2-proxy sends the API call to /oauth2/start",
      [ex("GET", API, 302, cors_req(cookie=True), [("Location", "https://api.example.net/oauth2/start?rd=%2Fv1%2Forders"), ("Set-Cookie", "_oauth2_proxy_csrf=x; Path=/; Secure")])],
      [{"entry": 0, "first": "cors-redirect-to-login", "includes": ["auth-proxy-redirects-api"]}])
write(F, "redirect-to-login-near-miss", "A page navigation redirected to the login page is normal",
      [dict(ex("GET", API, 302, [("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "document"), ("Sec-Fetch-Site", "cross-site")], [("Location", LOGIN)]), resourceType="main_frame")],
      [{"entry": 0, "excludes": ["cors-redirect-to-login"]}])

# ---- cors-challenge-headers-not-exposed
write(F, "challenge-headers-not-exposed", "CORS-enabled 401 whose WWW-Authenticate script cannot read",
      [ex("GET", API, 401, cors_req(BEARER, cookie=True), [("WWW-Authenticate", 'Bearer error="invalid_token", error_description="expired"'), *GOOD_CRED])],
      [{"entry": 0, "includes": ["cors-challenge-headers-not-exposed"], "excludes": ["cors-error-masks-401"]}])
write(F, "challenge-headers-not-exposed-near-miss", "WWW-Authenticate listed in Access-Control-Expose-Headers",
      [ex("GET", API, 401, cors_req(BEARER, cookie=True), [("WWW-Authenticate", 'Bearer error="invalid_token"'), *GOOD_CRED,
          ("Access-Control-Expose-Headers", "WWW-Authenticate, DPoP-Nonce")])],
      [{"entry": 0, "excludes": ["cors-challenge-headers-not-exposed"]}])

# ---- healthy
write(F, "healthy-credentialed-cors", "A healthy credentialed CORS exchange produces nothing",
      [pre(res=[*GOOD_CRED, ("Access-Control-Allow-Headers", "Authorization, Content-Type"), ("Access-Control-Allow-Methods", "GET, POST, PUT"),
          ("Access-Control-Max-Age", "600")]),
       ex("GET", API, 200, cors_req(BEARER, cookie=True), [*GOOD_CRED, ("Cache-Control", "private, no-store"), ("Content-Type", "application/json")])],
      [{"entry": 0, "ids": []}, {"entry": 1, "ids": []}])

# ===== G
write(G, "cached-401-served", "CloudFront serves a cached 401",
      [ex("GET", API, 401, cors_req(BEARER, cookie=True), [("WWW-Authenticate", 'Bearer realm="api", error="invalid_token"'), *GOOD_CRED,
          ("Access-Control-Expose-Headers", "WWW-Authenticate"), ("Cache-Control", "max-age=600"), ("Age", "187"), ("X-Cache", "Hit from cloudfront"),
          ("Via", "1.1 abc.cloudfront.net (CloudFront)")])],
      [{"entry": 0, "first": "cached-401-served", "includes": ["auth-failure-cacheable"]}])
write(G, "cached-401-served-disk", "401 from the browser's disk cache",
      [dict(ex("GET", API, 401, cors_req(BEARER), [("WWW-Authenticate", 'Bearer realm="api", error="invalid_token"'), ("Access-Control-Allow-Origin", "*"),
          ("Expires", "Thu, 01 Jan 2037 00:00:00 GMT"), ("Date", "Wed, 23 Sep 2026 12:00:00 GMT")]), fromCache="disk")],
      [{"entry": 0, "first": "cached-401-served"}])
write(G, "cached-401-served-near-miss", "A fresh 401 from the origin (cache miss, no-store)",
      [ex("GET", API, 401, cors_req(BEARER, cookie=True), [("WWW-Authenticate", 'Bearer realm="api"'), *GOOD_CRED,
          ("Cache-Control", "no-store"), ("Age", "0"), ("X-Cache", "Miss from cloudfront")])],
      [{"entry": 0, "excludes": ["cached-401-served", "auth-failure-cacheable"]}])
write(G, "auth-failure-cacheable", "403 marked public, max-age=3600",
      [ex("GET", API, 403, cors_req(BEARER, cookie=True), [*GOOD_CRED, ("Cache-Control", "public, max-age=3600"), ("Content-Type", "application/json")])],
      [{"entry": 0, "includes": ["auth-failure-cacheable"], "excludes": ["cached-401-served"]}])
write(G, "auth-failure-cacheable-near-miss", "401 with private, max-age=0",
      [ex("GET", API, 401, cors_req(BEARER, cookie=True), [("WWW-Authenticate", 'Bearer realm="api"'), *GOOD_CRED, ("Cache-Control", "private, max-age=0")])],
      [{"entry": 0, "excludes": ["auth-failure-cacheable"]}])
write(G, "waf-block-cloudflare-challenge", "Cloudflare managed challenge answers an API call",
      [ex("POST", API, 403, cors_req(BEARER, ("Content-Type", "application/json"), cookie=True),
          [("cf-mitigated", "challenge"), ("Server", "cloudflare"), ("Content-Type", "text/html; charset=UTF-8"), ("cf-ray", "8c1f2e3d4a5b6c7d-FRA"), *GOOD_CRED],
          responseBody="<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>")],
      [{"entry": 0, "first": "waf-block-masquerading"}])
write(G, "waf-block-akamai", "Akamai 'Access Denied' page",
      [ex("GET", API, 403, cors_req(BEARER), [("Server", "AkamaiGHost"), ("Content-Type", "text/html"), ("Access-Control-Allow-Origin", ORIGIN)],
          responseBody="<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>You don't have permission to access this server.<P>Reference&#32;&#35;18&#46;4f2c1002&#46;1700000000&#46;1a2b3c</BODY></HTML>")],
      [{"entry": 0, "first": "waf-block-masquerading"}])
write(G, "waf-block-near-miss", "The application's own 403 with a Bearer challenge",
      [ex("GET", API, 403, cors_req(BEARER, cookie=True), [("WWW-Authenticate", 'Bearer error="insufficient_scope", scope="orders:read"'),
          ("Server", "cloudflare"), ("cf-ray", "8c1f2e3d4a5b6c7d-FRA"), ("Content-Type", "application/json"), *GOOD_CRED],
          responseBody='{"error":"insufficient_scope"}')],
      [{"entry": 0, "excludes": ["waf-block-masquerading"]}])

# ===== I
write(I, "mixed-content-blocked", "https page calls an http API (blocked by the browser)",
      [ex("GET", "http://api.example.net/v1/orders", 0, [("Accept", "application/json"), BEARER], [], error="net::ERR_BLOCKED_BY_CLIENT:mixed-content")],
      [{"entry": 0, "first": "mixed-content-blocked"}])
write(I, "mixed-content-blocked-inferred", "https page, http API, status 0 without a reason",
      [ex("POST", "http://10.0.0.12:8080/login", 0, [("Content-Type", "application/json")], [])],
      [{"entry": 0, "first": "mixed-content-blocked"}])
write(I, "mixed-content-near-miss", "http://localhost is potentially trustworthy",
      [ex("GET", "http://localhost:8080/v1/orders", 401, [("Origin", ORIGIN), ("Sec-Fetch-Mode", "cors"), BEARER],
          [("WWW-Authenticate", 'Bearer realm="dev"'), ("Access-Control-Allow-Origin", ORIGIN)])],
      [{"entry": 0, "excludes": ["mixed-content-blocked", "credentials-over-cleartext"]}])
write(I, "credentials-over-cleartext", "Basic credentials over plain http",
      [dict(ex("GET", "http://intranet.example.org/reports", 401, [("Authorization", "Basic YWxpY2U6c2VjcmV0")],
          [("WWW-Authenticate", 'Basic realm="Reports"')]), pageUrl="http://intranet.example.org/", initiator="http://intranet.example.org")],
      [{"entry": 0, "includes": ["credentials-over-cleartext"], "excludes": ["mixed-content-blocked"]}])
write(I, "credentials-over-cleartext-near-miss", "The same request over https",
      [dict(ex("GET", "https://intranet.example.org/reports", 401, [("Authorization", "Basic YWxpY2U6c2VjcmV0")],
          [("WWW-Authenticate", 'Basic realm="Reports"')]), pageUrl="https://intranet.example.org/", initiator="https://intranet.example.org")],
      [{"entry": 0, "excludes": ["credentials-over-cleartext"]}])

# ===== Tier 2
write(F, "t2-preflight-redirect", "Preflight answered with a trailing-slash redirect",
      [pre(status=301, res=[("Location", API + "/")]), ex("GET", API, 0, cors_req(BEARER), [], **blocked)],
      [{"entry": 1, "first": "cors-preflight-redirect", "excludes": ["cors-preflight-bad-status"]}])
write(F, "t2-allow-list-unparseable", "Access-Control-Allow-Headers with a quoted item",
      [pre(hdrs="authorization", res=[("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Headers", '"Authorization", Content-Type')]),
       ex("GET", API, 0, cors_req(BEARER), [], **blocked)],
      [{"entry": 1, "first": "cors-allow-list-unparseable", "excludes": ["cors-authorization-not-allowed"]}])
write(F, "t2-allow-origin-malformed", "Proxy and app each add Access-Control-Allow-Origin",
      [ex("GET", API, 200, cors_req(), [("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Origin", ORIGIN)], **blocked)],
      [{"entry": 0, "first": "cors-allow-origin-malformed", "excludes": ["cors-allow-origin-mismatch"]}])
write(F, "t2-allow-origin-pattern", "A wildcard pattern in Access-Control-Allow-Origin",
      [ex("GET", API, 200, cors_req(), [("Access-Control-Allow-Origin", "https://*.example.com")], **blocked)],
      [{"entry": 0, "first": "cors-allow-origin-malformed"}])
write(F, "t2-origin-null", "Sandboxed iframe sends Origin: null",
      [dict(ex("GET", API, 200, [("Origin", "null"), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty")], [("Access-Control-Allow-Origin", ORIGIN)], **blocked), initiator=None)],
      [{"entry": 0, "first": "cors-origin-null", "excludes": ["cors-allow-origin-mismatch"]}])
write(F, "t2-redirect-contains-credentials", "Chrome reports RedirectContainsCredentials",
      [ex("GET", API, 0, cors_req(), [], corsError={"corsError": "RedirectContainsCredentials", "failedParameter": "https://user:pw@api2.example.net/v1"}, error="net::ERR_FAILED")],
      [{"entry": 0, "first": "cors-redirect-contains-credentials"}])
write(F, "t2-mode-or-scheme-blocked", "mode: 'same-origin' to another origin",
      [ex("GET", API, 0, cors_req(), [], corsError={"corsError": "DisallowedByMode", "failedParameter": ""}, error="net::ERR_FAILED")],
      [{"entry": 0, "first": "cors-mode-or-scheme-blocked"}])
write(I, "t2-lna-permission-denied", "Public site to a router on the LAN, permission denied (old PNA alias)",
      [ex("GET", "https://192.168.1.1/api/login", 0, cors_req(), [], corsError={"corsError": "PrivateNetworkAccessPermissionDenied", "failedParameter": ""}, error="net::ERR_FAILED")],
      [{"entry": 0, "first": "lna-permission-denied"}])
write(I, "t2-lna-insecure-initiator", "http page to a local device",
      [dict(ex("GET", "http://192.168.1.1/api/login", 0, [("Origin", "http://portal.example.com"), ("Sec-Fetch-Mode", "cors")], [],
           corsError={"corsError": "InsecureLocalNetwork", "failedParameter": ""}, error="net::ERR_FAILED"), pageUrl="http://portal.example.com/", initiator="http://portal.example.com")],
      [{"entry": 0, "first": "lna-insecure-initiator"}])
write(I, "t2-hsts-upgraded", "Chrome's internal HSTS redirect",
      [dict(ex("GET", "http://api.example.net/v1/orders", 307, [("Authorization", "Bearer opaque-access-token-7f3a9c")],
           [("Location", "https://api.example.net/v1/orders"), ("Non-Authoritative-Reason", "HSTS")]), pageUrl="http://app.example.com/", initiator="http://app.example.com")],
      [{"entry": 0, "includes": ["hsts-upgraded-http-url"], "excludes": ["credentials-over-cleartext"]}])
write(I, "t2-client-certificate-required", "nginx ssl_verify_client without a certificate",
      [dict(ex("GET", "https://secure.example.net/", 400, [], [("Server", "nginx"), ("Content-Type", "text/html")],
           responseBody="<html><head><title>400 No required SSL certificate was sent</title></head><body><center><h1>400 Bad Request</h1></center><center>No required SSL certificate was sent</center></body></html>"),
           resourceType="main_frame")],
      [{"entry": 0, "first": "client-certificate-required"}])
write(G, "t2-auth-response-cache-key-unsafe", "Bearer-authenticated 200 marked public without Vary: Authorization",
      [ex("GET", API, 200, cors_req(BEARER), [("Access-Control-Allow-Origin", "*"), ("Cache-Control", "public, max-age=600")])],
      [{"entry": 0, "includes": ["auth-response-cache-key-unsafe"]}])
