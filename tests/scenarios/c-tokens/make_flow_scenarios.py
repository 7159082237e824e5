#!/usr/bin/env python3
"""Writes scenarios whose cause lives on another entry of the capture, as HAR exports (issue 10):
- the client's clock (class 3): a clock that runs ahead throws a freshly refreshed token away; one
  that runs behind keeps sending an expired one;
- OAuth endpoints that speak in bodies (class 4): RFC 6749 §5.2 JSON errors with 400/401/403, a
  refresh-token rotation race, an authorize redirect carrying error=.
Each with its near miss.

Run from this folder: `python3 make_flow_scenarios.py`, then `BLESS=1 cargo test --test golden`."""
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


def token_call(t, status, form, body, creator_ua=(("Accept", "application/json"),)):
    return entry(t, 0, "POST", "https://login.example.com/oauth2/default/v1/token", status,
                 list(creator_ua) + [("Content-Type", "application/x-www-form-urlencoded"), ("Origin", "https://app.example.com")],
                 [("Content-Type", "application/json"), ("Cache-Control", "no-store"),
                  ("Access-Control-Allow-Origin", "https://app.example.com")], body=body, post=form)


def api_401(t):
    return entry(t, 0, "GET", "https://api.example.com/v1/me", 401,
                 [("Accept", "application/json"), ("Origin", "https://app.example.com")],
                 [("WWW-Authenticate", 'Bearer realm="api"'), ("Access-Control-Allow-Origin", "https://app.example.com")],
                 body='{"message":"Unauthorized"}')


assets = [entry(NOW - 20 + i, 0, "GET", f"https://app.example.com/assets/{i}.js", 200, [("Accept", "*/*")],
                [("Content-Type", "text/javascript")], rtype="script") for i in range(3)]
refresh_form = "grant_type=refresh_token&refresh_token=8xLOxBtZp8&client_id=0oa1spa"
SCENARIOS.update({
    "oauth-refresh-403-invalid-grant-then-401.json": (
        "Firefox export: the refresh is refused 403 invalid_grant (an Okta-style answer), and the API call that "
        "follows goes out without a token",
        assets + [token_call(NOW, 403, refresh_form, '{"error":"invalid_grant","error_description":"The refresh token is invalid or expired."}'),
                  api_401(NOW + 1)],
        [{"entry": 3, "first": "oauth-invalid-grant", "excludes": ["403-for-missing-credentials"]},
         {"entry": 4, "first": "oauth-invalid-grant", "includes": ["no-credentials-sent"]}]),
    "oauth-refresh-failed-then-succeeded-near-miss.json": (
        "Near miss: a refused refresh, then a successful login; the 401 after that is not the refusal's doing",
        assets + [token_call(NOW, 400, refresh_form, '{"error":"invalid_grant"}'),
                  token_call(NOW, 200, "grant_type=authorization_code&code=c1&code_verifier=v1", '{"access_token":"at","expires_in":300}'),
                  api_401(NOW + 1)],
        {"entry": 5, "first": "no-credentials-sent", "excludes": ["oauth-invalid-grant"]}),
    "oauth-unauthorized-client-keycloak.json": (
        "Firefox export: Keycloak refuses a client_credentials grant the client is not enabled for (400 unauthorized_client)",
        assets + [token_call(NOW, 400, "grant_type=client_credentials&client_id=reports",
                             '{"error":"unauthorized_client","error_description":"Client not enabled to retrieve service account"}')],
        {"entry": 3, "first": "oauth-invalid-client"}),
    "oauth-invalid-request-near-miss.json": (
        "Near miss: the token endpoint answers invalid_request (a malformed request, not the client's registration)",
        assets + [token_call(NOW, 400, "grant_type=client_credentials&client_id=reports",
                             '{"error":"invalid_request","error_description":"Missing parameter: scope"}')],
        {"entry": 3, "excludes": ["oauth-invalid-client", "oauth-invalid-grant"]}),
    "oauth-rotation-race-403.json": (
        "Firefox export: two tabs refresh with the same rotated refresh token 300 ms apart; the loser gets 403 invalid_grant",
        assets + [token_call(NOW, 200, refresh_form, '{"access_token":"at-new","refresh_token":"rt-new","expires_in":3600}'),
                  token_call(NOW, 403, refresh_form, '{"error":"invalid_grant"}')],
        {"entry": 4, "first": "refresh-token-rotation-race", "includes": ["oauth-invalid-grant"]}),
    "oauth-authorize-redirect-invalid-scope.json": (
        "Firefox export: the authorization endpoint redirects back to the app with error=invalid_scope",
        assets + [entry(NOW, 0, "GET", "https://login.example.com/oauth2/default/v1/authorize?client_id=0oa1spa&response_type=code&scope=openid%20admin&state=s1&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback",
                        302, [("Accept", "text/html")],
                        [("Location", "https://app.example.com/callback?error=invalid_scope&error_description=One+or+more+scopes+are+not+configured&state=s1")], rtype="document")],
        {"entry": 3, "first": "oauth-invalid-client"}),
})

for name, (title, entries, expect) in SCENARIOS.items():
    with open(name, "w") as f:
        json.dump({"title": title, "har": har(CHROME if "firefox" not in name and not name.startswith("oauth") else FIREFOX, entries), "expect": expect if isinstance(expect, list) else [expect]}, f, indent=1)
        f.write("\n")
