//! What the authorization server's token endpoint answers, for the code exchange
//! ([`super::grant`]) and the refresh ([`super::session`]) alike.

use atrium_xrpc::http::{Method, Request};
use serde::Deserialize;

use super::session_store::{optional_secret_serde, secret_serde};
use wispkey_core::secret::SecretString;

/// A token endpoint's success answer. The tokens are secrets from the moment they are parsed.
#[derive(Deserialize)]
pub(super) struct TokenResponse {
    #[serde(with = "secret_serde")]
    pub access_token: SecretString,
    pub token_type: String,
    pub expires_in: Option<i64>,
    #[serde(default, with = "optional_secret_serde")]
    pub refresh_token: Option<SecretString>,
    pub scope: Option<String>,
    pub sub: Option<String>,
}

/// An OAuth error answer (RFC 6749 §5.2); missing fields read as empty.
#[derive(Deserialize, Default)]
pub(super) struct OAuthErrorBody {
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub error_description: String,
}

/// Now, in Unix seconds (what token lifetimes are added to).
pub(super) fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// A form POST to a token, PAR or revocation endpoint, asking for JSON back.
pub(super) fn form_post(
    url: &str,
    body: Vec<u8>,
) -> std::result::Result<Request<Vec<u8>>, atrium_xrpc::http::Error> {
    Request::builder()
        .method(Method::POST)
        .uri(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(body)
}
