//! The `Authorization` request header (RFC 9110 §11.6.2): Basic, Bearer, Digest and other schemes.
