//! The seam between "who is signed in" and "what we ask the server".
//!
//! Providers speak XRPC through an [`XrpcTransport`]; the OAuth session (DPoP, nonces, refresh)
//! and the password session used before OAuth existed both implement it. A transport reports the
//! HTTP answer as it came, whatever its status: interpreting `{error, message}` bodies is the
//! provider's job, because only the provider knows which errors are definitive.

use std::future::Future;

use wispkey_core::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
}

#[derive(Debug, Clone)]
pub struct XrpcRequest {
    pub method: HttpMethod,
    /// e.g. `place.wisp.v2.secret.rotate`
    pub nsid: String,
    pub query: Vec<(String, String)>,
    /// JSON body for procedures. May carry a secret (a caller-supplied token), so never log it.
    pub json_body: Option<Vec<u8>>,
    /// `atproto-proxy` header value, e.g. `did:web:wisp.place#wisp_xrpc`.
    pub proxy: Option<String>,
}

#[derive(Clone)]
pub struct XrpcResponse {
    pub status: u16,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    /// May carry a one-shot token: never log it, never keep it longer than needed.
    pub body: Vec<u8>,
}

impl XrpcResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

impl std::fmt::Debug for XrpcResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body is left out on purpose: create/rotate responses carry the token.
        f.debug_struct("XrpcResponse")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Sends one XRPC request to the user's PDS (or a service directly) and returns its answer.
///
/// Errors are for "no HTTP answer": `Error::PdsUnreachable` when nothing was sent (connection
/// refused, DNS), `Error::ResponseLost` when the request may have reached the server but no
/// complete answer came back (timeout after sending, connection dropped). That distinction is
/// what lets a rotate say "outcome unknown" instead of guessing.
pub trait XrpcTransport: Send + Sync {
    fn send(&self, request: XrpcRequest) -> impl Future<Output = Result<XrpcResponse>> + Send;

    /// The DID of the account this transport acts for.
    fn did(&self) -> &str;
}

pub mod password;
pub mod service_auth;
mod wire;
