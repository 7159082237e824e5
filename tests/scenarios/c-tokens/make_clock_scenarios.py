#!/usr/bin/env python3
"""Writes the capture-wide clock scenarios (issue 10 class 3) as HAR exports: a client clock that
runs ahead throws a freshly refreshed token away; one that runs behind keeps sending an expired one.
Each with its near miss (the same flow with clocks in sync).

Run from this folder: `python3 make_clock_scenarios.py`, then `BLESS=1 cargo test --test golden`."""
import base64, json
from datetime import datetime, timezone
from email.utils import formatdate

NOW = 1790164800  # 2026-09-23 12:00:00 UTC, the servers' time of the failing call


def b64(s):
    return base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")


def jwt(claims):
    return b64('{"alg":"RS256","typ":"JWT","kid":"k1"}') + "." + b64(json.dumps(claims)) + ".c2ln"


def iso(t):
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def entry(server_t, skew, method, url, status, req, res, body=None, post=None, rtype="fetch"):
    """An entry answered at `server_t` (servers' clock) by a client whose clock is `skew` s ahead."""
    e = {
        "startedDateTime": iso(server_t + skew + 0.12),
        "time": 80,
        "request": {"method": method, "url": url, "httpVersion": "HTTP/1.1", "headers": [{"name": k, "value": v} for k, v in req],
                    "cookies": [], "queryString": [], "headersSize": -1, "bodySize": len(post or "")},
        "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1",
                     "headers": [{"name": k, "value": v} for k, v in res] + [{"name": "Date", "value": formatdate(server_t, usegmt=True)}],
                     "cookies": [], "content": {"size": len(body or ""), "mimeType": "application/json", **({"text": body} if body else {})},
                     "redirectURL": "", "headersSize": -1, "bodySize": len(body or "")},
        "cache": {}, "timings": {"send": 1, "wait": 70, "receive": 9},
        "_resourceType": rtype,
    }
    if post:
        e["request"]["postData"] = {"mimeType": "application/x-www-form-urlencoded", "text": post}
    return e


def har(creator, entries):
    return {"log": {"version": "1.2", "creator": creator, "pages": [], "entries": entries}}


def spa(skew, creator, token_life, api_auth, api_www):
    """Page assets, a refresh answered 30 s before the failing call, then the call."""
    ua = [("Accept", "*/*"), ("User-Agent", "Mozilla/5.0")]
    es = [entry(NOW - 60 + i, skew, "GET", f"https://app.example.com/assets/{i}.js", 200, ua,
                [("Content-Type", "text/javascript")], rtype="script") for i in range(6)]
    access = jwt({"iss": "https://id.example.com/", "aud": "https://api.example.com", "exp": NOW - 30 + token_life, "iat": NOW - 30})
    body = json.dumps({"access_token": access, "token_type": "Bearer", "expires_in": token_life, "refresh_token": "rt-2"})
    es.append(entry(NOW - 30, skew, "POST", "https://id.example.com/oauth/token", 200,
                    ua + [("Content-Type", "application/x-www-form-urlencoded")], [("Content-Type", "application/json"), ("Cache-Control", "no-store")],
                    body=body, post="grant_type=refresh_token&refresh_token=rt-1&client_id=spa"))
    req = ua + ([("Authorization", api_auth)] if api_auth else [])
    es.append(entry(NOW, skew, "GET", "https://api.example.com/v1/orders", 401, req,
                    [("WWW-Authenticate", api_www), ("Content-Type", "application/json")], body='{"message":"Unauthorized"}'))
    return es


CHROME = {"name": "WebInspector", "version": "537.36"}
FIREFOX = {"name": "Firefox", "version": "153.8.0"}
API = len(spa(0, CHROME, 300, None, "x")) - 1
expired = "Bearer " + jwt({"iss": "https://id.example.com/", "aud": "https://api.example.com", "exp": NOW - 300, "iat": NOW - 3900})

SCENARIOS = {
    "clock-skew-ahead-discards-refreshed-token.json": (
        "Chrome sanitized export: this computer's clock runs 2 h ahead, so the SPA judges the token it was just given "
        "(5 min life) expired and calls the API without it",
        spa(7200, CHROME, 300, None, 'Bearer realm="api"'),
        {"entry": API, "first": "clock-skew"}),
    "clock-skew-ahead-near-miss-in-sync.json": (
        "The same flow with clocks in sync: the app simply did not attach the token",
        spa(0, CHROME, 300, None, 'Bearer realm="api"'),
        {"entry": API, "excludes": ["clock-skew"]}),
    "clock-skew-behind-keeps-expired-token-firefox.json": (
        "Firefox export: this computer's clock runs 10 min behind, so the app keeps sending a token the server "
        "judges expired 5 min ago",
        spa(-600, FIREFOX, 3600, expired, 'Bearer error="invalid_token", error_description="The token expired"'),
        {"entry": API, "first": "clock-skew", "includes": ["jwt-expired"]}),
    "clock-skew-behind-near-miss-in-sync-firefox.json": (
        "The same flow with clocks in sync: the token is simply expired",
        spa(0, FIREFOX, 3600, expired, 'Bearer error="invalid_token", error_description="The token expired"'),
        {"entry": API, "first": "jwt-expired", "excludes": ["clock-skew"]}),
}

for name, (title, entries, expect) in SCENARIOS.items():
    with open(name, "w") as f:
        json.dump({"title": title, "har": har(CHROME if "firefox" not in name else FIREFOX, entries), "expect": [expect]}, f, indent=1)
        f.write("\n")
