//! "Test the receiver": one clearly marked test delivery, signed with a secret in its
//! provider's scheme, sent to a URL the user confirmed — so the user knows the receiver accepts
//! the secret they just deployed. Opt-in and one request per call: nothing here retries,
//! follows redirects or runs on its own. Provider-neutral: the scheme comes from the provider's
//! descriptor, the URL from the caller.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde::Serialize;
use url::Url;

use wispkey_core::SecretString;
use wispkey_core::error::{Error, Result};
use wispkey_core::signature::SignatureScheme;

/// How long one test delivery may take, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Marks the request as a test, beside the body's `"type": "wispkey.test"`.
pub const TEST_HEADER: &str = "X-Wispkey-Test";
pub const TEST_EVENT_TYPE: &str = "wispkey.test";

/// What came back. Any HTTP status is an answer (the receiver decides what a test deserves);
/// only no answer at all is an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ReceiverTestResult {
    /// The URL's origin (scheme, host, port): what the history records.
    pub origin: String,
    pub scheme: SignatureScheme,
    pub status: u16,
    /// 2xx: the receiver accepted the delivery (and so, presumably, its signature).
    pub accepted: bool,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub elapsed_ms: u64,
    /// The test delivery's id (also in its body), to find it in the receiver's logs.
    pub delivery_id: String,
}

/// Parses a URL typed or confirmed by the user: https anywhere, plain http only to this
/// machine (`localhost`, 127.0.0.0/8, `::1`), no credentials in it.
pub fn receiver_url(text: &str) -> Result<Url> {
    let refused = |reason: String| Error::ReceiverUrlRefused { reason };
    let url =
        Url::parse(text.trim()).map_err(|error| refused(format!("it is not a URL ({error})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused("it carries a user name or password".into()));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(refused(format!(
            "{} is plain http to another machine",
            url.host_str().unwrap_or_default()
        ))),
        other => Err(refused(format!("{other}: is not http or https"))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// The test delivery's body: compact JSON that says what it is.
pub fn test_body(delivery_id: &str, secret_id: &str, unix_time: i64) -> Vec<u8> {
    serde_json::json!({
        "type": TEST_EVENT_TYPE,
        "id": delivery_id,
        "secretId": secret_id,
        "timestamp": unix_time,
        "message": "A test delivery sent by Wispkey at your request. It carries no event; ignore it.",
    })
    .to_string()
    .into_bytes()
}

fn delivery_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    format!("wispkey_test_{nanos:x}")
}

/// Sends ONE test delivery for `secret_id`, signed with `secret` in `scheme`, to `url`
/// (already checked by [`receiver_url`]). Waits at most [`TIMEOUT`]; never retries, never
/// follows a redirect (a 3xx is reported as the answer).
pub async fn send_test_delivery(
    scheme: SignatureScheme,
    secret: &SecretString,
    secret_id: &str,
    url: &Url,
) -> Result<ReceiverTestResult> {
    send_test_delivery_within(scheme, secret, secret_id, url, TIMEOUT).await
}

/// [`send_test_delivery`] with another time limit (tests use a short one).
pub async fn send_test_delivery_within(
    scheme: SignatureScheme,
    secret: &SecretString,
    secret_id: &str,
    url: &Url,
    timeout: Duration,
) -> Result<ReceiverTestResult> {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("wispkey-receiver-test/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|error| Error::Internal {
            detail: format!("building the HTTP client: {error}"),
        })?;
    let id = delivery_id();
    let now = Utc::now().timestamp();
    let body = test_body(&id, secret_id, now);
    let mut request = client
        .post(url.clone())
        .header("Content-Type", "application/json")
        .header(TEST_HEADER, "1");
    for (name, value) in scheme.sign(secret, &id, now, &body).0 {
        request = request.header(name, value);
    }
    let started = Instant::now();
    let response = request.body(body).send().await.map_err(|error| {
        let detail = if error.is_timeout() {
            format!("no answer within {} s", timeout.as_secs_f32())
        } else if error.is_connect() {
            "the connection was refused or failed".to_owned()
        } else {
            // Without the URL: reqwest's text names it, and the caller already knows it.
            error.without_url().to_string()
        };
        Error::ReceiverUnreachable { detail }
    })?;
    let elapsed = started.elapsed();
    let status = response.status();
    Ok(ReceiverTestResult {
        origin: url.origin().ascii_serialization(),
        scheme,
        status: status.as_u16(),
        accepted: status.is_success(),
        elapsed_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        delivery_id: id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_to_this_machine() {
        for ok in [
            "https://hooks.example.com/wisp",
            "http://localhost:8080/x",
            "http://127.0.0.1:9/x",
            "http://[::1]:9/",
        ] {
            assert!(receiver_url(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://example.com/hook",
            "http://10.0.0.1/hook",
            "ftp://example.com",
            "https://user:pw@example.com/",
            "not a url",
        ] {
            let error = receiver_url(refused).unwrap_err();
            assert_eq!(
                error.code(),
                wispkey_core::ErrorCode::ReceiverUrlRefused,
                "{refused}"
            );
            assert!(error.to_string().ends_with('.'), "{error}");
        }
    }

    #[test]
    fn the_test_body_says_it_is_a_test() {
        let body: serde_json::Value =
            serde_json::from_slice(&test_body("d1", "deploy", 5)).unwrap();
        assert_eq!(body["type"], "wispkey.test");
        assert_eq!(body["secretId"], "deploy");
    }
}
