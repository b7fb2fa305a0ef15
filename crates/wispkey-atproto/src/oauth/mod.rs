//! Sign in with AT Protocol OAuth, as a native public client.
//!
//! The flow (atproto OAuth profile): resolve the handle or DID to a DID document, its PDS and
//! the PDS's authorization server ([`resolve`]); bind a loopback listener on 127.0.0.1
//! ([`loopback`]); a pushed authorization request with PKCE S256 and a fresh DPoP ES256 key
//! ([`grant`], signed by atrium-oauth's DPoP client); the caller's [`BrowserOpener`] shows the
//! consent page; the redirect is checked (state, iss) and the code exchanged on the same DPoP
//! client; Wispkey then checks that the token's `sub` is the account the user typed (whose PDS
//! led to this issuer) and that the granted scope covers list/create/rotate/delete ([`scopes`])
//! before anything is stored ([`session_store`]: keychain only). Afterwards [`OAuthTransport`] sends DPoP-signed XRPC
//! through the PDS, refreshing one at a time per account ([`session`]).
//!
//! App-facing API ([`OAuthManager`]):
//! - `sign_in(input, &browser, SignInOptions { scope, timeout, cancel })` → [`Account`]
//! - `restore()` → accounts whose sessions are in the keychain (app start; no browser)
//! - `accounts()` → the index, without loading tokens
//! - `transport(did)` → [`OAuthTransport`] (implements [`crate::xrpc::XrpcTransport`])
//! - `refresh(did)`, `sign_out(did)` → [`SignOutOutcome`]
//!
//! Panics inside atrium (it has `todo!()` and `unimplemented!()` paths) are caught and become
//! `Error::SignInFailed`.

mod client;
mod client_id;
pub mod dns;
mod grant;
mod loopback;
mod nonce_cache;
mod resolve;
mod scopes;
mod session;
mod session_store;
mod token_wire;

pub use client::{
    Account, DEFAULT_WISP_SERVICE, OAuthConfig, OAuthManager, SignInOptions, SignOutOutcome,
};
pub use client_id::{ClientConfig, hosted_client_metadata, loopback_client_id};
pub use loopback::CALLBACK_PATH;
pub use resolve::{DEFAULT_PLC_DIRECTORY, HandleResolverConfig, IdentityConfig};
pub use scopes::{
    FULL_ACCESS_SCOPE, GRANULAR_SCOPE, GRANULAR_WITH_WEBHOOKS_SCOPE, GrantedScope, ScopeRequest,
    WEBHOOK_COLLECTION, nsid,
};
pub use session::OAuthTransport;
pub use session_store::{ACCOUNT_INDEX_ITEM, SESSION_ITEM_PREFIX, session_item};
pub use tokio_util::sync::CancellationToken;
