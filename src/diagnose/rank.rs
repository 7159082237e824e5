//! Ranking: the most likely root cause first, a symptom never above its cause
//! (DIAGNOSES.md Appendix D.5, refined so that a masked 401's cause outranks the CORS mask).

use crate::catalogue::FindingId::{self, *};
use crate::finding::Finding;

/// Lower is nearer the root cause. Levels:
/// 0 blocked before HTTP auth, 1 CORS/preflight blocks, 2 credential not sent or stripped,
/// 3 specific rejection causes, 4 server-reported generic rejections, 6 generic, 7 symptoms, 8 hygiene.
/// Exhaustive on purpose: a new catalogue id does not compile until someone decides where it ranks.
pub fn precedence(id: FindingId) -> u8 {
    match id {
        MixedContentBlocked
        | UrlEmbeddedCredentials
        | CorsModeOrSchemeBlocked
        | LnaPermissionDenied
        | LnaInsecureInitiator
        | LnaAddressSpaceMismatch
        | ClientCertificateRequired
        | ProxyAuthRequired => 0,
        CorsPreflightBlockedByAuth
        | CorsPreflightRedirect
        | CorsPreflightBadStatus
        | CorsAuthorizationNotAllowed
        | CorsRequestHeaderNotAllowed
        | CorsMethodNotAllowed
        | CorsAllowListUnparseable
        | CorsRedirectToLogin
        | AuthProxyRedirectsApi
        | CorsRedirectContainsCredentials
        | CorsWildcardWithCredentials
        | CorsAllowCredentialsInvalid
        | CorsAllowOriginMismatch
        | CorsAllowOriginMalformed
        | CorsAllowOriginMissing
        | CorsOriginNull => 1,
        BearerPlaceholderValue
        | AuthorizationSchemeMismatch
        | CredentialSyntaxInvalid
        | CredentialsModeOmitsCookies
        | NoCorsModeStripsAuthorization
        | AuthorizationDroppedOnCrossOriginRedirect
        | ServiceWorkerDropsCredentials
        | ApiCannotAttachAuthorization
        | AuthPromptSuppressed
        | NegotiateNotAttempted
        | CookieNotOnPath
        | CookieDomainMismatch
        | CookieSamesiteStrictExcluded
        | CookieSamesiteLaxExcluded
        | CookieLaxAllowUnsafeExpired
        | CookieCrossSiteRedirectDowngrade
        | CookieThirdPartyBlocked
        | CookieInOtherPartition
        | CookieAnonymousContext
        | SetCookieSamesiteNoneInsecure
        | SetCookieSamesiteBlockedCrossSite
        | SetCookieThirdPartyBlocked
        | SetCookieSyntaxError
        | SetCookieTooLarge
        | SetCookieInvalidDomain
        | SetCookieInvalidPrefix
        | SetCookieSchemeNotSupported
        | SetCookiePartitionedWithoutSecure
        | SetCookieExpiredOnArrival
        | SetCookieIgnoredWithoutCredentials
        | SecureCookieInsecureOrigin
        | SchemefulSameSite
        | OverwriteSecureCookie
        | OriginBoundCookieMismatch
        | ProxyStrippedAuthorization
        | ApacheCgiDropsAuthorization
        | CdnStripsAuthorization
        | CacheStripsCookie
        | NginxDropsUnderscoreHeader
        | LeftoverBasicAuthGate
        | TlsOffloadSecureCookieMissing
        | WafBlockMasquerading
        | RequestHeadersTooLarge
        | Cached401Served => 2,
        JwtMalformed
        | JwtExpired
        | JwtNotYetValid
        | JwtAudienceMismatch
        | JwtIssuerMismatch
        | JwtSigningKeyUnknown
        | JwtAlgRejected
        | IdTokenAsAccessToken
        | BasicCredentialsMalformed
        | DigestStaleNonce
        | DigestUnsupportedChallenge
        | DigestUriMismatch
        | OauthInvalidClient
        | OauthRedirectUriMismatch
        | DpopNonceRequired
        | DpopProofInvalid
        | StaleBrowserAuthCache
        | NtlmHandshakeBroken
        | OpaqueTokenToJwtApi
        | RefreshTokenRotationRace => 3,
        BearerInvalidToken
        | BearerInsufficientScope
        | BearerInvalidRequest
        | BasicCredentialsInvalid
        | ClockSkew
        | SessionCookieAbsent
        | SessionCookieRejected
        | DuplicateCookieShadowing
        | InstanceSessionMismatch
        // Who answered or what the server said, not why: the specific cause (audience, rotation race) ranks first.
        | ApiGatewayAuthorizerRejection
        | OauthInvalidGrant => 4,
        NoCredentialsSent
        | CredentialsRejected
        | Status401ForForbidden
        | LoginRedirectForApi
        | Status403ForMissingCredentials => 6,
        CorsErrorMasks401 | ChallengeLoop => 7,
        // Hygiene and protocol advice: true, worth fixing, rarely why this request failed.
        BearerTokenInUrl
        | SetCookieAttributeTooLong
        | SetCookieUnparseableExpires
        | SetCookieLifetimeCapped
        | SetCookieSamesiteInvalidValue
        | SetCookieDefaultPathTooNarrow
        | CookieHttponlyUnreadableByScript
        | CookieExemptionInEffect
        | CorsVaryOriginMissing
        | CorsChallengeHeadersNotExposed
        | CorsPreflightCacheStale
        | AuthFailureCacheable
        | AuthResponseCacheKeyUnsafe
        | Status401WithoutWwwAuthenticate
        | WwwAuthenticateMalformed
        | BearerErrorWithoutCredentials
        | ErrorStatusMismatch
        | ResourceMetadataAdvertised
        | CredentialsOverCleartext
        | HstsUpgradedHttpUrl => 8,
    }
}

/// Whether `id` explains a refusal of credentials more specifically than `credentials-rejected`
/// (catalogue: that generic id applies only when "no more specific rule in B, C, F or G matches"),
/// or shows that the credential seen on the page never reached the server at all.
fn explains_rejection(id: FindingId) -> bool {
    use crate::catalogue::Group;
    let never_arrived = matches!(
        id,
        ServiceWorkerDropsCredentials | AuthorizationDroppedOnCrossOriginRedirect | NoCorsModeStripsAuthorization
    );
    never_arrived
        || (id != CredentialsRejected
            && matches!(id.group(), Group::B | Group::C | Group::F | Group::G)
            && precedence(id) <= 4)
}

/// A finding that explains the others of its exchange ranks at level 2 at most: it is why the
/// credential was missing or refused, so it goes above the rejection it explains (DIAGNOSES.md §0.7).
fn effective_precedence(f: &Finding, token_defect: bool) -> u8 {
    if f.leads {
        precedence(f.id).min(2)
    } else if token_defect
        && f.id == ProxyStrippedAuthorization
        && f.confidence < crate::diagnose::credentials::BODY_SAYS_MISSING
    {
        // A stripped header is read from the server's silence (a bare challenge); a defect visible
        // in the token itself explains the same silence with evidence, so the strip ranks after it.
        4
    } else {
        precedence(f.id)
    }
}

/// Defects visible in the token itself (RFC 7519 claims, its form, its kind).
fn is_token_defect(id: FindingId) -> bool {
    matches!(id, JwtExpired | JwtNotYetValid | JwtMalformed | JwtAlgRejected | JwtIssuerMismatch | IdTokenAsAccessToken)
}

/// Sorts findings into rank order, drops repeated ids (the first, best-ranked, copy stays) and
/// drops the generic `credentials-rejected` when a specific rejection cause is present.
pub fn rank(findings: &mut Vec<Finding>) {
    let token_defect = findings.iter().any(|f| is_token_defect(f.id));
    findings
        .sort_by_key(|f| (effective_precedence(f, token_defect), f.severity, f.signal, 100 - f.confidence.min(100)));
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert(f.id));
    if findings.iter().any(|f| explains_rejection(f.id)) {
        findings.retain(|f| f.id != CredentialsRejected);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Fix;

    #[test]
    fn cause_outranks_symptom_and_generic() {
        let mut v = vec![
            Finding::new(CorsErrorMasks401, "", Fix::default()),
            Finding::new(CredentialsRejected, "", Fix::default()),
            Finding::new(JwtExpired, "", Fix::default()),
            Finding::new(Status401WithoutWwwAuthenticate, "", Fix::default()),
            Finding::new(JwtExpired, "dup", Fix::default()),
        ];
        rank(&mut v);
        let ids: Vec<_> = v.iter().map(|f| f.id).collect();
        assert_eq!(ids, [JwtExpired, CorsErrorMasks401, Status401WithoutWwwAuthenticate]);
    }

    #[test]
    fn generic_rejection_stays_when_nothing_specific() {
        let mut v = vec![
            Finding::new(Status401WithoutWwwAuthenticate, "", Fix::default()),
            Finding::new(CredentialsRejected, "", Fix::default()),
        ];
        rank(&mut v);
        assert_eq!(v.iter().map(|f| f.id).collect::<Vec<_>>(), [CredentialsRejected, Status401WithoutWwwAuthenticate]);
    }

    #[test]
    fn a_leading_cause_goes_above_what_it_explains_but_not_above_a_block() {
        let mut v = vec![
            Finding::new(JwtExpired, "", Fix::default()),
            Finding::new(ClockSkew, "", Fix::default()).leads(),
            Finding::new(CorsAllowOriginMissing, "", Fix::default()),
        ];
        rank(&mut v);
        assert_eq!(v.iter().map(|f| f.id).collect::<Vec<_>>(), [CorsAllowOriginMissing, ClockSkew, JwtExpired]);
        let mut plain = vec![Finding::new(JwtExpired, "", Fix::default()), Finding::new(ClockSkew, "", Fix::default())];
        rank(&mut plain);
        assert_eq!(plain.iter().map(|f| f.id).collect::<Vec<_>>(), [JwtExpired, ClockSkew]);
    }

    #[test]
    fn a_token_defect_outranks_a_strip_read_from_silence() {
        let strip = |c: u8| Finding::new(ProxyStrippedAuthorization, "", Fix::default()).confidence(c);
        let mut v = vec![strip(55), Finding::new(IdTokenAsAccessToken, "", Fix::default())];
        rank(&mut v);
        assert_eq!(v[0].id, IdTokenAsAccessToken);
        // Near misses: the body said the header was missing; no token defect at all.
        let mut v = vec![strip(80), Finding::new(IdTokenAsAccessToken, "", Fix::default())];
        rank(&mut v);
        assert_eq!(v[0].id, ProxyStrippedAuthorization);
        let mut v = vec![Finding::new(BearerInvalidToken, "", Fix::default()), strip(55)];
        rank(&mut v);
        assert_eq!(v[0].id, ProxyStrippedAuthorization);
    }

    /// The levels in use are exactly the documented ones, and every level holds at least one id
    /// (a level left empty means a group was mis-filed).
    #[test]
    fn levels_are_the_documented_ones() {
        let mut used: Vec<u8> = FindingId::ALL.iter().map(|&id| precedence(id)).collect();
        used.sort_unstable();
        used.dedup();
        assert_eq!(used, [0, 1, 2, 3, 4, 6, 7, 8]);
    }
}
