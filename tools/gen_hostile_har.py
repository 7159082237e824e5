#!/usr/bin/env python3
"""Deterministic hostile HARs: the four shapes of issue 8 item 9 that cost quadratic time.

Each shape grows one dimension an attacker (or a pathological export) controls, at scale N:

  pages        N pages and N entries, Firefox-style: page titles are document titles, not URLs,
               so every page's URL is looked up among the entries (its `text/html` document
               request), and entries come in the reverse order of their pages. Pages × entries
               work in HAR import if each page scans the entries.
  set-cookie   N responses 401 from one site, each with 40 `Set-Cookie` lines of names never seen
               before: every 401 replays the earlier `Set-Cookie` lines into a cookie jar.
  auth-params  one 401 whose `WWW-Authenticate: Bearer` challenge has N auth-params of distinct
               names (and one duplicate at the end): the duplicate-parameter scan.
  cookie-names one 401 whose request `Cookie` header has N pairs of distinct names (and one
               duplicate at the end): the duplicate cookie-name scan.

No randomness: the same shape and N always give the same bytes.

Usage:
  tools/gen_hostile_har.py SHAPE N OUT.har
  tools/gen_hostile_har.py all N DIR        (writes DIR/hostile-SHAPE-N.har for every shape)
"""

import json
import os
import sys
from datetime import datetime, timedelta, timezone

BASE = datetime(2026, 9, 23, 12, 0, 0, tzinfo=timezone.utc)
APP = "https://app.example.com"
API = "https://api.example.com"
COOKIES_PER_RESPONSE = 40
SHAPES = ("pages", "set-cookie", "auth-params", "cookie-names")


def when(ms):
    t = BASE + timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def hdrs(pairs):
    return [{"name": n, "value": v} for n, v in pairs]


def entry(ms, method, url, status, req_headers, res_headers, mime="application/json", pageref=None, rtype="fetch"):
    # Only what the importer reads: a hostile file need not carry timings or sizes, and leaner
    # entries put more of the hostile dimension in each megabyte.
    e = {
        "startedDateTime": when(ms),
        "_resourceType": rtype,
        "request": {
            "method": method,
            "url": url,
            "headers": hdrs([("Host", url.split("/")[2])] + req_headers),
        },
        "response": {
            "status": status,
            "headers": hdrs(res_headers),
            "content": {"mimeType": mime},
        },
    }
    if pageref is not None:
        e["pageref"] = pageref
    return e


def log(creator, entries, pages=None):
    out = {"version": "1.2", "creator": {"name": creator, "version": "1"}, "entries": entries}
    if pages is not None:
        out["pages"] = pages
    return {"log": out}


def shape_pages(n):
    # Firefox titles pages with the document title; the importer finds each page's URL among
    # its entries. Entries run from the last page to the first, so a per-page scan walks far.
    pages = [
        {"id": "page_%d" % i, "title": "Dashboard %d" % i, "startedDateTime": when(i)}
        for i in range(n)
    ]
    entries = []
    for k, i in enumerate(reversed(range(n))):
        entries.append(
            entry(
                k,
                "GET",
                "%s/p/%d" % (APP, i),
                200,
                [("Accept", "text/html")],
                [("Content-Type", "text/html; charset=utf-8")],
                mime="text/html; charset=utf-8",
                pageref="page_%d" % i,
                rtype="",
            )
        )
    # A few 401s so diagnosis has work that depends on the resolved page.
    for j in range(min(n, 16)):
        entries.append(
            entry(
                n + j,
                "GET",
                "%s/v1/me" % API,
                401,
                [("Authorization", "Bearer abc.def.ghi"), ("Origin", APP)],
                [("WWW-Authenticate", 'Bearer error="invalid_token"')],
                pageref="page_%d" % j,
            )
        )
    return log("Firefox", entries, pages)


def shape_set_cookie(n):
    entries = []
    for i in range(n):
        cookies = [
            ("Set-Cookie", "c%d_%d=v%d; Path=/; Secure; HttpOnly; SameSite=Lax" % (i, k, k))
            for k in range(COOKIES_PER_RESPONSE)
        ]
        entries.append(
            entry(
                i * 10,
                "GET",
                "%s/v1/items/%d" % (APP, i),
                401,
                [("Cookie", "sid=s%d" % i)],
                [("WWW-Authenticate", 'Bearer realm="app"')] + cookies,
            )
        )
    return log("WebInspector", entries)


def shape_auth_params(n):
    params = ", ".join('p%d="v"' % i for i in range(n))
    challenge = 'Bearer realm="api", %s, p0="again"' % params
    e = entry(
        0,
        "GET",
        "%s/v1/me" % API,
        401,
        [("Authorization", "Bearer abc.def.ghi")],
        [("WWW-Authenticate", challenge)],
    )
    return log("WebInspector", [e])


def shape_cookie_names(n):
    pairs = "; ".join("n%d=v" % i for i in range(n))
    cookie = "%s; n0=again" % pairs
    e = entry(
        0,
        "GET",
        "%s/v1/me" % APP,
        401,
        [("Cookie", cookie)],
        [("WWW-Authenticate", 'Bearer realm="app"')],
    )
    return log("WebInspector", [e])


def build(shape, n):
    return {
        "pages": shape_pages,
        "set-cookie": shape_set_cookie,
        "auth-params": shape_auth_params,
        "cookie-names": shape_cookie_names,
    }[shape](n)


def write(doc, path):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"))
    os.replace(tmp, path)


def main(argv):
    if len(argv) != 4 or argv[1] not in SHAPES + ("all",):
        sys.stderr.write(__doc__)
        return 2
    shape, n, out = argv[1], int(argv[2]), argv[3]
    if shape == "all":
        os.makedirs(out, exist_ok=True)
        for s in SHAPES:
            write(build(s, n), os.path.join(out, "hostile-%s-%d.har" % (s, n)))
    else:
        write(build(shape, n), out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
