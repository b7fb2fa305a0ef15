//! The one error type of the crate. Each variant knows the XRPC answer it
//! becomes, so handlers only ever return `Result<_, Error>`.

use std::io;

/// Every failure the service can report, at start-up or while answering.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 400 `InvalidRequest`.
    #[error("{0}")]
    InvalidRequest(String),
    /// 401 `AuthenticationRequired`; the text is the wire `message`.
    #[error("{0}")]
    AuthenticationRequired(String),
    /// 404 `NotFound` "secret not found".
    #[error("secret not found")]
    SecretNotFound,
    /// 404 with a plain-text body, like the real router for unknown paths.
    #[error("Not Found")]
    RouteNotFound,
    /// 405, wrong HTTP method for a known XRPC method.
    #[error("invalid http method (expected {0})")]
    MethodNotAllowed(&'static str),
    /// 409 `AlreadyExists`.
    #[error("a secret with that name already exists")]
    AlreadyExists,
    /// 413, request body over the limit.
    #[error("request entity too large")]
    PayloadTooLarge,
    /// 429 `RateLimitExceeded`.
    #[error("Rate Limit Exceeded")]
    RateLimited {
        /// Seconds until the caller may retry (the `Retry-After` header).
        retry_after_secs: u64,
        /// The configured limit per minute.
        limit: u32,
        /// Unix time (seconds) when a slot frees up.
        reset_at_secs: u64,
    },
    /// 503 `WebhookSecretEncryptionUnavailable`: started without a key.
    #[error("webhook_secret_encryption_unavailable")]
    EncryptionUnavailable,
    /// 500: the state file could not be written.
    #[error("state file write failed: {0}")]
    Storage(#[source] io::Error),
    /// 500: randomness or AEAD failure, or a stored envelope that does not open.
    #[error("crypto failure: {0}")]
    Crypto(&'static str),
    /// Start-up: bad flags, key file, state file or bind address.
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
    /// Shorthand for a 401 with the given message.
    pub fn auth(message: impl Into<String>) -> Self {
        Self::AuthenticationRequired(message.into())
    }

    /// Shorthand for a 400 with the given message.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidRequest(message.into())
    }
}
