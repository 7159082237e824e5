#!/usr/bin/env python3
"""Writes the c-tokens golden scenarios. The tokens are built here (unsigned test JWTs with a fake
signature) so their claims are readable: run `python3 make_scenarios.py` after editing, then
`cargo test --test golden`. Times are relative to the server Date of Wed, 23 Sep 2026 12:06:23 GMT."""
import base64, json, os, email.utils

DATE = 1790165183  # Wed, 23 Sep 2026 12:06:23 GMT
HERE = os.path.dirname(os.path.abspath(__file__))
SIG = "Zm9yZ2VkLXNpZ25hdHVyZS1ub3QtY2hlY2tlZA"


def b64(obj):
    raw = obj if isinstance(obj, bytes) else json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def jwt(header, claims, sig=SIG):
    return f"{b64(header)}.{b64(claims)}.{sig}"


def http_date(t):
    return email.utils.formatdate(t, usegmt=True)


def exchange(url, status, auth=None, www=None, body=None, date=DATE, client=DATE, extra_req=(), extra_res=(),
             method="GET", h2=False):
    n = (lambda s: s.lower()) if h2 else (lambda s: s)
    req = [{"name": n("Accept"), "value": "application/json"}]
    if auth is not None:
        req.append({"name": n("Authorization"), "value": auth})
    req += [{"name": n(k), "value": v} for k, v in extra_req]
    res = [{"name": n("Content-Type"), "value": "application/json; charset=utf-8"}]
    if date is not None:
        res.append({"name": n("Date"), "value": http_date(date)})
    if www is not None:
        res.append({"name": n("WWW-Authenticate"), "value": www})
    res += [{"name": n(k), "value": v} for k, v in extra_res]
    ex = {"method": method, "url": url, "status": status, "requestHeaders": req, "responseHeaders": res,
          "resourceType": "fetch", "pageUrl": "https://app.example.com/dashboard",
          "initiator": "https://app.example.com"}
    if client is not None:
        ex["startedMs"] = client * 1000 + 412
    if body is not None:
        ex["responseBody"] = body
    return ex


def write(name, title, exchanges, expect):
    doc = {"title": title, "capture": {"exchanges": exchanges}, "expect": expect}
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")


API = "https://app.example.com/api/v1/me"
RS = {"alg": "RS256", "typ": "JWT", "kid": "2026-09-key-1"}
AT = {"alg": "RS256", "typ": "at+jwt", "kid": "2026-09-key-1"}


def access(**kw):
    c = {"iss": "https://login.example.com/", "sub": "auth0|5f1c", "aud": ["https://app.example.com/api",
         "https://login.example.com/userinfo"], "azp": "Xq9ClientIdAbc", "scope": "openid profile read:me",
         "iat": DATE - 3600, "exp": DATE + 3600}
    c.update(kw)
    return {k: v for k, v in c.items() if v is not None}


INVALID = 'Bearer error="invalid_token"'

# --- jwt-expired ---------------------------------------------------------------------------
write("jwt-expired-aspnet", "ASP.NET Core: token expired 3 min 12 s before the server's Date",
      [exchange(API, 401, "Bearer " + jwt(RS, access(exp=DATE - 192, iat=DATE - 3792)),
                www='Bearer error="invalid_token", error_description="The token expired at \'09/23/2026 12:03:11\'"')],
      [{"entry": 0, "first": "jwt-expired", "excludes": ["jwt-not-yet-valid", "clock-skew", "jwt-malformed"]}])
write("jwt-expired-node-h2", "Express + jsonwebtoken over HTTP/2: 'jwt expired' in the body, lowercase headers",
      [exchange(API, 401, "Bearer " + jwt(RS, access(exp=DATE - 7200, iat=DATE - 10800)), www=INVALID,
                body='{"name":"UnauthorizedError","message":"jwt expired","code":"invalid_token"}', h2=True)],
      [{"entry": 0, "first": "jwt-expired", "excludes": ["jwt-audience-mismatch", "jwt-malformed"]}])
write("jwt-expired-near-miss-2s-left", "Token expires 2 s after the server's Date: not expired; the key is unknown",
      [exchange(API, 401, "Bearer " + jwt(RS, access(exp=DATE + 2)),
                www='Bearer error="invalid_token", error_description="The signature key was not found"')],
      [{"entry": 0, "first": "jwt-signing-key-unknown", "excludes": ["jwt-expired", "jwt-not-yet-valid"]}])
write("jwt-expired-near-miss-accepted", "Expired-looking token on a 200: the API accepted it, nothing to explain",
      [exchange(API, 200, "Bearer " + jwt(RS, access(exp=DATE - 20)))],
      [{"entry": 0, "excludes": ["jwt-expired", "clock-skew"]}])

# --- jwt-not-yet-valid ---------------------------------------------------------------------
write("jwt-not-yet-valid-issuer-ahead", "Issuer clock 2 min 5 s ahead: nbf and iat after the API's Date",
      [exchange(API, 401, "Bearer " + jwt(AT, access(nbf=DATE + 125, iat=DATE + 125, exp=DATE + 3725)), www=INVALID)],
      [{"entry": 0, "first": "jwt-not-yet-valid", "includes": ["clock-skew"], "excludes": ["jwt-expired"]}])
write("jwt-not-yet-valid-near-miss-leeway", "nbf 20 s after Date is within leeway; the 403 is about scope",
      [exchange(API, 403, "Bearer " + jwt(AT, access(nbf=DATE + 20, iat=DATE + 20)),
                www='Bearer error="insufficient_scope", scope="write:me"')],
      [{"entry": 0, "excludes": ["jwt-not-yet-valid", "clock-skew", "jwt-expired"]}])

# --- clock-skew ----------------------------------------------------------------------------
write("clock-skew-client-behind", "Client clock 7 min behind: the app thought the token was valid, the server says expired",
      [exchange(API, 401, "Bearer " + jwt(RS, access(exp=DATE - 100, iat=DATE - 3700)), www=INVALID,
                client=DATE - 420)],
      [{"entry": 0, "first": "jwt-expired", "includes": ["clock-skew"]}])
write("clock-skew-near-miss-cached", "Old Date on a cached 401 (Age: 900) is not clock skew",
      [exchange(API, 401, "Bearer " + jwt(RS, access(exp=DATE + 900)), www=INVALID, date=DATE - 900,
                extra_res=[("Age", "900"), ("Cache-Control", "max-age=3600")])],
      [{"entry": 0, "excludes": ["clock-skew", "jwt-expired"]}])
write("clock-skew-near-miss-disk-cache", "Served from the disk cache: Date is old, the clocks are fine",
      [dict(exchange(API, 401, "Bearer " + jwt(RS, access(exp=DATE + 9000)), www=INVALID, client=DATE + 4000),
            fromCache="disk")],
      [{"entry": 0, "excludes": ["clock-skew"]}])

# --- jwt-audience-mismatch -----------------------------------------------------------------
write("jwt-audience-aws-http-api", "AWS API Gateway JWT authorizer: token does not have a valid audience",
      [exchange("https://abc123.execute-api.eu-west-1.amazonaws.com/prod/orders", 401,
                "Bearer " + jwt(RS, access(aud="https://orders.internal.example.com")),
                www='Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"',
                body='{"message":"Unauthorized"}', extra_res=[("apigw-requestid", "Fh2kQjKxoAMEbXw=")])],
      # api-gateway-authorizer-rejection (rank level 2) is listed first by rank.rs; the cause is the audience.
      [{"entry": 0, "includes": ["jwt-audience-mismatch"], "excludes": ["jwt-issuer-mismatch", "jwt-expired"]}])
write("jwt-audience-graph-token", "A Microsoft Graph access token sent to the company API",
      [exchange("https://api.contoso.com/orders", 401,
                "Bearer " + jwt({"typ": "JWT", "nonce": "abc", "alg": "RS256", "x5t": "k1", "kid": "k1"},
                                {"aud": "00000003-0000-0000-c000-000000000000",
                                 "iss": "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/",
                                 "appid": "1fec8e78-bce4-4aaf-ab1b-5451cc387264", "scp": "User.Read",
                                 "iat": DATE - 600, "nbf": DATE - 600, "exp": DATE + 3000}),
                www='Bearer error="invalid_token"')],
      [{"entry": 0, "first": "jwt-audience-mismatch", "excludes": ["id-token-as-access-token", "jwt-malformed"]}])
write("jwt-audience-near-miss-opaque-identifier", "aud is an opaque API identifier: no evidence of a mismatch",
      [exchange(API, 401, "Bearer " + jwt(AT, access(aud="api://7b1c2f4e-orders")), www=INVALID)],
      [{"entry": 0, "excludes": ["jwt-audience-mismatch", "id-token-as-access-token"]}])
write("jwt-audience-near-miss-same-site", "aud names this site's API; the 401 has no audience complaint",
      [exchange("https://api.example.com/v1/me", 401, "Bearer " + jwt(AT, access(aud="https://api.example.com/")),
                www=INVALID)],
      [{"entry": 0, "excludes": ["jwt-audience-mismatch"]}])

# --- jwt-issuer-mismatch -------------------------------------------------------------------
TID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
v1 = access(iss=f"https://sts.windows.net/{TID}/", aud="api://orders", azp=None)
write("jwt-issuer-entra-v1-vs-v2", "Entra v1 token sent to an API configured for the v2 issuer (IDX10205)",
      [exchange(API, 401, "Bearer " + jwt(RS, v1),
                www=f'Bearer error="invalid_token", error_description="The issuer \'https://sts.windows.net/{TID}/\' is invalid"',
                body=f"IDX10205: Issuer validation failed. Issuer: 'https://sts.windows.net/{TID}/'. Did not match: validationParameters.ValidIssuer: 'https://login.microsoftonline.com/{TID}/v2.0' or validationParameters.ValidIssuers: 'null'.")],
      [{"entry": 0, "first": "jwt-issuer-mismatch", "excludes": ["jwt-audience-mismatch", "jwt-expired"]}])
write("jwt-issuer-near-miss-expired", "Same v1 token, but the server complains about expiry, not the issuer",
      [exchange(API, 401, "Bearer " + jwt(RS, dict(v1, exp=DATE - 60)),
                www='Bearer error="invalid_token", error_description="IDX10223: Lifetime validation failed. The token is expired."')],
      [{"entry": 0, "first": "jwt-expired", "excludes": ["jwt-issuer-mismatch"]}])

# --- jwt-alg-rejected ----------------------------------------------------------------------
write("jwt-alg-none", "An unsecured token (alg: none, empty signature)",
      [exchange(API, 401, "Bearer " + jwt({"alg": "none", "typ": "JWT"}, access(), sig=""), www=INVALID)],
      [{"entry": 0, "first": "jwt-alg-rejected", "excludes": ["jwt-malformed"]}])
write("jwt-alg-hs256-rejected", "HS256 token to an API pinned to RS256: 'invalid algorithm'",
      [exchange(API, 401, "Bearer " + jwt({"alg": "HS256", "typ": "JWT"}, access()), www=INVALID,
                body='{"error":"invalid_token","message":"invalid algorithm"}')],
      [{"entry": 0, "first": "jwt-alg-rejected", "excludes": ["jwt-signing-key-unknown"]}])
write("jwt-alg-near-miss-rs256", "A normal RS256 token rejected without details: the algorithm is not the cause",
      [exchange(API, 401, "Bearer " + jwt(AT, access()), www=INVALID)],
      [{"entry": 0, "excludes": ["jwt-alg-rejected", "jwt-malformed", "jwt-expired"]}])

# --- id-token-as-access-token --------------------------------------------------------------
idt = {"iss": "https://login.example.com/", "sub": "auth0|5f1c", "aud": "Xq9ClientIdAbc", "azp": "Xq9ClientIdAbc",
       "nonce": "bXlOb25jZQ", "at_hash": "77QmUPtjPfzWtF2AnpK9RQ", "auth_time": DATE - 100, "iat": DATE - 100,
       "exp": DATE + 36000, "name": "Jane Doe"}
write("id-token-sent-to-api", "The SPA sends the OpenID Connect ID token instead of the access token",
      [exchange(API, 401, "Bearer " + jwt(RS, idt),
                www='Bearer error="invalid_token", error_description="IDX10214: Audience validation failed. Audiences: \'Xq9ClientIdAbc\'."')],
      [{"entry": 0, "first": "id-token-as-access-token", "includes": ["jwt-audience-mismatch"]}])
write("id-token-cognito", "Amazon Cognito ID token (token_use: id) sent to an API Gateway authorizer",
      [exchange("https://abc123.execute-api.us-east-1.amazonaws.com/prod/items", 401,
                "Bearer " + jwt({"kid": "abc", "alg": "RS256"},
                                {"sub": "aaaa-bbbb", "aud": "3n4b5urk1ft4fl3mg5e62d9ado", "token_use": "id",
                                 "auth_time": DATE - 50, "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_ABC",
                                 "exp": DATE + 3550, "iat": DATE - 50, "email": "jane@example.com"}),
                www='Bearer error="invalid_token"', body='{"message":"Unauthorized"}')],
      [{"entry": 0, "first": "id-token-as-access-token"}])
write("id-token-near-miss-access-token", "A real access token (typ at+jwt, aud the API) rejected for scope",
      [exchange(API, 403, "Bearer " + jwt(AT, access()), www='Bearer error="insufficient_scope", scope="admin"')],
      [{"entry": 0, "excludes": ["id-token-as-access-token", "jwt-audience-mismatch"]}])

# --- jwt-malformed -------------------------------------------------------------------------
full = jwt(RS, access(name="x" * 300))
write("jwt-malformed-truncated", "Token cut off by a storage limit: the payload JSON ends early",
      [exchange(API, 401, "Bearer " + full[:180], www=INVALID,
                body='{"error":"invalid_token","error_description":"jwt malformed"}')],
      [{"entry": 0, "first": "jwt-malformed", "excludes": ["jwt-expired", "opaque-token-to-jwt-api"]}])
jwe = (b64({"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": "enc-1", "cty": "JWT"})
       + ".OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b"
       + ".5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji.XFBoMYUZodetZdvTiFvSkQ")
write("jwt-malformed-jwe", "An encrypted token (JWE) sent to an API that validates signed JWTs",
      [exchange(API, 401, "Bearer " + jwe, www=INVALID)],
      [{"entry": 0, "first": "jwt-malformed", "excludes": ["jwt-alg-rejected"]}])
good = jwt(AT, access())
write("jwt-malformed-concatenated", "Two tokens glued together by a string concatenation bug",
      [exchange(API, 401, "Bearer " + good + good, www=INVALID)],
      [{"entry": 0, "first": "jwt-malformed"}])
write("jwt-malformed-near-miss-opaque", "An opaque Google-style token with dots is not a malformed JWT",
      [exchange(API, 401, "Bearer ya29.a0AfB_byDg8-jTAQMiRXxDq3J1Pnb5NHe2LPWoocBcEIx", www=INVALID)],
      [{"entry": 0, "excludes": ["jwt-malformed", "opaque-token-to-jwt-api"]}])
write("jwt-malformed-near-miss-valid", "A well-formed token rejected for another reason",
      [exchange(API, 401, "Bearer " + good,
                www='Bearer error="invalid_token", error_description="jwt audience invalid. expected: https://app.example.com/api/v2"')],
      [{"entry": 0, "first": "jwt-audience-mismatch", "excludes": ["jwt-malformed"]}])

# --- Tier 2 --------------------------------------------------------------------------------
write("jwt-signing-key-rotated", "Keys rotated: the API's JWKS cache has no key for this kid (IDX10503)",
      [exchange(API, 401, "Bearer " + jwt(AT, access()),
                www='Bearer error="invalid_token", error_description="The signature key was not found"',
                body="IDX10503: Signature validation failed. Token does not have a kid. Keys tried: 'System.Text.StringBuilder'.")],
      [{"entry": 0, "first": "jwt-signing-key-unknown", "excludes": ["jwt-malformed"]}])
write("opaque-token-auth0-no-audience", "Auth0 opaque access token (no audience requested) sent to a JWT API",
      [exchange(API, 401, "Bearer K3pTzbbq2yC6aN5LVs1Hp0uWZD8jFmXq", www=INVALID,
                body='{"statusCode":401,"error":"Unauthorized","message":"jwt malformed"}')],
      [{"entry": 0, "first": "opaque-token-to-jwt-api", "excludes": ["jwt-malformed"]}])
write("dpop-nonce-required", "Resource server asks for a DPoP nonce",
      [exchange(API, 401, "DPoP " + jwt({"alg": "ES256", "typ": "at+jwt"}, access(cnf={"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"})),
                www='DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
                extra_req=[("DPoP", jwt({"typ": "dpop+jwt", "alg": "ES256", "jwk": {"kty": "EC", "crv": "P-256", "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs", "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}},
                                          {"htm": "GET", "htu": API, "iat": DATE, "jti": "e1j3V_bKic8-LAEB", "ath": "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"}))],
                extra_res=[("DPoP-Nonce", "eyJ7S_zG.eyJH0-Z.HX4w-7v")])],
      [{"entry": 0, "first": "dpop-nonce-required", "excludes": ["dpop-proof-invalid"]}])
write("dpop-bound-token-as-bearer", "A DPoP-bound token (cnf.jkt) sent with the Bearer scheme",
      [exchange(API, 401, "Bearer " + jwt({"alg": "ES256", "typ": "at+jwt"}, access(cnf={"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"})),
                www='DPoP algs="ES256 PS256", Bearer error="invalid_token"')],
      [{"entry": 0, "first": "dpop-proof-invalid", "excludes": ["dpop-nonce-required"]}])
write("bearer-token-in-url", "WebSocket-style access_token in the query string",
      [exchange("https://app.example.com/api/v1/events?access_token=" + good + "&v=2", 401, None,
                www='Bearer realm="api"')],
      [{"entry": 0, "includes": ["bearer-token-in-url"]}])
# --- client ids seen in the capture ----------------------------------------------------------
authz = exchange("https://login.example.com/authorize?client_id=spa-client-42&response_type=code&scope=openid%20profile"
                 "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&code_challenge=E9Melhoa2Owv&code_challenge_method=S256",
                 302, None, extra_res=[("Location", "https://app.example.com/callback?code=SplxlOBeZQQYbYS6WxSbIA")])
authz["resourceType"] = "document"
tok_for_client = jwt(AT, {"iss": "https://login.example.com/", "sub": "u-1", "aud": "spa-client-42",
                          "iat": DATE - 60, "exp": DATE + 3540, "scope": "openid profile"})
write("jwt-audience-client-id-from-capture", "The token's audience is the SPA's own client_id, seen in its authorization request",
      [authz, exchange(API, 401, "Bearer " + tok_for_client, www=INVALID)],
      [{"entry": 1, "first": "jwt-audience-mismatch", "excludes": ["id-token-as-access-token"]}])
write("jwt-audience-near-miss-unknown-id", "Same token without any sign that its aud is a client id",
      [exchange(API, 401, "Bearer " + tok_for_client, www=INVALID)],
      [{"entry": 0, "excludes": ["jwt-audience-mismatch"]}])

# --- refresh-token-rotation-race -----------------------------------------------------------
TOKEN_URL = "https://login.example.com/oauth/token"
rt_body = "grant_type=refresh_token&client_id=spa-client-42&refresh_token=v1.MRrT-4Qm9Zp2c8yDkWq"
win = exchange(TOKEN_URL, 200, None, method="POST", client=DATE - 1,
               body='{"access_token":"eyJ...","refresh_token":"v1.NEW","token_type":"Bearer","expires_in":3600}')
win["requestBody"] = rt_body
lose = exchange(TOKEN_URL, 400, None, method="POST", client=DATE - 1,
                body='{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}')
lose["startedMs"] += 180
lose["requestBody"] = rt_body
write("refresh-token-rotation-race", "Two tabs refresh with the same rotated refresh token; the second gets invalid_grant",
      [win, lose],
      # oauth-invalid-grant (error) outranks the race (warn, per the catalogue) at the same level.
      [{"entry": 1, "includes": ["refresh-token-rotation-race", "oauth-invalid-grant"]},
       {"entry": 0, "excludes": ["refresh-token-rotation-race"]}])
lone = dict(lose)
write("refresh-token-near-miss-single", "One refresh answered invalid_grant: an expired refresh token, not a race",
      [lone], [{"entry": 0, "excludes": ["refresh-token-rotation-race"]}])
write("dpop-proof-htu-rewritten", "A gateway rewrote the path: the proof's htu no longer matches the URL the API saw",
      [exchange("https://api.example.com/orders/v1/me", 401, "DPoP " + jwt({"alg": "ES256", "typ": "at+jwt"}, access(cnf={"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"})),
                www='DPoP error="invalid_dpop_proof", error_description="htu mismatch", algs="ES256"',
                extra_req=[("DPoP", jwt({"typ": "dpop+jwt", "alg": "ES256", "jwk": {"kty": "EC", "crv": "P-256", "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs", "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}},
                                          {"htm": "GET", "htu": "https://app.example.com/api/orders/v1/me", "iat": DATE - 2, "jti": "a1", "ath": "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"}))])],
      [{"entry": 0, "first": "dpop-proof-invalid", "excludes": ["dpop-nonce-required"]}])
# --- hidden rejections and cookie sessions ---------------------------------------------------
masked = exchange("https://api.shop-backend.test/v1/cart", 0, "Bearer " + jwt(RS, access(exp=DATE - 900, iat=DATE - 4500)),
                  date=None, extra_req=[("Origin", "https://app.example.com"), ("Sec-Fetch-Mode", "cors"),
                                        ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Dest", "empty")])
masked["responseHeaders"] = []
masked["error"] = "net::ERR_FAILED"
masked["corsError"] = {"corsError": "MissingAllowOriginHeader", "failedParameter": ""}
write("jwt-expired-behind-cors-error", "Expired token on a cross-origin call whose 401 is hidden by a CORS error (no status, no Date)",
      [masked], [{"entry": 0, "includes": ["jwt-expired"], "excludes": ["clock-skew"]}])
dns = dict(masked, error="net::ERR_NAME_NOT_RESOLVED")
del dns["corsError"]
write("jwt-expired-near-miss-dns-failure", "Same expired token, but the request never reached a server (DNS failure)",
      [dns], [{"entry": 0, "excludes": ["jwt-expired"]}])
sess = exchange("https://app.example.com/account/settings", 401, None, client=DATE + 1260,
                www='Cookie realm="app"', extra_req=[("Cookie", "sid=s%3AJ7qv2x; theme=dark")])
sess["resourceType"] = "document"
write("clock-skew-cookie-session", "A cookie session rejected while this computer's clock runs 21 min ahead",
      [sess], [{"entry": 0, "includes": ["clock-skew"]}])
# --- bearer-token-in-url near misses and Location --------------------------------------------
write("bearer-token-in-url-near-miss-pagination", "A next_token pagination cursor is not an access token",
      [exchange("https://app.example.com/api/v1/items?next_token=eyJsYXN0IjoxMjN9&limit=50", 401, None,
                www='Bearer realm="api"')],
      [{"entry": 0, "excludes": ["bearer-token-in-url"]}])
redir = exchange("https://login.example.com/sso/return?state=af0ifjsldkj", 302, None,
                 extra_res=[("Location", "/app/landing?access_token=" + good + "&expires_in=3600")])
redir["resourceType"] = "document"
write("bearer-token-in-url-location", "A legacy SSO bridge redirects with the access token in the query string",
      [redir], [{"entry": 0, "includes": ["bearer-token-in-url"]}])
print("ok")
