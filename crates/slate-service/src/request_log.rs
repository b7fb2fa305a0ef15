//! The request log tests read through `GET /_test/log`: one entry per API
//! request. It names session tokens by fingerprint only and never holds a
//! password, code, token or secret.

use std::sync::{Mutex, PoisonError};

use serde::Serialize;

/// What `POST /auth/refresh` saw.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshTrace {
    /// First 12 hex digits of the presented refresh token's SHA-256.
    pub token_fingerprint: String,
    /// The session family it belongs to, if known.
    pub session_id: Option<u64>,
    /// The token had been exchanged before: theft assumed, family revoked.
    pub reuse: bool,
}

/// What the handlers learnt about a request, for its log entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Trace {
    /// `session` (staff access token) or `apiToken`, once authenticated.
    pub auth: Option<&'static str>,
    /// The API token id used as bearer.
    pub api_token_id: Option<u64>,
    /// The session family of a staff bearer, a sign-in or a refresh.
    pub session_id: Option<u64>,
    /// Login: the email tried (not secret).
    pub email: Option<String>,
    /// Login: whether a `totp_code` was sent.
    pub totp_code_sent: Option<bool>,
    /// Refresh details.
    pub refresh: Option<RefreshTrace>,
    /// A fault that decided the answer: `rateLimit`, `storageFailure`, `drop`.
    pub fault: Option<&'static str>,
    /// Milliseconds the answer was held by the delay fault.
    pub delayed_ms: Option<u64>,
}

/// One API request as the log shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// `login`, `refresh`, `list`, `create`, `rotate`; null for unknown routes.
    pub operation: Option<&'static str>,
    /// Status answered; null when the connection was dropped on purpose.
    pub status: Option<u16>,
    /// Unix milliseconds when the request arrived.
    pub at_ms: u64,
    /// The rest.
    #[serde(flatten)]
    pub trace: Trace,
}

/// Every API request since start (or the last clear).
#[derive(Debug, Default)]
pub struct RequestLog(Mutex<Vec<LogEntry>>);

impl RequestLog {
    /// Appends one entry.
    pub fn push(&self, entry: LogEntry) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(entry);
    }

    /// A copy of every entry, oldest first.
    pub fn entries(&self) -> Vec<LogEntry> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Empties the log.
    pub fn clear(&self) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}
