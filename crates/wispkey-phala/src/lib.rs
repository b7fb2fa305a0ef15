//! The Phala Cloud provider: the webhooks of a workspace, reached with an API key
//! (`X-API-Key`). A webhook's signing secret can be listed (never its value) and rotated; the
//! rotation asks for a two-factor code. Create and delete are Phala dashboard actions.
//!
//! - [`PhalaProvider`]: one API key's webhooks (list, rotate, dependents).
//! - [`PhalaKind`]: accounts (API keys in the keychain), for the app's registry.
//! - [`undocumented`]: every assumption made where Phala's documentation is silent.
//! - [`signature`]: how Phala signs a delivery, to check a stored secret against one.
//!
//! A rotate is sent once; a refusal for a missing code changes nothing, so the user's code
//! goes with a new request (the user's act, not a retry). An unanswered rotate is an unknown
//! outcome and is never retried.

mod answer;
pub mod descriptor;
pub mod http;
pub mod kind;
pub mod signature;
pub mod undocumented;

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::Utc;
use reqwest::Method;

use wispkey_core::error::{Error, Result};
use wispkey_core::provider::{BoxFuture, Dependent, IssuedToken, SecretProvider, SecretSummary};
use wispkey_core::{Operation, SecretString};

use crate::answer::{Asked, interpret};
use crate::http::PhalaHttp;
use crate::undocumented::ListedWebhook;

pub use descriptor::{PROVIDER_ID, PROVIDER_LABEL, descriptor};
pub use http::DEFAULT_BASE_URL;
pub use kind::PhalaKind;

/// The documented rotate path for one webhook.
pub fn rotate_path(webhook_id: &str) -> String {
    format!(
        "/api/v1/workspace/webhooks/{}/rotate-secret",
        path_segment(webhook_id)
    )
}

/// Percent-encodes what would change the path's meaning (`/`, `?`, `#`, `%`, spaces…).
fn path_segment(id: &str) -> String {
    id.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// One API key's webhooks at one Phala Cloud API.
pub struct PhalaProvider {
    http: PhalaHttp,
    api_key: SecretString,
    /// Each webhook's URL from the last list (what the user reads for it).
    urls: Mutex<HashMap<String, String>>,
}

impl std::fmt::Debug for PhalaProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhalaProvider")
            .field("base_url", &self.http.base_url().as_str())
            .finish_non_exhaustive()
    }
}

impl PhalaProvider {
    pub fn new(http: PhalaHttp, api_key: SecretString) -> Self {
        PhalaProvider {
            http,
            api_key,
            urls: Mutex::default(),
        }
    }

    /// The webhooks as Phala lists them (with their URLs and whether they are enabled).
    pub async fn webhooks(&self) -> Result<Vec<ListedWebhook>> {
        let asked = Asked {
            operation: Operation::List,
            name: "",
            api_key: &self.api_key,
            code_sent: false,
        };
        let outcome = self
            .http
            .send(Method::GET, undocumented::LIST_PATH, &self.api_key, None)
            .await;
        let answer = interpret(&asked, outcome)?;
        let hooks =
            undocumented::parse_list(&answer.body).map_err(|detail| Error::UnexpectedResponse {
                status: answer.status,
                detail: format!("webhook list: {detail}"),
            })?;
        let mut urls = self
            .urls
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        urls.clear();
        urls.extend(hooks.iter().map(|hook| (hook.id.clone(), hook.url.clone())));
        Ok(hooks)
    }

    /// The URL the user knows the webhook by: from the last list, else listed now, else the id.
    async fn name_of(&self, id: &str) -> String {
        let known = |urls: &Mutex<HashMap<String, String>>| {
            urls.lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .get(id)
                .cloned()
        };
        if let Some(url) = known(&self.urls) {
            return url;
        }
        let _ = self.webhooks().await;
        known(&self.urls).unwrap_or_else(|| id.to_owned())
    }

    async fn rotate_once(
        &self,
        id: &str,
        second_factor: Option<&SecretString>,
    ) -> Result<IssuedToken> {
        if id.trim().is_empty() || id == "." || id == ".." {
            return Err(Error::InvalidRequest {
                message: "that is not a webhook id".into(),
            });
        }
        let code = second_factor.filter(|code| !code.expose().trim().is_empty());
        let name = self.name_of(id).await;
        let asked = Asked {
            operation: Operation::Rotate,
            name: &name,
            api_key: &self.api_key,
            code_sent: code.is_some(),
        };
        let outcome = self
            .http
            .send(Method::POST, &rotate_path(id), &self.api_key, code)
            .await;
        let answer = interpret(&asked, outcome)?;
        // From here on the rotation happened: the old secret is dead.
        let parsed: serde_json::Value =
            serde_json::from_slice(&answer.body).unwrap_or(serde_json::Value::Null);
        let secret = undocumented::rotated_secret(&parsed);
        let issued_at = undocumented::rotated_at(&parsed).unwrap_or_else(Utc::now);
        let mut parsed = parsed;
        zeroize_json(&mut parsed);
        // `answer`'s body is zeroized when it is dropped.
        drop(answer);
        let Some(token) = secret else {
            return Err(Error::RotatedWithoutSecret { name });
        };
        Ok(IssuedToken {
            id: id.to_owned(),
            name,
            token,
            issued_at,
            also: Vec::new(),
        })
    }
}

/// Overwrites every string in a JSON value (an answer that held a secret) before it is freed.
fn zeroize_json(value: &mut serde_json::Value) {
    use zeroize::Zeroize;
    match value {
        serde_json::Value::String(text) => text.zeroize(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(zeroize_json),
        serde_json::Value::Object(object) => object.values_mut().for_each(zeroize_json),
        _ => {}
    }
}

impl SecretProvider for PhalaProvider {
    fn list(&self) -> BoxFuture<'_, Result<Vec<SecretSummary>>> {
        Box::pin(async move {
            Ok(self
                .webhooks()
                .await?
                .into_iter()
                .map(|hook| SecretSummary {
                    id: hook.id,
                    name: hook.url,
                    created_at: hook.created_at,
                    last_rotated_at: hook.last_rotated_at,
                    facts: Vec::new(),
                })
                .collect())
        })
    }

    fn create<'a>(&'a self, _name: &'a str) -> BoxFuture<'a, Result<IssuedToken>> {
        Box::pin(async move { Err(unsupported(Operation::Create)) })
    }

    fn rotate<'a>(
        &'a self,
        id: &'a str,
        second_factor: Option<&'a SecretString>,
    ) -> BoxFuture<'a, Result<IssuedToken>> {
        Box::pin(self.rotate_once(id, second_factor))
    }

    fn delete<'a>(&'a self, _id: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { Err(unsupported(Operation::Delete)) })
    }

    /// The webhook itself: it is what stops verifying when its secret is rotated.
    fn dependents<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Vec<Dependent>>> {
        Box::pin(async move {
            Ok(self
                .webhooks()
                .await?
                .into_iter()
                .filter(|hook| hook.id == id)
                .map(|hook| Dependent {
                    url: hook.url,
                    enabled: hook.enabled,
                })
                .collect())
        })
    }
}

fn unsupported(operation: Operation) -> Error {
    Error::Unsupported {
        provider: PROVIDER_LABEL.to_owned(),
        operation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rotate_path_keeps_an_id_inside_its_segment() {
        assert_eq!(
            rotate_path("wh_abc123"),
            "/api/v1/workspace/webhooks/wh_abc123/rotate-secret"
        );
        assert_eq!(
            rotate_path("../x?y"),
            "/api/v1/workspace/webhooks/..%2Fx%3Fy/rotate-secret"
        );
    }

    #[tokio::test]
    async fn create_and_delete_are_unsupported_without_a_request() {
        let http = PhalaHttp::new("http://127.0.0.1:9").unwrap();
        let provider = PhalaProvider::new(http, SecretString::new("phak_x"));
        assert_eq!(
            provider.create("x").await.unwrap_err().code().as_str(),
            "unsupported"
        );
        assert_eq!(
            provider.delete("x").await.unwrap_err().code().as_str(),
            "unsupported"
        );
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        let http = PhalaHttp::new("http://127.0.0.1:9").unwrap();
        let provider = PhalaProvider::new(http, SecretString::new("phak_visible"));
        assert!(!format!("{provider:?}").contains("phak_visible"));
    }
}
