//! The Slate provider: the webhook secrets of a broker's API tokens. Sign in at the broker's
//! Slate API with email and password (and the TOTP code when the server asks), or paste an API
//! token instead. A token's webhook secret can be listed (never its value) and rotated; the
//! rotate answer may also carry a new API token, which is kept and shown too.
//!
//! - [`SlateProvider`]: one account's API tokens (list, rotate, dependents).
//! - [`SlateKind`]: accounts (sessions or pasted tokens in the keychain), for the app's registry.
//! - [`session`]: sign-in and the single-use refresh token, shared safely between processes.
//! - [`undocumented`]: every assumption made where Slate's documentation is silent.
//! - [`signature`]: how deliveries are signed (our decision), to check a stored secret.
//! - [`address`]: the rule for the server address the user types.
//!
//! A rotate is sent once; an unanswered one is an unknown outcome and is never retried.

pub mod address;
mod answer;
pub mod descriptor;
pub mod http;
pub mod kind;
pub mod session;
pub mod signature;
pub mod undocumented;
pub mod wire;

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use reqwest::Method;

use wispkey_core::error::{Error, Result};
use wispkey_core::provider::{
    AlsoIssued, BoxFuture, Dependent, Fact, IssuedToken, SecretProvider, SecretSummary,
};
use wispkey_core::vault::Vault;
use wispkey_core::{Operation, SecretString};

use crate::answer::{Asked, interpret, not_a_slate_api};
use crate::http::{Answer, SlateHttp};
use crate::session::Sessions;
use crate::wire::ListedToken;

pub use descriptor::{PROVIDER_ID, PROVIDER_LABEL, descriptor};
pub use kind::SlateKind;

/// The key a new API token from a rotate answer is kept under (`{id}#api-token`).
pub const NEW_API_TOKEN_KEY: &str = "api-token";

/// How an account reaches the API.
#[derive(Clone)]
pub enum Credential {
    /// A staff session in the keychain, renewed as needed.
    Session {
        sessions: Sessions,
        account_id: String,
    },
    /// An API token the user pasted, kept in the keychain item `item`.
    ApiToken {
        token: SecretString,
        vault: Vault,
        item: String,
    },
}

/// One account's API tokens at one Slate server.
pub struct SlateProvider {
    http: SlateHttp,
    credential: Mutex<Credential>,
    /// Each token from the last list (its name and last four, for the rotate).
    listed: Mutex<HashMap<String, ListedToken>>,
}

impl std::fmt::Debug for SlateProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlateProvider")
            .field("base_url", &self.http.base_url().as_str())
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SlateProvider {
    pub fn new(http: SlateHttp, credential: Credential) -> Self {
        SlateProvider {
            http,
            credential: Mutex::new(credential),
            listed: Mutex::default(),
        }
    }

    fn uses_api_token(&self) -> bool {
        matches!(*lock(&self.credential), Credential::ApiToken { .. })
    }

    /// The bearer for the next request: the pasted token, or a current access token.
    async fn bearer(&self) -> Result<SecretString> {
        let credential = lock(&self.credential).clone();
        match credential {
            Credential::ApiToken { token, .. } => Ok(token),
            Credential::Session {
                sessions,
                account_id,
            } => sessions.access_token(&self.http, &account_id).await,
        }
    }

    /// Sends once with the current bearer. A session's access token the server refuses (401:
    /// nothing was done) is renewed and the request sent with the new one — a refusal, not an
    /// unknown outcome, so this never repeats a request that may have happened.
    async fn send(&self, method: Method, path: &str, asked: &Asked<'_>) -> Result<Answer> {
        let bearer = self.bearer().await?;
        let outcome = self
            .http
            .send(method.clone(), path, Some(&bearer), None)
            .await;
        let refused = matches!(&outcome, Ok(answer) if answer.status == 401);
        let credential = lock(&self.credential).clone();
        let outcome = match credential {
            Credential::Session {
                sessions,
                account_id,
            } if refused => {
                let renewed = sessions
                    .renew_refused(&self.http, &account_id, &bearer)
                    .await?;
                self.http.send(method, path, Some(&renewed), None).await
            }
            _ => outcome,
        };
        interpret(asked, outcome)
    }

    /// The API tokens as Slate lists them.
    pub async fn tokens(&self) -> Result<Vec<ListedToken>> {
        let asked = Asked {
            operation: Operation::List,
            name: "",
            api_token: self.uses_api_token(),
        };
        let answer = self
            .send(Method::GET, undocumented::LIST_PATH, &asked)
            .await?;
        let tokens = wire::parse_list(&answer.body).map_err(not_a_slate_api)?;
        let mut listed = lock(&self.listed);
        listed.clear();
        listed.extend(
            tokens
                .iter()
                .map(|token| (token.id.to_string(), token.clone())),
        );
        Ok(tokens)
    }

    /// The token as last listed, else listed now.
    async fn listed(&self, id: &str) -> Option<ListedToken> {
        if let Some(token) = lock(&self.listed).get(id).cloned() {
            return Some(token);
        }
        let _ = self.tokens().await;
        lock(&self.listed).get(id).cloned()
    }

    async fn rotate_once(&self, id: &str) -> Result<IssuedToken> {
        let listed = self.listed(id).await;
        let name = listed
            .as_ref()
            .map(|token| token.name.clone())
            .unwrap_or_else(|| id.to_owned());
        let asked = Asked {
            operation: Operation::Rotate,
            name: &name,
            api_token: self.uses_api_token(),
        };
        let answer = self
            .send(Method::POST, &undocumented::rotate_path(id), &asked)
            .await?;
        // From here on the rotation happened: the old webhook secret is dead.
        let rotated = wire::parse_rotated(&answer.body);
        drop(answer);
        let Ok(rotated) = rotated else {
            return Err(Error::RotatedWithoutSecret { name });
        };
        let name = if rotated.name.is_empty() {
            name
        } else {
            rotated.name.clone()
        };
        let Some(secret) = rotated.webhook_secret else {
            return Err(Error::RotatedWithoutSecret { name });
        };
        let listed_last4 = listed.as_ref().map(|token| token.token_last4.as_str());
        let mut also = Vec::new();
        if undocumented::token_is_new(rotated.token.expose(), listed_last4) {
            self.follow_own_token(listed.as_ref(), &rotated.token).await;
            also.push(AlsoIssued {
                key: NEW_API_TOKEN_KEY.to_owned(),
                label: "New API token".to_owned(),
                note: format!(
                    "Slate issued a new API token for “{name}” with this rotation{}. Update it \
                     wherever the old one is used.",
                    listed
                        .as_ref()
                        .map(|token| format!(" (it was {})", token.masked()))
                        .unwrap_or_default()
                ),
                token: rotated.token.clone(),
            });
        }
        Ok(IssuedToken {
            id: id.to_owned(),
            name,
            token: secret,
            issued_at: Utc::now(),
            also,
        })
    }

    /// When the account itself signs in with the token whose value just changed, its stored
    /// credential follows (written and read back), so the account keeps working.
    async fn follow_own_token(&self, listed: Option<&ListedToken>, new_token: &SecretString) {
        let Some(listed) = listed else {
            return;
        };
        let current = lock(&self.credential).clone();
        let Credential::ApiToken { token, vault, item } = current else {
            return;
        };
        let ours = token.expose();
        if !(ours.starts_with(&listed.token_prefix) && ours.ends_with(&listed.token_last4)) {
            return;
        }
        if vault.store_async(&item, new_token).await.is_ok() {
            *lock(&self.credential) = Credential::ApiToken {
                token: new_token.clone(),
                vault,
                item,
            };
        }
    }
}

/// "2026-11-20 08:30 UTC".
fn when(at: Option<DateTime<Utc>>, none: &str) -> String {
    at.map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| none.to_owned())
}

/// What a row shows besides the name and id.
pub fn facts(token: &ListedToken) -> Vec<Fact> {
    vec![
        Fact::new("Token", token.masked()),
        Fact::new("Status", token.status.clone()),
        Fact::new(
            "Webhook",
            token
                .webhook_url
                .clone()
                .unwrap_or_else(|| "none".to_owned()),
        ),
        Fact::new("Webhooks", if token.webhook_enabled { "on" } else { "off" }),
        Fact::new("Expires", when(token.expires_at, "never")),
        Fact::new("Last used", when(token.last_used_at, "never")),
    ]
}

/// Overwrites every string in a JSON value (a body that held a password) before it is freed.
pub(crate) fn zeroize_json(value: &mut serde_json::Value) {
    use zeroize::Zeroize;
    match value {
        serde_json::Value::String(text) => text.zeroize(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(zeroize_json),
        serde_json::Value::Object(object) => object.values_mut().for_each(zeroize_json),
        _ => {}
    }
}

impl SecretProvider for SlateProvider {
    fn list(&self) -> BoxFuture<'_, Result<Vec<SecretSummary>>> {
        Box::pin(async move {
            Ok(self
                .tokens()
                .await?
                .into_iter()
                .map(|token| SecretSummary {
                    id: token.id.to_string(),
                    facts: facts(&token),
                    name: token.name,
                    created_at: token.created_at,
                    // Slate lists no rotation time.
                    last_rotated_at: None,
                })
                .collect())
        })
    }

    fn create<'a>(&'a self, _name: &'a str) -> BoxFuture<'a, Result<IssuedToken>> {
        Box::pin(async move { Err(unsupported(Operation::Create)) })
    }

    /// Slate asks no second factor on rotate: `_second_factor` is never sent.
    fn rotate<'a>(
        &'a self,
        id: &'a str,
        _second_factor: Option<&'a SecretString>,
    ) -> BoxFuture<'a, Result<IssuedToken>> {
        Box::pin(self.rotate_once(id))
    }

    fn delete<'a>(&'a self, _id: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { Err(unsupported(Operation::Delete)) })
    }

    /// The token's webhook: it is what stops verifying when the secret is rotated.
    fn dependents<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Vec<Dependent>>> {
        Box::pin(async move {
            Ok(self
                .listed(id)
                .await
                .and_then(|token| {
                    token.webhook_url.map(|url| Dependent {
                        url,
                        enabled: token.webhook_enabled,
                    })
                })
                .into_iter()
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

    fn listed() -> ListedToken {
        wire::parse_list(
            br#"[{"id":7,"name":"orders","token_prefix":"slt_ab","token_last4":"wxyz",
            "status":"active","created_at":"2026-11-01T10:00:00Z","expires_at":null,
            "last_used_at":"2026-11-20T08:30:00Z","webhook_url":"https://hooks.example/s",
            "webhook_enabled":true}]"#,
        )
        .unwrap()
        .remove(0)
    }

    #[test]
    fn a_row_shows_token_status_webhook_expiry_and_last_use() {
        let facts = facts(&listed());
        let pairs: Vec<(&str, &str)> = facts
            .iter()
            .map(|fact| (fact.label.as_str(), fact.value.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("Token", "slt_ab…wxyz"),
                ("Status", "active"),
                ("Webhook", "https://hooks.example/s"),
                ("Webhooks", "on"),
                ("Expires", "never"),
                ("Last used", "2026-11-20 08:30 UTC"),
            ]
        );
    }

    #[tokio::test]
    async fn create_and_delete_are_unsupported_without_a_request() {
        let http = SlateHttp::new("http://127.0.0.1:9").unwrap();
        let provider = SlateProvider::new(
            http,
            Credential::ApiToken {
                token: SecretString::new("slt_x"),
                vault: Vault::new("unused"),
                item: "unused".into(),
            },
        );
        assert_eq!(
            provider.create("x").await.unwrap_err().code().as_str(),
            "unsupported"
        );
        assert_eq!(
            provider.delete("x").await.unwrap_err().code().as_str(),
            "unsupported"
        );
        assert!(!format!("{provider:?}").contains("slt_x"));
    }
}
