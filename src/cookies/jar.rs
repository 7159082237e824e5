//! A cookie jar that answers: which cookies would this request carry, and for every stored cookie it would not carry, which rule excluded it.
