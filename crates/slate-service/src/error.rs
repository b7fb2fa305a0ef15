//! The one error type of the crate. Each variant knows the answer it becomes
//! (see [`crate::http::error_parts`]), so handlers only return `Result<_, Error>`.

use std::io;

use serde::Serialize;
use serde_json::Value;

/// One entry of FastAPI's (pydantic v2) 422 body:
/// `{"type": ..., "loc": [...], "msg": ..., "input": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationError {
    /// Pydantic error type (`int_parsing`, `missing`, `string_type`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// Where: `["path", "token_id"]`, `["body", "email"]`, `["body", 12]`.
    pub loc: Vec<Value>,
    /// Human-readable message, pydantic's wording.
    pub msg: String,
    /// The offending input as received.
    pub input: Value,
    /// Extra context (only `json_invalid` has one here).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctx: Option<Value>,
}

impl ValidationError {
    /// Shorthand for an error without context.
    pub fn new(kind: &str, loc: Vec<Value>, msg: impl Into<String>, input: Value) -> Self {
        Self {
            kind: kind.to_owned(),
            loc,
            msg: msg.into(),
            input,
            ctx: None,
        }
    }
}

/// Every failure the service can report, at start-up or while answering.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 401 `Not authenticated`: no `Authorization: Bearer ...` header.
    #[error("Not authenticated")]
    NotAuthenticated,
    /// 401 `Could not validate credentials`: unknown or expired bearer.
    #[error("Could not validate credentials")]
    InvalidCredentials,
    /// 403 `API token is <status>`: a non-active API token used as bearer.
    #[error("API token is {0}")]
    ApiTokenInactive(&'static str),
    /// 401 `Incorrect email or password`.
    #[error("Incorrect email or password")]
    IncorrectLogin,
    /// 401 `Invalid TOTP code`.
    #[error("Invalid TOTP code")]
    InvalidTotp,
    /// 401 `Invalid refresh token`: unknown, expired, or of a revoked session.
    #[error("Invalid refresh token")]
    InvalidRefreshToken,
    /// 401: an already-used refresh token; the whole session family is revoked.
    #[error("Refresh token reuse detected; session revoked")]
    RefreshTokenReuse,
    /// 404 `API token not found` (also another account's token).
    #[error("API token not found")]
    TokenNotFound,
    /// 404 (test control): no such user.
    #[error("User not found")]
    UserNotFound,
    /// 404 `{"detail":"Not Found"}`: no such route (FastAPI's default).
    #[error("Not Found")]
    RouteNotFound,
    /// 405 `{"detail":"Method Not Allowed"}` with `Allow`.
    #[error("Method Not Allowed")]
    MethodNotAllowed(&'static str),
    /// 413: request body over 64 KiB.
    #[error("Request entity too large")]
    PayloadTooLarge,
    /// 422 FastAPI shape.
    #[error("validation error")]
    Validation(Vec<ValidationError>),
    /// 429 `Too many requests` with `Retry-After` (seconds), from the test switch.
    #[error("Too many requests")]
    RateLimited(u64),
    /// 400 (test control only): a malformed control request.
    #[error("{0}")]
    InvalidRequest(String),
    /// 409 (test control only): e.g. an email already taken.
    #[error("{0}")]
    Conflict(String),
    /// 500: the state file could not be written (or the storage-failure fault).
    #[error("state file write failed: {0}")]
    Storage(#[source] io::Error),
    /// 500: randomness or key failure.
    #[error("crypto failure: {0}")]
    Crypto(&'static str),
    /// 502 (test control only): a signed delivery could not be sent.
    #[error("delivery failed: {0}")]
    DeliveryFailed(String),
    /// Start-up: bad flags, state file or bind address.
    #[error("{0}")]
    Config(String),
    /// Start-up or stdout I/O.
    #[error("i/o error: {0}")]
    Io(#[from] io::Error),
    /// Not an answer: tells the connection loop to close the socket without
    /// writing a response (the drop-after-commit test fault).
    #[error("connection dropped on purpose by a test fault")]
    ConnectionDropped,
}

impl Error {
    /// Shorthand for a 400 control-request error.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidRequest(message.into())
    }
}
