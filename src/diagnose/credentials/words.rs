//! Plain-words renderings of parser notes and error codes, shared by findings and the popup.

use crate::headers::authorization::{Note, Placeholder};
use crate::headers::www_authenticate::{self as wa, BearerError};

/// One short phrase per `Authorization` note.
pub fn cred_note(n: &Note) -> String {
    match n {
        Note::NoScheme => "no scheme word before the credential (a bare token)".into(),
        Note::DoubledScheme => "the scheme word is repeated (\"Bearer Bearer …\")".into(),
        Note::SchemeWithColon => "a colon after the scheme word (\"Bearer: …\")".into(),
        Note::SchemeCase => "the scheme is not in its usual case (valid, but some servers compare exactly)".into(),
        Note::ExtraWhitespace => "more than one space between scheme and credential".into(),
        Note::Redacted => "the value was redacted in this capture; its content cannot be checked".into(),
        Note::Placeholder(p) => format!("the token is a placeholder ({})", placeholder(*p)),
        Note::TooShort => "the token is shorter than 8 characters".into(),
        Note::Quoted => "the token is wrapped in quotes".into(),
        Note::JsonBlob => "the credential is a JSON object, not a token".into(),
        Note::InnerSpace => "whitespace inside the token".into(),
        Note::Comma => "a comma inside the token".into(),
        Note::PercentEncoded => "%xx escapes: the value was URL-encoded".into(),
        Note::NonAscii => "characters outside ASCII".into(),
        Note::TrailingNewline => "a trailing newline or space".into(),
        Note::BadToken68Char(c) => format!("the character {c:?}, which a token68 cannot contain"),
        Note::BasicEncodedToken => "the \"token\" is base64 of user:password (a Basic credential)".into(),
        Note::Base64Invalid => "not valid base64".into(),
        Note::Base64Url => "base64url characters (- or _), which Basic does not use".into(),
        Note::Base64Unpadded => "base64 without its = padding".into(),
        Note::MissingColon => "the decoded value has no ':' between user-id and password".into(),
        Note::DecodedPercentEncoded => {
            "the decoded user-id or password holds %xx escapes (it was URL-encoded before base64, so the server \
             compares the escaped text, e.g. %40 instead of @)"
                .into()
        }
        Note::ControlChar => "a control character in the decoded user-id or password".into(),
        Note::DecodedTrailingNewline => {
            "the decoded value ends with a newline (typical of `echo user:pass | base64` without -n)".into()
        }
        Note::NotUtf8 => "the decoded bytes are not UTF-8".into(),
        Note::DecodedNonAscii => "non-ASCII characters in the user-id or password".into(),
        Note::ColonInPassword => "a ':' after the first one (a user-id cannot contain ':')".into(),
        Note::EmptyUser => "an empty user-id".into(),
    }
}

fn placeholder(p: Placeholder) -> &'static str {
    match p {
        Placeholder::Undefined => "\"undefined\"",
        Placeholder::Null => "\"null\"",
        Placeholder::NaN => "\"NaN\"",
        Placeholder::ObjectObject => "\"[object Object]\"",
        Placeholder::EmptyQuotes => "empty quotes",
        Placeholder::Template => "a template left unfilled, like <token>",
        Placeholder::Literal => "a literal such as true, false or None",
        Placeholder::Empty => "nothing after the scheme",
    }
}

/// One short phrase per challenge note.
pub fn challenge_note(n: &wa::Note) -> String {
    match n {
        wa::Note::NoScheme => "an element that does not start with a scheme token".into(),
        wa::Note::OrphanParam => {
            "a parameter that belongs to no challenge (a comma right after the scheme closes it)".into()
        }
        wa::Note::ParamWithoutEquals => "a parameter without '='".into(),
        wa::Note::EmptyValue => "a parameter with an empty value".into(),
        wa::Note::UnquotedValueWithSpaces => "an unquoted value containing spaces".into(),
        wa::Note::UnquotedValueNotToken => "an unquoted value with characters that need quoting".into(),
        wa::Note::MissingComma => "parameters separated by spaces instead of commas".into(),
        wa::Note::UnterminatedQuote => "a quoted string without its closing quote".into(),
        wa::Note::DuplicateParam(p) => format!("the parameter {p} appears twice"),
        wa::Note::TooManyParams => {
            format!("more than {} parameters in one challenge (the rest were ignored)", wa::MAX_PARAMS)
        }
        wa::Note::RealmNotQuoted => "realm sent without quotes (RFC 9110 §11.5 requires a quoted string)".into(),
        wa::Note::BasicWithoutRealm => "a Basic challenge without realm (RFC 7617 §2 requires one)".into(),
        wa::Note::SeveralChallengesOnOneLine => "several challenges packed on one line".into(),
        wa::Note::UnknownSchemeFirst => "an unknown scheme listed before the schemes browsers support".into(),
        wa::Note::ObsFold => "an obsolete line fold inside the value".into(),
        wa::Note::EmptyField => "an empty field line".into(),
    }
}

/// What a Bearer/DPoP `error` code means, in plain words.
pub fn bearer_error(e: &BearerError) -> String {
    match e {
        BearerError::InvalidRequest => {
            "invalid_request: the request is malformed (a missing or repeated parameter, or the token sent two ways)"
                .into()
        }
        BearerError::InvalidToken => {
            "invalid_token: the token is expired, revoked, malformed or not meant for this API".into()
        }
        BearerError::InsufficientScope => {
            "insufficient_scope: the token is valid but lacks the permission (scope) this call needs".into()
        }
        BearerError::UseDpopNonce => "use_dpop_nonce: retry with the DPoP-Nonce the server just sent".into(),
        BearerError::InvalidDpopProof => "invalid_dpop_proof: the DPoP proof header is missing or wrong".into(),
        BearerError::Other(s) => format!("{s}: a server-specific error code"),
    }
}
