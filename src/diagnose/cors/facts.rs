//! The CORS facts of one exchange, computed once: who asked (origin), with which credentials
//! mode, what the browser reported, and what the Fetch checks say about the captured preflight
//! and response. `diagnose()` builds them once per exchange; every CORS rule reads them instead of
//! re-running the checks, and a flagged exchange keeps the owned subset the popup shows
//! ([`CorsFacts`]).

use super::reported::{self, Kind, Reported};
use crate::diagnose::context::Ctx;
use crate::engine;
use crate::fetch::{self, AuthorizationWildcard, CorsFailure, CredentialsMode, PreflightFailure, PreflightRequest};
use crate::finding::Signal;
use crate::headers::cors::{self as hc, AllowCredentials, AllowOriginField, RequestOrigin};
use crate::model::{Exchange, Headers};
use crate::signals::{FetchMode, FetchSite, ResourceType, is_preflight};
use crate::site::Relation;

/// Why we believe the request was (or was not) credentialed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredBasis {
    /// The browser's error can only happen with `credentials: 'include'`.
    Reported,
    /// The cross-origin request carried `Cookie`, which only `include` sends.
    CookieSent,
    /// The browser blocked the response, and only a credentialed request fails these checks.
    FailureOnlyWithCredentials,
    /// Nothing shows the mode; checks ran as for a request without credentials.
    Unknown,
}

/// The first failed CORS step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Primary {
    Preflight(PreflightFailure),
    Response(CorsFailure),
    /// Reported failures with no header-level counterpart (mode, scheme, LNA, redirect userinfo).
    Other(Kind),
}

/// The captured preflight of this request (or this exchange itself, when it is a preflight
/// whose actual request was never sent).
pub struct Pre<'c, 'a> {
    pub index: usize,
    pub ex: &'c Exchange<'a>,
}

/// Everything the CORS rules need about one cross-origin exchange.
pub struct Facts<'c, 'a> {
    /// This exchange is a preflight whose actual request is in the capture: that request carries
    /// the findings, and only the popup's picture of the OPTIONS entry reads these facts.
    pub preflight_of_captured_request: bool,
    /// The request's serialized origin (`null` included).
    pub origin: String,
    pub origin_null: bool,
    pub mode: CredentialsMode,
    pub basis: CredBasis,
    pub reported: Option<Reported>,
    /// The browser refused the response (CDP error, `net::ERR_FAILED`, or status 0).
    pub blocked: bool,
    /// This exchange is a preflight whose actual request is not in the capture.
    pub orphan_preflight: bool,
    /// The method and CORS-unsafe header names of the actual request.
    pub method: String,
    pub unsafe_names: Vec<String>,
    pub acao: AllowOriginField,
    pub acac: AllowCredentials,
    /// Whether the exchange has a response to check (headers captured).
    pub has_response: bool,
    /// The status, or 401 when a status-0 capture still shows a `WWW-Authenticate`.
    pub status: u16,
    pub preflight: Option<Pre<'c, 'a>>,
    pub primary: Option<(Primary, Signal)>,
    /// `Authorization` was covered only by `Access-Control-Allow-Headers: *` without credentials.
    pub authorization_by_wildcard: bool,
    /// The response passes now but would fail for a credentialed request.
    pub include_would_fail: Option<CorsFailure>,
    /// The actual request got a response the browser did not refuse: its preflight passed.
    actual_sent: bool,
    /// `Sec-Fetch-Mode` was captured (so this is known to be a CORS-mode request).
    mode_known: bool,
    /// How the capturing engine treats `Access-Control-Allow-Headers: *` for `Authorization`.
    authorization_wildcard: AuthorizationWildcard,
    /// The capturing engine's name, for explanations.
    pub engine: Option<&'static str>,
}

/// Whether the browser refused this exchange's response.
fn is_blocked(ex: &Exchange<'_>) -> bool {
    if ex.cors_error.is_some() {
        return true;
    }
    match ex.error.as_deref() {
        Some(e) => {
            let l = e.to_ascii_lowercase();
            l.contains("err_failed") || l.contains("cors") || l.contains("ns_error_dom_bad_uri")
        }
        None => ex.status == 0,
    }
}

/// Whether a later exchange (within a short window: the actual request follows its preflight
/// closely) was correlated to preflight `index`.
fn preflight_has_main(ctx: &Ctx<'_, '_>) -> bool {
    let start = ctx.index.saturating_add(1);
    let end = start.saturating_add(64).min(ctx.corr.preflight.len());
    ctx.corr.preflight.get(start..end).is_some_and(|w| w.contains(&Some(ctx.index)))
}

/// Whether the exchange is a CORS request that crossed origins.
fn is_cors_request(ctx: &Ctx<'_, '_>, origin: &RequestOrigin<'_>) -> bool {
    if ctx.is_navigation() {
        return false;
    }
    if matches!(ctx.resource, Some(ResourceType::Document | ResourceType::Subdocument | ResourceType::WebSocket)) {
        return false;
    }
    // Only a cross-origin CORS request is ever preflighted (Fetch #cors-preflight-fetch), so a captured
    // preflight settles it even when the failed request itself carries no headers (the extension sees
    // only the error of a request whose preflight failed).
    if ctx.preflight().is_some() {
        return true;
    }
    // Sec-Fetch-Site, when sent, is the browser's own verdict; otherwise compare origins.
    let cross = matches!(origin, RequestOrigin::Null)
        || match ctx.site {
            Some(FetchSite::SameOrigin | FetchSite::None) => false,
            Some(FetchSite::SameSite | FetchSite::CrossSite) => true,
            _ => ctx.relation.is_some_and(|r| r != Relation::SameOrigin),
        };
    match ctx.mode {
        Some(m) => m == FetchMode::Cors && cross,
        None => cross && !matches!(origin, RequestOrigin::Absent),
    }
}

/// Converts a reported error into the failure the checks would have produced.
fn primary_from_reported(r: &Reported, pre: Option<&Exchange<'_>>, method: &str) -> Primary {
    use hc::TokenList;
    let status = pre.map_or(0, |p| p.status);
    let cors = |c: CorsFailure| {
        if r.on_preflight { Primary::Preflight(PreflightFailure::Cors(c)) } else { Primary::Response(c) }
    };
    let list = |name: &str| pre.map(|p| hc::token_list(&p.response_headers, name)).unwrap_or(TokenList::Absent);
    match r.kind {
        Kind::WildcardOriginNotAllowed => cors(CorsFailure::WildcardWithCredentials),
        Kind::MissingAllowOriginHeader => cors(CorsFailure::MissingAllowOrigin),
        Kind::MultipleAllowOriginValues => cors(CorsFailure::MultipleAllowOrigin),
        Kind::InvalidAllowOriginValue => cors(CorsFailure::InvalidAllowOrigin),
        Kind::AllowOriginMismatch => cors(CorsFailure::AllowOriginMismatch),
        Kind::InvalidAllowCredentials => cors(CorsFailure::InvalidAllowCredentials),
        Kind::PreflightInvalidStatus => Primary::Preflight(PreflightFailure::NotOk(status)),
        Kind::InvalidResponse => Primary::Preflight(PreflightFailure::NotOk(0)),
        Kind::PreflightDisallowedRedirect => Primary::Preflight(PreflightFailure::Redirected(status)),
        Kind::InvalidAllowMethods => Primary::Preflight(PreflightFailure::AllowMethodsUnparseable(r.param.clone())),
        Kind::InvalidAllowHeaders => Primary::Preflight(PreflightFailure::AllowHeadersUnparseable(r.param.clone())),
        Kind::MethodDisallowed => Primary::Preflight(PreflightFailure::MethodNotAllowed {
            method: if r.param.is_empty() { method.to_string() } else { r.param.clone() },
            wildcard_ignored: list("access-control-allow-methods").has_wildcard(),
        }),
        Kind::HeaderDisallowed => Primary::Preflight(PreflightFailure::HeaderNotAllowed {
            name: r.param.to_ascii_lowercase(),
            wildcard_ignored: list("access-control-allow-headers").has_wildcard(),
        }),
        ref k => Primary::Other(k.clone()),
    }
}

impl<'c, 'a> Facts<'c, 'a> {
    /// The facts of `ctx.ex`, or `None` when no CORS rule applies (same-origin, navigation,
    /// no-cors). A preflight whose actual request is captured is analysed on its own too (for the
    /// popup's picture of the OPTIONS entry) and marked `preflight_of_captured_request`.
    pub fn build(ctx: &Ctx<'c, 'a>) -> Option<Facts<'c, 'a>> {
        let ex = ctx.ex;
        let reported = ex.cors_error.as_ref().map(reported::map);
        let orphan_preflight = is_preflight(ex);
        let preflight_of_captured_request = orphan_preflight && preflight_has_main(ctx);
        let origin_hdr = hc::request_origin(&ex.request_headers);
        let raw_origin = ex.request_headers.get("origin").or(ex.initiator.as_deref()).unwrap_or("");
        if ["chrome-extension:", "moz-extension:", "safari-web-extension:"].iter().any(|s| raw_origin.starts_with(s)) {
            return None; // extensions with host permissions are exempt from CORS
        }
        if reported.is_none() && !orphan_preflight && !is_cors_request(ctx, &origin_hdr) {
            return None;
        }
        let origin = match origin_hdr {
            RequestOrigin::Origin(o) => o.to_string(),
            RequestOrigin::Null => "null".to_string(),
            _ => {
                let o = ctx.initiator.as_ref().or(ctx.page.as_ref())?.origin();
                if !o.is_tuple() {
                    return None;
                }
                o.ascii_serialization()
            }
        };
        let origin_null = origin == "null";

        let preflight = if orphan_preflight {
            Some(Pre { index: ctx.index, ex })
        } else {
            ctx.preflight().map(|(index, ex)| Pre { index, ex })
        };
        let method = preflight
            .as_ref()
            .and_then(|p| hc::request_method(&p.ex.request_headers))
            .unwrap_or(&ex.method)
            .to_string();
        let unsafe_names =
            preflight.as_ref().and_then(|p| hc::request_header_names(&p.ex.request_headers)).unwrap_or_else(|| {
                fetch::cors_unsafe_request_header_names(fetch::author_request_headers(&ex.request_headers))
            });

        let (mut mode, mut basis) = if reported.as_ref().is_some_and(Reported::implies_credentials) {
            (CredentialsMode::Include, CredBasis::Reported)
        } else if !orphan_preflight && ctx.creds.cookie {
            (CredentialsMode::Include, CredBasis::CookieSent)
        } else {
            (CredentialsMode::Omit, CredBasis::Unknown)
        };

        let blocked = is_blocked(ex);
        // Fetch applies no CORS check to 304 (the stored headers count) and 407 responses, nor to
        // a service worker's; and a redirect the browser followed evidently passed it.
        let followed =
            (300..400).contains(&ex.status) && ctx.corr.redirected_to.get(ctx.index).copied().flatten().is_some();
        let exempt = matches!(ex.status, 304 | 407)
            || followed
            || crate::signals::CacheSource::of(ex) == Some(crate::signals::CacheSource::ServiceWorker);
        let has_response = !orphan_preflight && !exempt && !ex.response_headers.is_empty();
        let status = if ex.status == 0 && ex.response_headers.has_challenge() { 401 } else { ex.status };
        let acao = hc::allow_origin(&ex.response_headers);
        let acac = hc::allow_credentials(&ex.response_headers);

        let mut f = Facts {
            preflight_of_captured_request,
            origin,
            origin_null,
            mode,
            basis,
            reported,
            blocked,
            orphan_preflight,
            method,
            unsafe_names,
            acao,
            acac,
            has_response,
            status,
            preflight,
            primary: None,
            authorization_by_wildcard: false,
            include_would_fail: None,
            actual_sent: has_response && ex.status != 0 && !blocked,
            mode_known: ctx.mode.is_some(),
            authorization_wildcard: if engine::wildcard_covers_authorization(ctx.browser()) {
                AuthorizationWildcard::Lenient
            } else {
                AuthorizationWildcard::Spec
            },
            engine: engine::name(ctx.browser()),
        };

        if let Some(r) = &f.reported {
            let p = primary_from_reported(r, f.preflight.as_ref().map(|p| p.ex), &f.method);
            f.primary = Some((p, Signal::Reported));
            return Some(f);
        }
        let mut found = f.run_checks(mode);
        // DIAGNOSES §0.7 rule 3: credentials are inferred only from a refusal that nothing else
        // explains. A failure the engine's rules explain without credentials (`found`) settles it,
        // and a preflight whose actual request is not captured proves nothing about that request:
        // its own Allow-Credentials is judged only when the request is known to be credentialed.
        if found.is_none() && basis == CredBasis::Unknown {
            let with_creds = f.run_checks(CredentialsMode::Include);
            if with_creds.is_some() && blocked && !f.orphan_preflight {
                mode = CredentialsMode::Include;
                basis = CredBasis::FailureOnlyWithCredentials;
                f.mode = mode;
                f.basis = basis;
                found = with_creds;
            } else if let Some(Primary::Response(c)) = with_creds {
                f.include_would_fail = Some(c);
            }
        }
        if let Some(p) = found {
            f.primary = Some((p, Signal::Inferred));
        }
        Some(f)
    }

    /// Runs the preflight and response checks as if the credentials mode were `mode`.
    fn run_checks(&mut self, mode: CredentialsMode) -> Option<Primary> {
        if let Some(pre) = &self.preflight {
            let req = PreflightRequest {
                method: &self.method,
                unsafe_headers: &self.unsafe_names,
                mode,
                origin: &self.origin,
                authorization_wildcard: AuthorizationWildcard::Spec,
            };
            let lenient = self.authorization_wildcard == AuthorizationWildcard::Lenient;
            let pre_status = if pre.ex.status == 0 && pre.ex.response_headers.is_empty() { 0 } else { pre.ex.status };
            match fetch::check_preflight(&req, pre_status, &pre.ex.response_headers) {
                Ok(_) => {}
                Err(PreflightFailure::HeaderNotAllowed { name, wildcard_ignored: true })
                    if lenient
                        && mode != CredentialsMode::Include
                        && fetch::is_cors_non_wildcard_request_header_name(&name) =>
                {
                    // This engine lets it through (the spec does not); look for what else could fail.
                    self.authorization_by_wildcard = true;
                    let lenient = PreflightRequest { authorization_wildcard: AuthorizationWildcard::Lenient, ..req };
                    if let Err(e) = fetch::check_preflight(&lenient, pre_status, &pre.ex.response_headers) {
                        if !self.actual_sent {
                            return Some(Primary::Preflight(e));
                        }
                    }
                }
                // The actual request went out, so the browser accepted this preflight: our reading
                // of it (credentials mode, correlation) must be wrong.
                Err(_) if self.actual_sent => {}
                Err(e) => return Some(Primary::Preflight(e)),
            }
        }
        if self.has_response {
            if let Err(e) = fetch::cors_check(&self.origin, mode, &self.acao, &self.acac) {
                // Without Sec-Fetch-Mode a successful, unrefused response may be a no-cors request
                // (which needs no CORS headers); error statuses are still worth the inference.
                let maybe_no_cors = !self.mode_known && self.actual_sent && self.status < 400;
                if !maybe_no_cors {
                    return Some(Primary::Response(e));
                }
            }
        }
        None
    }

    /// The preflight's status, when a preflight was captured.
    pub fn preflight_status(&self) -> Option<u16> {
        self.preflight.as_ref().map(|p| p.ex.status)
    }

    /// The failure, when it is on the preflight.
    pub fn preflight_failure(&self) -> Option<&PreflightFailure> {
        match &self.primary {
            Some((Primary::Preflight(p), _)) => Some(p),
            _ => None,
        }
    }

    /// The CORS-check failure and whether it was on the preflight.
    pub fn cors_failure(&self) -> Option<(&CorsFailure, bool)> {
        match &self.primary {
            Some((Primary::Response(c), _)) => Some((c, false)),
            Some((Primary::Preflight(PreflightFailure::Cors(c)), _)) => Some((c, true)),
            _ => None,
        }
    }

    /// The signal of the primary failure.
    pub fn signal(&self) -> Signal {
        self.primary.as_ref().map_or(Signal::Inferred, |p| p.1)
    }

    /// The preflight was answered by an authentication layer.
    pub fn preflight_auth_status(&self) -> Option<u16> {
        self.preflight_status().filter(|s| matches!(s, 401 | 403 | 407))
    }

    /// The exchange whose headers the failing check read (the preflight or this response).
    pub fn failing_headers<'s>(&'s self, ctx: &'s Ctx<'c, 'a>) -> &'s crate::model::Headers<'a> {
        match (&self.primary, &self.preflight) {
            (Some((Primary::Preflight(_), _)), Some(p)) => &p.ex.response_headers,
            _ => &ctx.ex.response_headers,
        }
    }

    /// How we know the credentials mode, in words for explanations.
    pub fn basis_words(&self) -> &'static str {
        match self.basis {
            CredBasis::Reported => "the browser reported a credentialed request (credentials: 'include')",
            CredBasis::CookieSent => {
                "it carried a Cookie header, so it was sent with credentials: 'include' (inferred: the capture does not state the mode)"
            }
            CredBasis::FailureOnlyWithCredentials => {
                "the browser blocked the response, and these headers fail only for a credentialed request, so it was most likely sent with credentials: 'include' / withCredentials (inferred)"
            }
            CredBasis::Unknown => "the capture does not show whether it was sent with credentials",
        }
    }
}

/// Which CORS step failed, as the popup states it (typed; the view words it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailedCheck {
    Preflight(PreflightFailure),
    Response(CorsFailure),
    /// A reported failure with no header-level counterpart (mode, scheme, LNA, redirect
    /// userinfo): the browser's own value.
    Reported(Option<String>),
    /// The browser blocked the response, but the capture lacks the headers that would say why.
    Blocked,
}

/// The CORS picture of one flagged exchange: the owned subset of [`Facts`] the popup shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorsFacts {
    /// The top-level page's origin.
    pub page_origin: Option<String>,
    /// The request's `Origin`, as sent.
    pub request_origin: Option<String>,
    /// How the credentials mode is known.
    pub credentials: CredBasis,
    /// The response's `Access-Control-*`, `Vary` and `Origin` lines (none for a preflight whose
    /// actual request is missing: the OPTIONS answer is in `preflight_headers`).
    pub response_headers: Vec<(String, String)>,
    pub preflight_status: Option<u16>,
    /// The same lines of the preflight's request, then of its response.
    pub preflight_headers: Vec<(String, String)>,
    /// The first failed step; `None` when every check passed.
    pub failed: Option<FailedCheck>,
}

/// The `Access-Control-*`, `Vary` and `Origin` lines of a header list, as captured.
fn cors_lines(h: &Headers<'_>) -> Vec<(String, String)> {
    h.0.iter()
        .filter(|x| {
            let n = x.name.to_ascii_lowercase();
            n.starts_with("access-control-") || n == "vary" || n == "origin"
        })
        .map(|x| (x.name.to_string(), x.value.to_string()))
        .collect()
}

impl Facts<'_, '_> {
    /// The owned subset the popup shows (built only for flagged exchanges).
    pub fn picture(&self, ctx: &Ctx<'_, '_>) -> CorsFacts {
        let failed = match &self.primary {
            Some((Primary::Preflight(p), _)) => Some(FailedCheck::Preflight(p.clone())),
            Some((Primary::Response(c), _)) => Some(FailedCheck::Response(c.clone())),
            Some((Primary::Other(_), _)) => Some(FailedCheck::Reported(self.reported.as_ref().map(|r| r.raw.clone()))),
            None => self.blocked.then_some(FailedCheck::Blocked),
        };
        CorsFacts {
            page_origin: ctx.page.as_ref().map(|p| p.origin().ascii_serialization()),
            request_origin: hc::field_lines(&ctx.ex.request_headers, "origin").next().map(str::to_string),
            credentials: self.basis,
            response_headers: if self.orphan_preflight { Vec::new() } else { cors_lines(&ctx.ex.response_headers) },
            preflight_status: self.preflight.as_ref().map(|p| p.ex.status),
            preflight_headers: self
                .preflight
                .as_ref()
                .map(|p| {
                    let mut v = cors_lines(&p.ex.request_headers);
                    v.extend(cors_lines(&p.ex.response_headers));
                    v
                })
                .unwrap_or_default(),
            failed,
        }
    }
}
