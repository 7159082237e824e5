//! The CORS request and response headers (WHATWG Fetch).
