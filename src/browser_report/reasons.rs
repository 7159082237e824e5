//! Every reason Chromium can give for a blocked cookie, a refused `Set-Cookie` line, a CORS failure
//! or a cookie exemption, and the catalogue ids it names (DIAGNOSES.md Appendix A).
//!
//! Source of the names: devtools-protocol `json/browser_protocol.json` (commit 5ee78b3, 2026-08-22;
//! the lists are kept in `data/cdp-browser-reasons.json` and a test checks this table covers
//! them), plus the aliases of Appendix A.9 that older Chromium still sends. A reason names a set of
//! ids because some depend on what only the capture knows (a `MissingAllowOriginHeader` on a 401 is
//! `cors-error-masks-401`, on a 200 `cors-allow-origin-missing`): inference agrees with the browser
//! when it found any one of them. This table is the comparison's statement of the mapping; the
//! rules in `diagnose/` keep their own (refined) mapping for the findings they write.

use crate::catalogue::FindingId;
use crate::catalogue::FindingId::*;

/// The protocol enum a reason belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Enum {
    /// `Network.CookieBlockedReason` (`requestWillBeSentExtraInfo.associatedCookies[].blockedReasons`).
    CookieBlockedReason,
    /// `Network.SetCookieBlockedReason` (`responseReceivedExtraInfo.blockedCookies[].blockedReasons`).
    SetCookieBlockedReason,
    /// `Network.CorsError` (`loadingFailed.corsErrorStatus.corsError`, `Audits.CorsIssueDetails`).
    CorsError,
    /// `Network.CookieExemptionReason` (`associatedCookies[].exemptionReason`).
    CookieExemptionReason,
    /// `Audits.CookieExclusionReason` (`CookieIssueDetails.cookieExclusionReasons`).
    CookieExclusionReason,
    /// `Audits.CookieWarningReason` (`CookieIssueDetails.cookieWarningReasons`): predictive only.
    CookieWarningReason,
}

impl Enum {
    /// The protocol's name for the enum (`Network.CookieBlockedReason` …).
    pub fn protocol_name(self) -> &'static str {
        match self {
            Enum::CookieBlockedReason => "Network.CookieBlockedReason",
            Enum::SetCookieBlockedReason => "Network.SetCookieBlockedReason",
            Enum::CorsError => "Network.CorsError",
            Enum::CookieExemptionReason => "Network.CookieExemptionReason",
            Enum::CookieExclusionReason => "Audits.CookieExclusionReason",
            Enum::CookieWarningReason => "Audits.CookieWarningReason",
        }
    }
}

/// What a reason means for the diagnosis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A cause the catalogue names: any one of these ids states it.
    Ids(&'static [FindingId]),
    /// A cause only the browser can know (an exemption, an anonymous context): reported, never
    /// expected of inference, so not compared.
    BrowserOnly(&'static [FindingId]),
    /// A warning about a future or another browser (`Audits.CookieWarningReason`): shown, not compared.
    Predictive(&'static [FindingId]),
    /// Chromium's catch-all (`UnknownError`): shown with its raw text, names no id.
    Generic,
    /// A value kept only for the DevTools frontend (`None`, legacy experiments): no cause.
    Ignored,
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct Reason {
    pub within: Enum,
    pub name: &'static str,
    pub cause: Cause,
    /// Where the meaning comes from (Appendix section; `A.9` marks an alias of a removed value).
    pub source: &'static str,
}

const fn r(within: Enum, name: &'static str, cause: Cause, source: &'static str) -> Reason {
    Reason { within, name, cause, source }
}

use Cause::{BrowserOnly, Generic, Ids, Ignored, Predictive};
use Enum::{
    CookieBlockedReason as CB, CookieExclusionReason as CX, CookieExemptionReason as EX, CookieWarningReason as CW,
    CorsError as CE, SetCookieBlockedReason as SB,
};

const LAX: &[FindingId] = &[CookieSamesiteLaxExcluded];
const LAX_DEFAULT: &[FindingId] = &[CookieSamesiteLaxExcluded, CookieLaxAllowUnsafeExpired];
const STRICT: &[FindingId] = &[CookieSamesiteStrictExcluded];
const SCHEMEFUL_STRICT: &[FindingId] = &[SchemefulSameSite, CookieSamesiteStrictExcluded];
const SCHEMEFUL_LAX: &[FindingId] = &[SchemefulSameSite, CookieSamesiteLaxExcluded, CookieLaxAllowUnsafeExpired];
const THIRD_PARTY: &[FindingId] = &[CookieThirdPartyBlocked];
const SET_THIRD_PARTY: &[FindingId] = &[SetCookieThirdPartyBlocked];
const SET_CROSS_SITE: &[FindingId] = &[SetCookieSamesiteBlockedCrossSite];
const SET_SCHEMEFUL: &[FindingId] = &[SchemefulSameSite, SetCookieSamesiteBlockedCrossSite];
const NONE_INSECURE: &[FindingId] = &[SetCookieSamesiteNoneInsecure];
const SECURE_ONLY: &[FindingId] = &[SecureCookieInsecureOrigin];
const TOO_LARGE: &[FindingId] = &[SetCookieTooLarge];
const SYNTAX: &[FindingId] = &[SetCookieSyntaxError];
const ORIGIN_BOUND: &[FindingId] = &[OriginBoundCookieMismatch];
const INVALID_DOMAIN: &[FindingId] = &[SetCookieInvalidDomain];
const EXEMPT: &[FindingId] = &[CookieExemptionInEffect];
const MODE: &[FindingId] = &[CorsModeOrSchemeBlocked];
const WILDCARD: &[FindingId] = &[CorsWildcardWithCredentials];
const MISSING_ACAO: &[FindingId] = &[CorsErrorMasks401, CorsAllowOriginMissing, CorsRedirectToLogin];
const PREFLIGHT_MISSING_ACAO: &[FindingId] =
    &[CorsPreflightBlockedByAuth, CorsAllowOriginMissing, CorsPreflightBadStatus];
const MALFORMED_ACAO: &[FindingId] = &[CorsAllowOriginMalformed];
const MISMATCH: &[FindingId] = &[CorsAllowOriginMismatch, CorsOriginNull];
const ACAC: &[FindingId] = &[CorsAllowCredentialsInvalid];
const PREFLIGHT_STATUS: &[FindingId] = &[CorsPreflightBlockedByAuth, CorsPreflightBadStatus];
const LIST: &[FindingId] = &[CorsAllowListUnparseable];
const HEADER: &[FindingId] = &[CorsAuthorizationNotAllowed, CorsRequestHeaderNotAllowed];
const LNA_INSECURE: &[FindingId] = &[LnaInsecureInitiator];
const LNA_MISMATCH: &[FindingId] = &[LnaAddressSpaceMismatch];
const LNA_DENIED: &[FindingId] = &[LnaPermissionDenied];

/// The table: every value of the six enums, and the removed values Appendix A.9 keeps as aliases.
pub const TABLE: &[Reason] = &[
    // A.2 Network.CookieBlockedReason
    r(CB, "SecureOnly", Ids(SECURE_ONLY), "A.2"),
    r(CB, "NotOnPath", Ids(&[CookieNotOnPath]), "A.2"),
    r(CB, "DomainMismatch", Ids(&[CookieDomainMismatch]), "A.2"),
    r(CB, "SameSiteStrict", Ids(STRICT), "A.2"),
    r(CB, "SameSiteLax", Ids(LAX), "A.2"),
    r(CB, "SameSiteUnspecifiedTreatedAsLax", Ids(LAX_DEFAULT), "A.2"),
    r(CB, "SameSiteNoneInsecure", Ids(NONE_INSECURE), "A.2"),
    r(CB, "UserPreferences", Ids(THIRD_PARTY), "A.2"),
    r(CB, "ThirdPartyPhaseout", Ids(THIRD_PARTY), "A.2"),
    r(CB, "ThirdPartyBlockedInFirstPartySet", Ids(THIRD_PARTY), "A.2"),
    r(CB, "UnknownError", Generic, "A.2"),
    r(CB, "SchemefulSameSiteStrict", Ids(SCHEMEFUL_STRICT), "A.2"),
    r(CB, "SchemefulSameSiteLax", Ids(SCHEMEFUL_LAX), "A.2"),
    r(CB, "SchemefulSameSiteUnspecifiedTreatedAsLax", Ids(SCHEMEFUL_LAX), "A.2"),
    r(CB, "NameValuePairExceedsMaxSize", Ids(TOO_LARGE), "A.2"),
    r(CB, "PortMismatch", Ids(ORIGIN_BOUND), "A.2"),
    r(CB, "SchemeMismatch", Ids(ORIGIN_BOUND), "A.2"),
    r(CB, "AnonymousContext", BrowserOnly(&[CookieAnonymousContext]), "A.2"),
    r(CB, "SamePartyFromCrossPartyContext", Ids(THIRD_PARTY), "A.9"),
    // A.1 Network.SetCookieBlockedReason
    r(SB, "SecureOnly", Ids(SECURE_ONLY), "A.1"),
    r(SB, "SameSiteStrict", Ids(SET_CROSS_SITE), "A.1"),
    r(SB, "SameSiteLax", Ids(SET_CROSS_SITE), "A.1"),
    r(SB, "SameSiteUnspecifiedTreatedAsLax", Ids(SET_CROSS_SITE), "A.1"),
    r(SB, "SameSiteNoneInsecure", Ids(NONE_INSECURE), "A.1"),
    r(SB, "UserPreferences", Ids(SET_THIRD_PARTY), "A.1"),
    r(SB, "ThirdPartyPhaseout", Ids(SET_THIRD_PARTY), "A.1"),
    r(SB, "ThirdPartyBlockedInFirstPartySet", Ids(SET_THIRD_PARTY), "A.1"),
    r(SB, "SyntaxError", Ids(SYNTAX), "A.1"),
    r(SB, "SchemeNotSupported", Ids(&[SetCookieSchemeNotSupported]), "A.1"),
    r(SB, "OverwriteSecure", Ids(&[OverwriteSecureCookie]), "A.1"),
    r(SB, "InvalidDomain", Ids(INVALID_DOMAIN), "A.1"),
    r(SB, "InvalidPrefix", Ids(&[SetCookieInvalidPrefix]), "A.1"),
    r(SB, "UnknownError", Generic, "A.1"),
    r(SB, "SchemefulSameSiteStrict", Ids(SET_SCHEMEFUL), "A.1"),
    r(SB, "SchemefulSameSiteLax", Ids(SET_SCHEMEFUL), "A.1"),
    r(SB, "SchemefulSameSiteUnspecifiedTreatedAsLax", Ids(SET_SCHEMEFUL), "A.1"),
    r(SB, "NameValuePairExceedsMaxSize", Ids(TOO_LARGE), "A.1"),
    r(SB, "DisallowedCharacter", Ids(SYNTAX), "A.1"),
    r(SB, "NoCookieContent", Ids(SYNTAX), "A.1"),
    r(SB, "SamePartyFromCrossPartyContext", Ids(SET_THIRD_PARTY), "A.9"),
    r(SB, "SamePartyConflictsWithOtherAttributes", Ids(SYNTAX), "A.9"),
    // A.3 Network.CookieExemptionReason
    r(EX, "None", Ignored, "A.3"),
    r(EX, "UserSetting", BrowserOnly(EXEMPT), "A.3"),
    r(EX, "EnterprisePolicy", BrowserOnly(EXEMPT), "A.3"),
    r(EX, "StorageAccess", BrowserOnly(EXEMPT), "A.3"),
    r(EX, "TopLevelStorageAccess", BrowserOnly(EXEMPT), "A.3"),
    r(EX, "Scheme", BrowserOnly(EXEMPT), "A.3"),
    r(EX, "SameSiteNoneCookiesInSandbox", BrowserOnly(EXEMPT), "A.3"),
    r(EX, "TPCDMetadata", BrowserOnly(EXEMPT), "A.9"),
    r(EX, "TPCDDeprecationTrial", BrowserOnly(EXEMPT), "A.9"),
    r(EX, "TopLevelTPCDDeprecationTrial", BrowserOnly(EXEMPT), "A.9"),
    r(EX, "TPCDHeuristics", BrowserOnly(EXEMPT), "A.9"),
    // A.4 Network.CorsError
    r(CE, "DisallowedByMode", Ids(MODE), "A.4"),
    r(CE, "InvalidResponse", Ids(&[CorsPreflightBadStatus]), "A.4"),
    r(CE, "WildcardOriginNotAllowed", Ids(WILDCARD), "A.4"),
    r(CE, "MissingAllowOriginHeader", Ids(MISSING_ACAO), "A.4"),
    r(CE, "MultipleAllowOriginValues", Ids(MALFORMED_ACAO), "A.4"),
    r(CE, "InvalidAllowOriginValue", Ids(MALFORMED_ACAO), "A.4"),
    r(CE, "AllowOriginMismatch", Ids(MISMATCH), "A.4"),
    r(CE, "InvalidAllowCredentials", Ids(ACAC), "A.4"),
    r(CE, "CorsDisabledScheme", Ids(MODE), "A.4"),
    r(CE, "PreflightInvalidStatus", Ids(PREFLIGHT_STATUS), "A.4"),
    r(CE, "PreflightDisallowedRedirect", Ids(&[CorsPreflightRedirect]), "A.4"),
    r(CE, "PreflightWildcardOriginNotAllowed", Ids(WILDCARD), "A.4"),
    r(CE, "PreflightMissingAllowOriginHeader", Ids(PREFLIGHT_MISSING_ACAO), "A.4"),
    r(CE, "PreflightMultipleAllowOriginValues", Ids(MALFORMED_ACAO), "A.4"),
    r(CE, "PreflightInvalidAllowOriginValue", Ids(MALFORMED_ACAO), "A.4"),
    r(CE, "PreflightAllowOriginMismatch", Ids(MISMATCH), "A.4"),
    r(CE, "PreflightInvalidAllowCredentials", Ids(ACAC), "A.4"),
    r(CE, "PreflightMissingAllowExternal", Ignored, "A.4"),
    r(CE, "PreflightInvalidAllowExternal", Ignored, "A.4"),
    r(CE, "InvalidAllowMethodsPreflightResponse", Ids(LIST), "A.4"),
    r(CE, "InvalidAllowHeadersPreflightResponse", Ids(LIST), "A.4"),
    r(CE, "MethodDisallowedByPreflightResponse", Ids(&[CorsMethodNotAllowed]), "A.4"),
    r(CE, "HeaderDisallowedByPreflightResponse", Ids(HEADER), "A.4"),
    r(CE, "RedirectContainsCredentials", Ids(&[CorsRedirectContainsCredentials]), "A.4"),
    r(CE, "InsecureLocalNetwork", Ids(LNA_INSECURE), "A.4"),
    r(CE, "InvalidLocalNetworkAccess", Ids(LNA_MISMATCH), "A.4"),
    r(CE, "NoCorsRedirectModeNotFollow", Ids(MODE), "A.4"),
    r(CE, "LocalNetworkAccessPermissionDenied", Ids(LNA_DENIED), "A.4"),
    r(CE, "InsecurePrivateNetwork", Ids(LNA_INSECURE), "A.9"),
    r(CE, "InvalidPrivateNetworkAccess", Ids(LNA_MISMATCH), "A.9"),
    r(CE, "UnexpectedPrivateNetworkAccess", Ids(LNA_MISMATCH), "A.9"),
    r(CE, "PreflightMissingAllowPrivateNetwork", Ids(LNA_DENIED), "A.9"),
    r(CE, "PreflightInvalidAllowPrivateNetwork", Ids(LNA_DENIED), "A.9"),
    r(CE, "PrivateNetworkAccessPermissionDenied", Ids(LNA_DENIED), "A.9"),
    r(CE, "PrivateNetworkAccessPermissionUnavailable", Ids(LNA_DENIED), "A.9"),
    r(CE, "PreflightMissingPrivateNetworkAccessId", Ids(LNA_DENIED), "A.9"),
    r(CE, "PreflightMissingPrivateNetworkAccessName", Ids(LNA_DENIED), "A.9"),
    // A.5 Audits.CookieExclusionReason
    r(
        CX,
        "ExcludeSameSiteUnspecifiedTreatedAsLax",
        Ids(&[CookieSamesiteLaxExcluded, CookieLaxAllowUnsafeExpired, SetCookieSamesiteBlockedCrossSite]),
        "A.5",
    ),
    r(CX, "ExcludeSameSiteNoneInsecure", Ids(NONE_INSECURE), "A.5"),
    r(CX, "ExcludeSameSiteLax", Ids(&[CookieSamesiteLaxExcluded, SetCookieSamesiteBlockedCrossSite]), "A.5"),
    r(CX, "ExcludeSameSiteStrict", Ids(&[CookieSamesiteStrictExcluded, SetCookieSamesiteBlockedCrossSite]), "A.5"),
    r(CX, "ExcludeDomainNonASCII", Ids(INVALID_DOMAIN), "A.5"),
    r(
        CX,
        "ExcludeThirdPartyCookieBlockedInFirstPartySet",
        Ids(&[CookieThirdPartyBlocked, SetCookieThirdPartyBlocked]),
        "A.5",
    ),
    r(CX, "ExcludeThirdPartyPhaseout", Ids(&[CookieThirdPartyBlocked, SetCookieThirdPartyBlocked]), "A.5"),
    r(CX, "ExcludePortMismatch", Ids(ORIGIN_BOUND), "A.5"),
    r(CX, "ExcludeSchemeMismatch", Ids(ORIGIN_BOUND), "A.5"),
    r(CX, "ExcludeSamePartyCrossPartyContext", Ids(THIRD_PARTY), "A.9"),
    r(CX, "ExcludeInvalidSameParty", Ids(SYNTAX), "A.9"),
    // A.5 Audits.CookieWarningReason
    r(CW, "WarnSameSiteUnspecifiedCrossSiteContext", Predictive(LAX), "A.5"),
    r(CW, "WarnSameSiteNoneInsecure", Predictive(NONE_INSECURE), "A.5"),
    r(CW, "WarnSameSiteUnspecifiedLaxAllowUnsafe", Predictive(&[CookieLaxAllowUnsafeExpired]), "A.5"),
    r(CW, "WarnSameSiteStrictLaxDowngradeStrict", Predictive(&[SchemefulSameSite]), "A.5"),
    r(CW, "WarnSameSiteStrictCrossDowngradeStrict", Predictive(&[SchemefulSameSite]), "A.5"),
    r(CW, "WarnSameSiteStrictCrossDowngradeLax", Predictive(&[SchemefulSameSite]), "A.5"),
    r(CW, "WarnSameSiteLaxCrossDowngradeStrict", Predictive(&[SchemefulSameSite]), "A.5"),
    r(CW, "WarnSameSiteLaxCrossDowngradeLax", Predictive(&[SchemefulSameSite]), "A.5"),
    r(CW, "WarnAttributeValueExceedsMaxSize", Predictive(&[SetCookieAttributeTooLong]), "A.5"),
    r(CW, "WarnDomainNonASCII", Predictive(INVALID_DOMAIN), "A.5"),
    r(CW, "WarnThirdPartyPhaseout", Predictive(THIRD_PARTY), "A.5"),
    r(CW, "WarnCrossSiteRedirectDowngradeChangesInclusion", Predictive(&[CookieCrossSiteRedirectDowngrade]), "A.5"),
    r(CW, "WarnDeprecationTrialMetadata", Predictive(EXEMPT), "A.5"),
    r(CW, "WarnThirdPartyCookieHeuristic", Predictive(EXEMPT), "A.5"),
];

/// The row for `name` in enum `within`, or `None` for a value this build does not know (a newer
/// protocol): such a reason is still shown, with its raw text, and names no id.
pub fn lookup(within: Enum, name: &str) -> Option<&'static Reason> {
    TABLE.iter().find(|x| x.within == within && x.name == name)
}

/// What an unknown or known reason means; unknown ones are generic.
pub fn cause_of(within: Enum, name: &str) -> Cause {
    lookup(within, name).map_or(Generic, |x| x.cause)
}

/// Whether the browser could ever report `id` through one of these enums: an inferred finding with
/// such an id, on a request the browser saw and said nothing about, is a disagreement.
pub fn reportable(id: FindingId) -> bool {
    TABLE.iter().any(|x| match x.cause {
        Ids(ids) => ids.contains(&id),
        _ => false,
    })
}
