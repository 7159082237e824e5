#!/usr/bin/env python3
"""Writes the engine scenarios: the same flows as Chromium (Chrome's HAR export), Firefox (Network >
Save All As HAR) and Safari (Web Inspector) record them, so each engine-dependent rule has a positive
case in the engine it belongs to and a near miss in another (DIAGNOSES §0.7 rule 3).

Run from this folder: `python3 generate.py`, then `BLESS=1 cargo test --test golden` records `ids`."""
import json, os

T0 = "2026-09-23T12:00:00.000Z"

def t(sec):
    return "2026-09-23T12:%02d:%02d.000Z" % (sec // 60, sec % 60)

def date(sec):
    return "Wed, 23 Sep 2026 12:%02d:%02d GMT" % (sec // 60, sec % 60)

CREATORS = {
    "firefox": ({"name": "Firefox", "version": "153.8.0"}, {"name": "Firefox", "version": "153.8.0"}),
    "safari": ({"name": "WebKit Web Inspector", "version": "1.0"}, None),
    "chrome": ({"name": "WebInspector", "version": "537.36"}, None),
}

def hdrs(engine, url, pairs):
    """Request header lines as each engine records them: Chrome's HTTP/2 export starts with the
    pseudo-headers; Firefox and Safari list Host and the fields with their usual casing."""
    from urllib.parse import urlsplit
    u = urlsplit(url)
    out = []
    if engine == "chrome":
        out += [{"name": ":authority", "value": u.netloc}, {"name": ":scheme", "value": u.scheme},
                {"name": ":path", "value": u.path or "/"}]
    else:
        out.append({"name": "Host", "value": u.netloc})
    out += [{"name": k, "value": v} for k, v in pairs]
    return out

def cookies_of(pairs, set_cookie=False):
    out = []
    for k, v in pairs:
        if set_cookie and k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            out.append({"name": name, "value": rest.split(";")[0]})
        if not set_cookie and k.lower() == "cookie":
            for c in v.split("; "):
                n, _, val = c.partition("=")
                out.append({"name": n, "value": val})
    return out

def entry(engine, sec, method, url, status, req, res, page="page_1", rtype=None, error=None):
    e = {
        "pageref": page,
        "startedDateTime": t(sec),
        "time": 40,
        "request": {"method": method, "url": url, "httpVersion": "HTTP/2", "headers": hdrs(engine, url, req),
                    "cookies": cookies_of(req), "queryString": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": status, "statusText": "", "httpVersion": "HTTP/2",
                     "headers": [{"name": k, "value": v} for k, v in res] + ([] if status == 0 else [{"name": "date", "value": date(sec)}]),
                     "cookies": cookies_of(res, True),
                     "content": {"size": 0, "mimeType": dict((k.lower(), v) for k, v in res).get("content-type", "")},
                     "redirectURL": "", "headersSize": -1, "bodySize": -1},
        "cache": {},
        "timings": {"send": 0, "wait": 30, "receive": 10},
    }
    if engine == "chrome" and rtype:
        e["_resourceType"] = rtype
    if error:
        e["response"]["_error"] = error
    return e

def har(engine, entries, pages):
    creator, browser = CREATORS[engine]
    log = {"version": "1.2", "creator": creator,
           "pages": [{"startedDateTime": T0, "id": pid, "title": title, "pageTimings": {}} for pid, title in pages],
           "entries": entries}
    if browser:
        log["browser"] = browser
    return {"log": log}

NAV = [("Sec-Fetch-Dest", "document"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Site", "none"),
       ("Accept", "text/html")]
def xhr(origin, site="cross-site"):
    return [("Origin", origin), ("Sec-Fetch-Dest", "empty"), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Site", site),
            ("Accept", "application/json")]

def pages_for(engine, navs):
    """Firefox names one page per tab after the document's title (it spans navigations); Chrome and
    Safari one page per navigation, titled with its URL."""
    if engine == "firefox":
        return [("page_1", "Shop")], ["page_1"] * len(navs)
    return [("page_%d" % (i + 1), u) for i, u in enumerate(navs)], ["page_%d" % (i + 1) for i in range(len(navs))]

def embedded_widget(engine, cookie_attrs, lead="https://widget.test/login"):
    """The widget's session is created first-party (top-level visit), then the widget's API is called
    from a shop page that embeds it."""
    pages, refs = pages_for(engine, [lead, "https://shop.example/"])
    entries = [
        entry(engine, 0, "GET", lead, 200, NAV, [("content-type", "text/html"),
              ("set-cookie", "sid=9f8e7d6c5b4a39281706; Path=/; " + cookie_attrs)], refs[0], "document"),
        entry(engine, 30, "GET", "https://shop.example/", 200, NAV, [("content-type", "text/html")], refs[1], "document"),
        entry(engine, 31, "GET", "https://widget.test/api/me", 401, xhr("https://shop.example"),
              [("content-type", "application/json"), ("access-control-allow-origin", "https://shop.example"),
               ("access-control-allow-credentials", "true"), ("vary", "Origin")], refs[1], "xhr"),
    ]
    return har(engine, entries, pages)

def api_cross_site(engine, cookie_attrs):
    """A session cookie set by a top-level visit to the API's site, then a credentialed XHR from the
    app on another site."""
    pages, refs = pages_for(engine, ["https://api.example.net/login", "https://app.example.com/"])
    entries = [
        entry(engine, 0, "GET", "https://api.example.net/login", 200, NAV, [("content-type", "text/html"),
              ("set-cookie", "sid=0a1b2c3d4e5f60718293; Path=/; Secure; HttpOnly" + cookie_attrs)], refs[0], "document"),
        entry(engine, 20, "GET", "https://app.example.com/", 200, NAV, [("content-type", "text/html")], refs[1], "document"),
        entry(engine, 600, "GET", "https://api.example.net/me", 401, xhr("https://app.example.com"),
              [("content-type", "application/json"), ("access-control-allow-origin", "https://app.example.com"),
               ("access-control-allow-credentials", "true"), ("vary", "Origin")], refs[1], "xhr"),
    ]
    return har(engine, entries, pages)

def none_insecure(engine):
    """Login sets SameSite=None without Secure; the next API call goes without the session."""
    pages, refs = pages_for(engine, ["https://app.example.com/login"])
    entries = [
        entry(engine, 0, "POST", "https://app.example.com/login", 200,
              [("Origin", "https://app.example.com"), ("Sec-Fetch-Dest", "empty"), ("Sec-Fetch-Mode", "cors"),
               ("Sec-Fetch-Site", "same-origin"), ("Content-Type", "application/json")],
              [("content-type", "application/json"), ("set-cookie", "sid=71c2d9e04b5a68f3; Path=/; HttpOnly; SameSite=None")],
              refs[0], "fetch"),
        entry(engine, 2, "GET", "https://app.example.com/api/me", 401,
              [("Sec-Fetch-Dest", "empty"), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Site", "same-origin"),
               ("Accept", "application/json")],
              [("content-type", "application/json")], refs[0], "fetch"),
    ]
    return har(engine, entries, pages)

def third_party_login(engine):
    """An embedded widget signs in with a cross-site fetch (credentials: 'include') from the shop page;
    its session cookie is a third-party cookie."""
    pages, refs = pages_for(engine, ["https://shop.example/"])
    cors = [("access-control-allow-origin", "https://shop.example"), ("access-control-allow-credentials", "true"),
            ("vary", "Origin")]
    entries = [
        entry(engine, 0, "GET", "https://shop.example/", 200, NAV, [("content-type", "text/html")], refs[0], "document"),
        entry(engine, 2, "POST", "https://widget.test/session", 200, xhr("https://shop.example"),
              [("content-type", "application/json"),
               ("set-cookie", "sid=5d4c3b2a19087f6e; Path=/; Secure; HttpOnly; SameSite=None")] + cors, refs[0], "fetch"),
        entry(engine, 4, "GET", "https://widget.test/api/me", 401, xhr("https://shop.example"),
              [("content-type", "application/json")] + cors, refs[0], "fetch"),
    ]
    return har(engine, entries, pages)

def preflight_wildcard_authorization(engine):
    """A Bearer call whose preflight answers Allow-Headers: * and Allow-Origin: *; the actual request
    was refused by the browser (status 0)."""
    pages, refs = pages_for(engine, ["https://app.example.com/"])
    pre_req = [("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "GET"),
               ("Access-Control-Request-Headers", "authorization"), ("Sec-Fetch-Mode", "cors"),
               ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Dest", "empty")]
    entries = [
        entry(engine, 0, "GET", "https://app.example.com/", 200, NAV, [("content-type", "text/html")], refs[0], "document"),
        entry(engine, 2, "OPTIONS", "https://api.example.net/v1/orders", 204, pre_req,
              [("access-control-allow-origin", "*"), ("access-control-allow-headers", "*"),
               ("access-control-allow-methods", "GET, POST")], refs[0], "preflight"),
        entry(engine, 2, "GET", "https://api.example.net/v1/orders", 0,
              xhr("https://app.example.com") + [("Authorization", "Bearer 4f3e2d1c0b9a8877665544332211")], [],
              refs[0], "fetch", error="net::ERR_FAILED" if engine == "chrome" else "NS_ERROR_DOM_BAD_URI"),
    ]
    return har(engine, entries, pages)

def completed_cors(engine, with_cookie):
    """Firefox records a response its CORS check refused as an ordinary completed one (issue 11 §4):
    a credentialed call answered `Access-Control-Allow-Origin: *`."""
    pages, refs = pages_for(engine, ["https://app.example.com/"])
    req = xhr("https://app.example.com") + ([("Cookie", "sid=2b3c4d5e6f708192")] if with_cookie else [])
    entries = [
        entry(engine, 0, "GET", "https://app.example.com/", 200, NAV, [("content-type", "text/html")], refs[0], "document"),
        entry(engine, 2, "GET", "https://api.example.net/v1/cart", 200, req,
              [("content-type", "application/json"), ("access-control-allow-origin", "*")], refs[0], "fetch"),
    ]
    return har(engine, entries, pages)

def orphan_preflight(engine, actual):
    """A preflight that passes for a request without credentials (exact origin, no Allow-Credentials).
    Firefox lists it apart from its actual request; without that request nothing says it was
    credentialed. With the actual request refused (Chromium's net::ERR_FAILED) it was."""
    pages, refs = pages_for(engine, ["https://app.example.com/"])
    pre_req = [("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "PUT"),
               ("Access-Control-Request-Headers", "content-type"), ("Sec-Fetch-Mode", "cors"),
               ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Dest", "empty")]
    entries = [
        entry(engine, 0, "GET", "https://app.example.com/", 200, NAV, [("content-type", "text/html")], refs[0], "document"),
        entry(engine, 2, "OPTIONS", "https://api.example.net/v1/profile", 204, pre_req,
              [("access-control-allow-origin", "https://app.example.com"), ("access-control-allow-methods", "GET, PUT"),
               ("access-control-allow-headers", "content-type"), ("vary", "Origin")], refs[0], "preflight"),
    ]
    if actual:
        entries.append(entry(engine, 2, "PUT", "https://api.example.net/v1/profile", 0,
                             xhr("https://app.example.com") + [("Content-Type", "application/json")], [], refs[0], "fetch",
                             error="net::ERR_FAILED"))
    else:
        # Something else of the page, so the capture holds credential headers.
        entries.append(entry(engine, 3, "GET", "https://app.example.com/api/session", 200,
                             [("Cookie", "csrftoken=ab12cd34"), ("Sec-Fetch-Dest", "empty"), ("Sec-Fetch-Mode", "cors"),
                              ("Sec-Fetch-Site", "same-origin")], [("content-type", "application/json")], refs[0], "fetch"))
    return har(engine, entries, pages)

SCENARIOS = {
    "firefox-tcp-cookie-in-other-partition": (
        "Firefox: a widget session set first-party is absent when the widget's API is called from the shop (Total Cookie Protection)",
        embedded_widget("firefox", "Secure; HttpOnly; SameSite=None"),
        [{"entry": 2, "first": "cookie-in-other-partition", "excludes": ["cookie-third-party-blocked"]}]),
    "chromium-tcp-near-miss": (
        "Chromium: the same widget flow; Chromium does not partition the cookie, so no other-partition cause",
        embedded_widget("chrome", "Secure; HttpOnly; SameSite=None"),
        [{"entry": 2, "excludes": ["cookie-in-other-partition", "cookie-third-party-blocked"]}]),
    "chromium-lax-by-default": (
        "Chromium: a session cookie without SameSite is Lax by default and stays off the app's cross-site XHR",
        api_cross_site("chrome", ""),
        [{"entry": 2, "first": "cookie-samesite-lax-excluded", "excludes": ["cookie-in-other-partition"]}]),
    "firefox-lax-by-default-near-miss": (
        "Firefox: the same cookie without SameSite is not Lax by default; Total Cookie Protection explains the miss",
        api_cross_site("firefox", ""),
        [{"entry": 2, "first": "cookie-in-other-partition", "excludes": ["cookie-samesite-lax-excluded"]}]),
    "firefox-explicit-lax": (
        "Firefox: an explicit SameSite=Lax is still withheld from the cross-site XHR",
        api_cross_site("firefox", "; SameSite=Lax"),
        [{"entry": 2, "includes": ["cookie-samesite-lax-excluded"]}]),
    "firefox-samesite-none-insecure": (
        "Firefox refuses SameSite=None without Secure, as Chromium does; the next API call has no session",
        none_insecure("firefox"),
        [{"entry": 0, "includes": ["set-cookie-samesite-none-insecure"]},
         {"entry": 1, "first": "set-cookie-samesite-none-insecure"}]),
    "safari-samesite-none-insecure": (
        "Safari (WebKit) stores SameSite=None without Secure: reported as a predictive warning only",
        none_insecure("safari"),
        [{"entry": 0, "includes": ["set-cookie-samesite-none-insecure"]}]),
    "safari-itp-third-party-login": (
        "Safari: ITP blocks the embedded widget's third-party session cookie",
        third_party_login("safari"),
        [{"entry": 1, "includes": ["set-cookie-third-party-blocked"]}]),
    "chromium-third-party-login-near-miss": (
        "Chromium: the same embedded sign-in stores its cookie (third-party cookies allowed by default)",
        third_party_login("chrome"),
        [{"entry": 1, "excludes": ["set-cookie-third-party-blocked"]},
         {"entry": 2, "excludes": ["cookie-third-party-blocked", "set-cookie-third-party-blocked"]}]),
    "safari-wildcard-does-not-cover-authorization": (
        "Safari: Allow-Headers * does not admit Authorization (Fetch), so that is the cause, not credentials",
        preflight_wildcard_authorization("safari"),
        [{"entry": 2, "first": "cors-authorization-not-allowed", "excludes": ["cors-wildcard-with-credentials"]}]),
    "firefox-wildcard-covers-authorization-near-miss": (
        "Firefox lets Allow-Headers * admit Authorization (measured, ESR 153); the refusal is the wildcard origin of a credentialed call",
        preflight_wildcard_authorization("firefox"),
        [{"entry": 2, "first": "cors-wildcard-with-credentials", "excludes": ["cors-authorization-not-allowed"]}]),
    "firefox-completed-response-wildcard-with-credentials": (
        "Firefox records the refused credentialed response as completed: its headers still give the CORS verdict",
        completed_cors("firefox", True),
        [{"entry": 1, "first": "cors-wildcard-with-credentials"}]),
    "firefox-completed-response-near-miss": (
        "Firefox: the same response to a call without credentials passes the CORS check",
        completed_cors("firefox", False),
        [{"entry": 1, "excludes": ["cors-wildcard-with-credentials"]}]),
    "firefox-orphan-preflight-near-miss": (
        "Firefox: a preflight that passes for a request without credentials is not an Allow-Credentials failure",
        orphan_preflight("firefox", False),
        [{"entry": 1, "excludes": ["cors-allow-credentials-invalid"]}]),
    "chromium-refused-after-preflight-allow-credentials": (
        "Chromium: the same preflight, and the actual request refused: only credentials explain it",
        orphan_preflight("chrome", True),
        [{"entry": 2, "includes": ["cors-allow-credentials-invalid"]}]),
}

here = os.path.dirname(os.path.abspath(__file__))
for name, (title, doc, expect) in SCENARIOS.items():
    path = os.path.join(here, name + ".json")
    old = {}
    if os.path.exists(path):
        old = {e["entry"]: e.get("ids") for e in json.load(open(path)).get("expect", [])}
    for e in expect:
        if old.get(e["entry"]) is not None:
            e["ids"] = old[e["entry"]]
    with open(path, "w") as f:
        json.dump({"title": title, "har": doc, "expect": expect}, f, indent=2)
        f.write("\n")
