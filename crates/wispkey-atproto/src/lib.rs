//! AT Protocol sign-in and identity: everything Wispkey does as an AT Protocol client, for the
//! providers that live on AT Protocol (wisp.place).
//!
//! - [`oauth`]: resolve a handle or DID to its PDS and authorization server, sign in with OAuth
//!   (PAR, PKCE, DPoP) through the system browser, keep the session in the keychain, refresh it.
//! - [`xrpc`]: the [`xrpc::XrpcTransport`] seam a provider sends XRPC through (the OAuth session,
//!   an app-password session, or a service-auth JWT straight to the service).
//! - [`http`]: the HTTP client all of it uses, which tells "not sent" from "answer lost".

pub mod http;
pub mod oauth;
pub mod xrpc;
