//! The HAR 1.2 document as serde structs, holding only what the diagnosis reads: serde skips
//! every other field (timings, cache, query strings…) without building it.
//!
//! Field names follow the HAR spelling (`startedDateTime`, `serverIPAddress`) and the browsers'
//! extensions (`_initiator`, `_fromCache`, `_fetchedViaServiceWorker`); scalars are the
//! [`lenient`](super::lenient) types, so strings borrow from the input. Two places go beyond the
//! plain shape: Chrome's `_initiator` is folded to a kind and a script URL while it is read, and
//! `log.entries` hands each entry to [`convert`](super::convert) as soon as it is read, so a large
//! file never holds every entry in both its wire and its model form.

use super::convert;
use super::lenient::{Body, Flag, HeaderValue, Obj, Status, Text};
use crate::model::{Exchange, Headers};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// The document: `{"log": …}`, or (some tools) the `log` object itself.
#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a HAR object")]
pub(super) struct Root<'a> {
    #[serde(borrow)]
    pub(super) log: Option<Obj<Log<'a>>>,
    // A bare `log` object as the document.
    #[serde(borrow)]
    pub(super) entries: Option<Entries<'a>>,
    #[serde(borrow)]
    pub(super) pages: Option<Vec<Page<'a>>>,
    #[serde(borrow)]
    pub(super) creator: Option<Creator<'a>>,
    #[serde(borrow)]
    pub(super) browser: Option<Creator<'a>>,
}

/// `log`: who wrote the file, its pages and its entries.
#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "the HAR \"log\" object")]
pub(super) struct Log<'a> {
    #[serde(borrow)]
    pub(super) creator: Option<Creator<'a>>,
    #[serde(borrow)]
    pub(super) browser: Option<Creator<'a>>,
    #[serde(borrow)]
    pub(super) pages: Option<Vec<Page<'a>>>,
    #[serde(borrow)]
    pub(super) entries: Option<Entries<'a>>,
}

/// `log.creator` / `log.browser`: only the name, which tells the browser family.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Creator<'a> {
    #[serde(borrow)]
    pub(super) name: Option<Text<'a>>,
}

/// `log.pages[]`: the id entries refer to, and a title that is the page URL in Chrome and Safari.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Page<'a> {
    #[serde(borrow)]
    pub(super) id: Option<Text<'a>>,
    #[serde(borrow)]
    pub(super) title: Option<Text<'a>>,
}

/// `log.entries[]`: one request and its response, with the browsers' `_` extensions.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Entry<'a> {
    #[serde(borrow)]
    pub(super) pageref: Option<Text<'a>>,
    #[serde(borrow, rename = "startedDateTime")]
    pub(super) started: Option<Text<'a>>,
    #[serde(borrow)]
    pub(super) request: Option<Obj<Request<'a>>>,
    #[serde(borrow)]
    pub(super) response: Option<Obj<Response<'a>>>,
    #[serde(borrow, rename = "serverIPAddress")]
    pub(super) server_ip: Option<Text<'a>>,
    #[serde(borrow, rename = "_initiator")]
    pub(super) initiator: Option<Initiator<'a>>,
    #[serde(borrow, rename = "_resourceType")]
    pub(super) resource_type: Option<Text<'a>>,
    #[serde(borrow, rename = "_error")]
    pub(super) error: Option<Text<'a>>,
    #[serde(borrow, rename = "_fromCache")]
    pub(super) from_cache: Option<Text<'a>>,
    /// Safari: `Network Load`, `Memory Cache`, `Disk Cache`.
    #[serde(borrow, rename = "_fetchType")]
    pub(super) fetch_type: Option<Text<'a>>,
}

/// A header line (`name`, `value`) of a request or response.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct HarHeader<'a> {
    #[serde(borrow)]
    pub(super) name: Text<'a>,
    #[serde(borrow)]
    pub(super) value: HeaderValue<'a>,
}

/// A `request.cookies[]` pair, folded into a `Cookie` line when the header itself is missing.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct HarCookie<'a> {
    #[serde(borrow)]
    pub(super) name: Text<'a>,
    #[serde(borrow)]
    pub(super) value: Text<'a>,
}

/// `entry.request`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Request<'a> {
    #[serde(borrow)]
    pub(super) method: Text<'a>,
    #[serde(borrow)]
    pub(super) url: Text<'a>,
    #[serde(borrow)]
    pub(super) headers: Option<HeaderLines<'a>>,
    #[serde(borrow)]
    pub(super) cookies: Option<Vec<HarCookie<'a>>>,
    #[serde(borrow)]
    pub(super) post_data: Option<PostData<'a>>,
}

/// A `postData.params[]` pair (form posts written as fields rather than text).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Param<'a> {
    #[serde(borrow)]
    pub(super) name: Text<'a>,
    #[serde(borrow)]
    pub(super) value: Option<Text<'a>>,
}

/// `request.postData`: the body as text, or as form fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PostData<'a> {
    #[serde(borrow)]
    pub(super) text: Option<Body<'a>>,
    #[serde(borrow)]
    pub(super) params: Option<Vec<Param<'a>>>,
}

/// `entry.response`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Response<'a> {
    pub(super) status: Status,
    #[serde(borrow)]
    pub(super) headers: Option<HeaderLines<'a>>,
    #[serde(borrow)]
    pub(super) content: Option<Content<'a>>,
    #[serde(borrow, rename = "redirectURL")]
    pub(super) redirect_url: Option<Text<'a>>,
    #[serde(borrow, rename = "_error")]
    pub(super) error: Option<Text<'a>>,
    #[serde(rename = "_fetchedViaServiceWorker")]
    pub(super) via_service_worker: Option<Flag>,
    /// Chrome: `network`, `http-cache`, `cache-storage` or `fallback-code`.
    #[serde(borrow, rename = "_serviceWorkerResponseSource")]
    pub(super) sw_source: Option<Text<'a>>,
}

/// `response.content`: the body, its media type and whether it is base64.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Content<'a> {
    #[serde(borrow)]
    pub(super) mime_type: Option<Text<'a>>,
    #[serde(borrow)]
    pub(super) text: Option<Body<'a>>,
    #[serde(borrow)]
    pub(super) encoding: Option<Text<'a>>,
}

/// Chrome's `_initiator`: `{type, url, lineNumber, stack: {callFrames: [{url …}], parent}}`.
/// Some tools write a plain URL string instead.
#[derive(Debug, Default)]
pub(super) struct Initiator<'a> {
    pub(super) kind: Option<Cow<'a, str>>,
    pub(super) url: Option<Cow<'a, str>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct InitiatorObj<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Text<'a>>,
    #[serde(borrow)]
    url: Option<Text<'a>>,
    #[serde(borrow)]
    stack: Option<Stack<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Stack<'a> {
    #[serde(borrow)]
    call_frames: Option<Vec<CallFrame<'a>>>,
    #[serde(borrow)]
    parent: Option<Box<Stack<'a>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CallFrame<'a> {
    #[serde(borrow)]
    url: Option<Text<'a>>,
}

impl<'a> Stack<'a> {
    /// The innermost script URL of the stack (the code that issued the request).
    fn first_url(self) -> Option<Cow<'a, str>> {
        let mut next = Some(self);
        while let Some(s) = next {
            if let Some(u) = s.call_frames.into_iter().flatten().find_map(|f| f.url.and_then(Text::non_empty)) {
                return Some(u);
            }
            next = s.parent.map(|b| *b);
        }
        None
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Initiator<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Initiator<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an initiator object or URL")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Initiator { kind: None, url: Some(Cow::Borrowed(v)) })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Initiator { kind: None, url: Some(Cow::Owned(v.to_string())) })
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Initiator::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let o = InitiatorObj::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let url = o.url.and_then(Text::non_empty).or_else(|| o.stack.and_then(Stack::first_url));
                Ok(Initiator { kind: o.kind.and_then(Text::non_empty), url })
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A `headers` array, converted to the model's header lines as it is read (no intermediate
/// vector of wire headers to grow and free per entry: issue 13), and whether it had the lines
/// of the wire (see `convert::push_header`).
#[derive(Debug, Default)]
pub(super) struct HeaderLines<'a> {
    pub(super) lines: Headers<'a>,
    pub(super) as_sent: bool,
}

impl<'de: 'a, 'a> Deserialize<'de> for HeaderLines<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = HeaderLines<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // serde's own word for a `Vec`, as before (`har::message_of` says "an array").
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = HeaderLines::default();
                while let Some(h) = seq.next_element::<HarHeader<'a>>()? {
                    if out.lines.0.capacity() == 0 {
                        // Browsers send a dozen or two lines; start there instead of growing from 4.
                        out.lines.0.reserve(16);
                    }
                    convert::push_header(&mut out, h);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V(std::marker::PhantomData))
    }
}

/// `log.entries`, converted to exchanges one by one as they are read.
#[derive(Debug, Default)]
pub(super) struct Entries<'a>(pub(super) Vec<Exchange<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Entries<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Entries<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of entries")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                // The size hint is attacker-controlled; cap the pre-allocation.
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(e) = seq.next_element::<Obj<Entry<'a>>>()? {
                    out.push(convert::convert(e.0));
                }
                Ok(Entries(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Entries::default())
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}
