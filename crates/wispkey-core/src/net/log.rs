//! What an HTTP request leaves in Wispkey's log: method, host, path, status and duration — never
//! a query, a header, a body or a URL's credentials (tokens, codes and keys travel in those).
//! Paths are kept: they name an XRPC method or a provider's resource id, nothing secret.

use std::time::Duration;

use url::Url;

/// Target of every request line (`wispkey::http`), so a reader can filter them.
pub const TARGET: &str = "wispkey::http";

/// How a request ended.
pub enum Ended<'a> {
    /// An HTTP answer with this status (its body may still fail to read: see [`body_failed`]).
    Answered(u16),
    /// No answer; the words say why (they must not carry secret values).
    Failed(&'a str),
}

/// Logs one finished request.
pub fn request(method: &str, url: &Url, ended: Ended<'_>, elapsed: Duration) {
    let host = url.host_str().unwrap_or_default();
    let port = url
        .port()
        .map(|port| format!(":{port}"))
        .unwrap_or_default();
    let path = url.path();
    let ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
    match ended {
        Ended::Answered(status) => tracing::info!(
            target: TARGET,
            method = %method,
            host = %format_args!("{host}{port}"),
            path = %path,
            status,
            ms,
            "request"
        ),
        Ended::Failed(why) => tracing::warn!(
            target: TARGET,
            method = %method,
            host = %format_args!("{host}{port}"),
            path = %path,
            ms,
            failure = why,
            "request failed"
        ),
    }
}

/// Logs an answer whose body could not be read whole (too large, or cut off).
pub fn body_failed(method: &str, url: &Url, why: &str) {
    tracing::warn!(
        target: TARGET,
        method = %method,
        host = url.host_str().unwrap_or_default(),
        path = %url.path(),
        failure = why,
        "answer unread"
    );
}
