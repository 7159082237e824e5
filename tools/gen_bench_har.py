#!/usr/bin/env python3
"""Deterministic synthetic HAR for benchmarks (BENCHMARKS.md).

Writes a Chrome-style HAR 1.2 file whose entries look like a real single-page app session:
~15 request and ~12 response headers each, Chrome's private fields (_initiator, _resourceType,
_priority, _transferSize), timings, pages. The mix (per entry, from one seeded PRNG):

  * ~98% healthy 200s: documents, scripts, styles, images, same-origin fetches, and cross-origin
    API fetches that carry CORS headers (Access-Control-Allow-Origin/-Credentials, Vary: Origin);
  * ~1.5% 401/403 API answers to a Bearer JWT (expired or wrong audience) with WWW-Authenticate;
  * ~3% responses with Set-Cookie (session, analytics); ~3% CORS preflights (OPTIONS 204).

--mix failure-heavy is what a user debugging a broken app feeds the tool: ~16% 401/403 API answers
and ~6% preflights, the rest as above.

The same seed and size always give the same bytes, so figures are comparable between runs.

Usage:
  tools/gen_bench_har.py N OUT.har [--capture OUT.json] [--seed S] [--mix spa|failure-heavy]

--capture also writes the same exchanges in the extension's capture format
({"browser","exchanges":[{method,url,status,requestHeaders,responseHeaders,...}]}), the input of
the wasm `analyze` call, so native and wasm figures are measured on the same exchanges.
"""

import argparse
import base64
import json
import random
import sys
from datetime import datetime, timedelta, timezone

APP = "https://app.example.com"
API = "https://api.example.com"
CDN = "https://cdn.examplecdn.net"
UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SEC_CH_UA = '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"'
BASE = datetime(2026, 9, 23, 12, 0, 0, tzinfo=timezone.utc)
PAGE_EVERY = 250  # entries per page (a navigation every 250 requests)


def b64url(obj):
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwt(rng, exp_epoch, aud):
    head = b64url({"alg": "RS256", "typ": "JWT", "kid": "k%d" % rng.randrange(4)})
    body = b64url(
        {
            "iss": "https://login.example.com/",
            "sub": "user-%06d" % rng.randrange(10**6),
            "aud": aud,
            "iat": exp_epoch - 3600,
            "exp": exp_epoch,
            "scope": "read:orders write:orders",
        }
    )
    sig = base64.urlsafe_b64encode(rng.randbytes(64)).rstrip(b"=").decode()
    return "%s.%s.%s" % (head, body, sig)


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def http_date(dt):
    return dt.strftime("%a, %d %b %Y %H:%M:%S GMT")


def h(name, value):
    return {"name": name, "value": value}


def request_headers(rng, url, kind, origin_hdr, auth, cookie):
    """Chrome's request header list for one request (~15 lines)."""
    dest = {"document": "document", "script": "script", "stylesheet": "style", "image": "image"}.get(kind, "empty")
    mode = {"document": "navigate", "script": "no-cors", "stylesheet": "no-cors", "image": "no-cors"}.get(kind, "cors")
    cross = not url.startswith(APP)
    hs = [
        h(":authority", url.split("/")[2]),
        h(":method", "GET"),
        h(":path", "/" + url.split("/", 3)[3]),
        h(":scheme", "https"),
        h("accept", "application/json, text/plain, */*" if dest == "empty" else "*/*"),
        h("accept-encoding", "gzip, deflate, br, zstd"),
        h("accept-language", "en-GB,en-US;q=0.9,en;q=0.8"),
        h("priority", "u=1, i"),
        h("referer", APP + "/"),
        h("sec-ch-ua", SEC_CH_UA),
        h("sec-ch-ua-mobile", "?0"),
        h("sec-ch-ua-platform", '"Linux"'),
        h("sec-fetch-dest", dest),
        h("sec-fetch-mode", mode),
        h("sec-fetch-site", "same-site" if cross else "same-origin"),
        h("user-agent", UA),
    ]
    if origin_hdr:
        hs.append(h("origin", APP))
    if auth:
        hs.append(h("authorization", "Bearer " + auth))
    if cookie:
        hs.append(h("cookie", cookie))
    rng.shuffle(hs[4:])  # header order varies a little between requests, as in real exports
    return hs


def response_headers(rng, when, mime, length, cors, extra):
    """A typical response header list (~12 lines)."""
    hs = [
        h("cache-control", "private, max-age=0, no-cache"),
        h("content-encoding", "br"),
        h("content-length", str(length)),
        h("content-type", mime),
        h("date", http_date(when)),
        h("etag", 'W/"%x"' % rng.getrandbits(40)),
        h("server", "nginx/1.27.2"),
        h("strict-transport-security", "max-age=63072000; includeSubDomains"),
        h("x-content-type-options", "nosniff"),
        h("x-request-id", "%032x" % rng.getrandbits(128)),
        h("via", "1.1 varnish"),
        h("x-cache", rng.choice(["HIT", "MISS"])),
    ]
    if cors:
        hs.append(h("access-control-allow-origin", APP))
        hs.append(h("access-control-allow-credentials", "true"))
        hs.append(h("vary", "Origin, Accept-Encoding"))
    hs.extend(extra)
    return hs


def timings(rng):
    wait = round(rng.uniform(5, 180), 3)
    recv = round(rng.uniform(0.1, 20), 3)
    return {
        "blocked": round(rng.uniform(0.2, 3), 3),
        "dns": -1,
        "ssl": -1,
        "connect": -1,
        "send": 0.12,
        "wait": wait,
        "receive": recv,
        "_blocked_queueing": round(rng.uniform(0.1, 2), 3),
    }


# (share of 401/403 answers, share of 401/403 + preflights) per mix.
MIXES = {"spa": (0.015, 0.045), "failure-heavy": (0.16, 0.22)}
MIX = MIXES["spa"]


def entry(rng, i, when, pageref):
    r = rng.random()
    extra_resp = []
    auth = None
    cookie = "sid=s%%3A%s; _ga=GA1.1.%d.%d" % (
        base64.b64encode(rng.randbytes(18)).decode(),
        rng.randrange(10**9),
        1700000000 + rng.randrange(10**7),
    )
    method = "GET"
    status = 200
    body_text = None
    initiator = {"type": "script", "stack": {"callFrames": [{"functionName": "fetchJson", "scriptId": "41",
                 "url": APP + "/static/js/main.3f9a1c.js", "lineNumber": 1, "columnNumber": 48213}]}}
    if r < MIX[0]:
        # 401/403 from the API: an expired token (401) or a token for another audience (403).
        kind = "fetch"
        url = "%s/v2/orders/%d?expand=items" % (API, rng.randrange(10**6))
        epoch = int(when.timestamp())
        if rng.random() < 0.6:
            status = 401
            auth = jwt(rng, epoch - rng.randrange(30, 7200), "https://api.example.com")
            extra_resp.append(h("www-authenticate", 'Bearer realm="api", error="invalid_token", '
                                'error_description="The access token expired"'))
        else:
            status = 403
            auth = jwt(rng, epoch + 1800, "https://billing.example.com")
            extra_resp.append(h("www-authenticate", 'Bearer realm="api", error="insufficient_scope", '
                                'scope="read:orders"'))
        mime = "application/json"
        body_text = '{"error":"unauthorized","message":"token rejected"}'
        req_h = request_headers(rng, url, kind, True, auth, None)
        resp_h = response_headers(rng, when, mime, len(body_text), True, extra_resp)
    elif r < MIX[1]:
        # A CORS preflight for the next API call.
        kind = "preflight"
        method = "OPTIONS"
        status = 204
        url = "%s/v2/orders/%d" % (API, rng.randrange(10**6))
        mime = "text/plain"
        req_h = request_headers(rng, url, kind, True, None, None)
        for hh in req_h:
            if hh["name"] == ":method":
                hh["value"] = "OPTIONS"
        req_h.append(h("access-control-request-method", rng.choice(["PUT", "POST", "DELETE"])))
        req_h.append(h("access-control-request-headers", "authorization,content-type"))
        extra_resp = [
            h("access-control-allow-methods", "GET, POST, PUT, DELETE, OPTIONS"),
            h("access-control-allow-headers", "Authorization, Content-Type"),
            h("access-control-max-age", "600"),
        ]
        resp_h = response_headers(rng, when, mime, 0, True, extra_resp)
        initiator = {"type": "preflight", "url": url}
    else:
        r2 = rng.random()
        if r2 < 0.10:
            kind, url, mime = "document", APP + "/orders?page=%d" % rng.randrange(50), "text/html; charset=utf-8"
            initiator = {"type": "other"}
            cross, auth = False, None
        elif r2 < 0.30:
            kind, url, mime = "script", "%s/static/js/chunk.%08x.js" % (CDN, rng.getrandbits(32)), "text/javascript"
            initiator = {"type": "parser", "url": APP + "/", "lineNumber": 12}
            cross = False
        elif r2 < 0.40:
            kind, url, mime = "stylesheet", "%s/static/css/app.%08x.css" % (CDN, rng.getrandbits(32)), "text/css"
            initiator = {"type": "parser", "url": APP + "/", "lineNumber": 9}
            cross = False
        elif r2 < 0.60:
            kind, url, mime = "image", "%s/img/p/%d.webp" % (CDN, rng.randrange(10**5)), "image/webp"
            initiator = {"type": "parser", "url": APP + "/orders", "lineNumber": 88}
            cross = False
        elif r2 < 0.75:
            kind, url, mime = "fetch", "%s/api/session/ping?t=%d" % (APP, i), "application/json"
            cross = False
        else:
            kind, url, mime = "fetch", "%s/v2/orders?page=%d&size=20" % (API, rng.randrange(100)), "application/json"
            cross = True
            if rng.random() < 0.5:
                auth = jwt(rng, int(when.timestamp()) + 1800, "https://api.example.com")
        if mime == "application/json":
            body_text = '{"ok":true,"items":[%s]}' % ",".join('{"id":%d}' % rng.randrange(10**6) for _ in range(5))
        if rng.random() < 0.03:
            extra_resp.append(h("set-cookie", "sid=s%%3A%s; Path=/; Expires=%s; HttpOnly; Secure; SameSite=Lax"
                                % (base64.b64encode(rng.randbytes(24)).decode(),
                                   http_date(when + timedelta(days=7)))))
            if rng.random() < 0.5:
                extra_resp.append(h("set-cookie", "_ga=GA1.1.%d.%d; Domain=.example.com; Path=/; Max-Age=63072000"
                                    % (rng.randrange(10**9), 1700000000 + rng.randrange(10**7))))
        req_h = request_headers(rng, url, kind, cross, auth, cookie if url.startswith(APP) else None)
        resp_h = response_headers(rng, when, mime, len(body_text or "") or rng.randrange(200, 90000), cross,
                                  extra_resp)
    size = int(next((x["value"] for x in resp_h if x["name"] == "content-length"), "0"))
    tm = timings(rng)
    total = round(sum(v for k, v in tm.items() if v > 0 and not k.startswith("_")), 3)
    content = {"size": size, "mimeType": mime.split(";")[0]}
    if body_text is not None:
        content["text"] = body_text
    status_text = {200: "", 204: "", 401: "", 403: ""}[status]
    e = {
        "_connectionId": str(1000 + rng.randrange(40)),
        "_initiator": initiator,
        "_priority": "High",
        "_resourceType": kind,
        "cache": {},
        "connection": "443",
        "pageref": pageref,
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "http/2.0",
            "headers": req_h,
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": status,
            "statusText": status_text,
            "httpVersion": "http/2.0",
            "headers": resp_h,
            "cookies": [],
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_transferSize": size + 450,
            "_error": None,
            "_fetchedViaServiceWorker": False,
        },
        "serverIPAddress": "192.0.2.%d" % (10 + rng.randrange(20)),
        "startedDateTime": iso(when),
        "time": total,
        "timings": tm,
    }
    return e


def to_exchange(e, page_url):
    """The same entry in the extension's capture format (src/model.rs, camelCase)."""
    req, resp = e["request"], e["response"]
    ex = {
        "method": req["method"],
        "url": req["url"],
        "status": resp["status"],
        "requestHeaders": [x for x in req["headers"] if not x["name"].startswith(":")],
        "responseHeaders": resp["headers"],
        "startedMs": datetime.strptime(e["startedDateTime"], "%Y-%m-%dT%H:%M:%S.%fZ")
        .replace(tzinfo=timezone.utc)
        .timestamp()
        * 1000,
        "pageUrl": page_url,
        "resourceType": e["_resourceType"],
        "serverIp": e["serverIPAddress"],
    }
    init = e["_initiator"]
    if init.get("type") != "preflight":
        ex["initiator"] = APP
    if "text" in resp["content"]:
        ex["responseBody"] = resp["content"]["text"]
        ex["responseMime"] = resp["content"]["mimeType"]
    return ex


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of entries")
    ap.add_argument("out", help="HAR file to write")
    ap.add_argument("--capture", help="also write the exchanges in the extension's capture format")
    ap.add_argument("--seed", type=int, default=20260923)
    ap.add_argument("--mix", choices=sorted(MIXES), default="spa", help="share of failures (default spa)")
    a = ap.parse_args()
    global MIX
    MIX = MIXES[a.mix]
    rng = random.Random(a.seed)
    pages, entries = [], []
    when = BASE
    for i in range(a.n):
        if i % PAGE_EVERY == 0:
            pid = "page_%d" % (len(pages) + 1)
            pages.append({
                "startedDateTime": iso(when),
                "id": pid,
                "title": APP + "/orders",
                "pageTimings": {"onContentLoad": 412.3, "onLoad": 988.1},
            })
        when = when + timedelta(milliseconds=rng.randrange(5, 400))
        entries.append(entry(rng, i, when, pages[-1]["id"]))
    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": pages,
            "entries": entries,
        }
    }
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(har, f, indent=2, ensure_ascii=False)
        f.write("\n")
    if a.capture:
        cap = {"browser": "chromium", "exchanges": [to_exchange(e, APP + "/orders") for e in entries]}
        with open(a.capture, "w", encoding="utf-8") as f:
            json.dump(cap, f, separators=(",", ":"))
    statuses = {}
    for e in entries:
        statuses[e["response"]["status"]] = statuses.get(e["response"]["status"], 0) + 1
    print("gen_bench_har: %d entries, %d pages, statuses %s -> %s" % (a.n, len(pages), dict(sorted(statuses.items())),
                                                                   a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
