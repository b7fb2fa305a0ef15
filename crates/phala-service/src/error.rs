//! The one error type of the crate. Each variant knows the answer it becomes
//! (see [`crate::http::error_response`]), so handlers only return `Result<_, Error>`.

use std::io;

use serde::Serialize;

/// One entry of FastAPI's 422 body: `{"loc": [...], "msg": ..., "type": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationError {
    /// Where: `["path", "webhook_id"]`, `["query", "limit"]`.
    pub loc: Vec<String>,
    /// Human-readable message.
    pub msg: String,
    /// Pydantic-style error type (`string_pattern_mismatch`, `int_parsing`, ...).
    #[serde(rename = "type")]
    pub kind: String,
}

impl ValidationError {
    /// Shorthand.
    pub fn new(loc: [&str; 2], msg: impl Into<String>, kind: &str) -> Self {
        Self {
            loc: loc.iter().map(|s| (*s).to_owned()).collect(),
            msg: msg.into(),
            kind: kind.to_owned(),
        }
    }
}

/// Every failure the service can report, at start-up or while answering.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 401: no `X-API-Key` header.
    #[error("API key required")]
    MissingApiKey,
    /// 401: a key no workspace has.
    #[error("Invalid API key")]
    InvalidApiKey,
    /// 403: a 2FA-protected call without `X-2FA-Code`.
    #[error("Two-factor authentication required")]
    TwoFactorRequired,
    /// 403: a code that is malformed, wrong, outside ±1 step, or already used.
    #[error("Invalid two-factor authentication code")]
    TwoFactorInvalid,
    /// 404 (Phala body): no webhook with that id in the caller's workspace.
    #[error("Webhook not found")]
    WebhookNotFound,
    /// 404 (test control): no such workspace.
    #[error("Workspace not found")]
    WorkspaceNotFound,
    /// 404 `{"detail":"Not Found"}`: no such route (FastAPI's default).
    #[error("Not Found")]
    RouteNotFound,
    /// 405 `{"detail":"Method Not Allowed"}` (FastAPI's default).
    #[error("Method Not Allowed")]
    MethodNotAllowed(&'static str),
    /// 422 FastAPI shape.
    #[error("validation error")]
    Validation(Vec<ValidationError>),
    /// 400 (test control only): a malformed control request.
    #[error("{0}")]
    InvalidRequest(String),
    /// 413: request body over 64 KiB.
    #[error("request entity too large")]
    PayloadTooLarge,
    /// A status answered on purpose by the `failNext` test fault.
    #[error("injected failure {0}")]
    Injected(u16),
    /// 500: the state file could not be written.
    #[error("state file write failed: {0}")]
    Storage(#[source] io::Error),
    /// 500: randomness failure.
    #[error("crypto failure: {0}")]
    Crypto(&'static str),
    /// Start-up: bad flags, state file or bind address.
    #[error("{0}")]
    Config(String),
    /// Start-up or stdout I/O.
    #[error("i/o error: {0}")]
    Io(#[from] io::Error),
    /// Not an answer: tells the connection loop to close the socket without
    /// writing a response (the `dropConnectionAfterCommit` test fault).
    #[error("connection dropped on purpose by a test fault")]
    ConnectionDropped,
}

impl Error {
    /// Shorthand for a 400 control-request error.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidRequest(message.into())
    }
}
