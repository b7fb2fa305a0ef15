//! Slate's documented answer shapes: the list of API tokens, the rotate answer
//! (`TokenWithSecretResponse`) and the sign-in / refresh token pair.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use wispkey_core::SecretString;

/// One API token as `GET /api-tokens` lists it (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ListedToken {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub token_prefix: String,
    #[serde(default)]
    pub token_last4: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub last_used_at: Option<DateTime<Utc>>,
    /// Newer answers only.
    #[serde(default)]
    pub webhook_url: Option<String>,
    #[serde(default)]
    pub webhook_enabled: bool,
}

impl ListedToken {
    /// How dashboards show a token: `slt_ab…wxyz`.
    pub fn masked(&self) -> String {
        format!("{}…{}", self.token_prefix, self.token_last4)
    }
}

pub fn parse_list(body: &[u8]) -> Result<Vec<ListedToken>, String> {
    serde_json::from_slice::<Vec<ListedToken>>(body)
        .map_err(|error| format!("not a list of API tokens ({error})"))
}

/// The parts of `TokenWithSecretResponse` Wispkey keeps: the one-shot values and the id.
pub struct Rotated {
    pub id: i64,
    pub name: String,
    pub token: SecretString,
    pub webhook_secret: Option<SecretString>,
    pub token_last4: Option<String>,
}

impl std::fmt::Debug for Rotated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rotated")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct WireRotated {
    id: i64,
    name: String,
    token: SecretString,
    #[serde(default)]
    webhook_secret: Option<SecretString>,
    #[serde(default)]
    token_last4: Option<String>,
}

pub fn parse_rotated(body: &[u8]) -> Result<Rotated, String> {
    let wire: WireRotated = serde_json::from_slice(body)
        .map_err(|_| "the rotate answer is not a TokenWithSecretResponse".to_owned())?;
    Ok(Rotated {
        id: wire.id,
        name: wire.name,
        token: wire.token,
        webhook_secret: wire
            .webhook_secret
            .filter(|secret| !secret.expose().trim().is_empty()),
        token_last4: wire.token_last4,
    })
}

/// A staff session: what sign-in and refresh answer.
#[derive(Deserialize)]
pub struct WirePair {
    pub access_token: SecretString,
    pub refresh_token: SecretString,
    #[serde(default)]
    pub expires_in: Option<i64>,
}

pub fn parse_pair(body: &[u8]) -> Result<WirePair, String> {
    serde_json::from_slice(body)
        .map_err(|_| "the answer carries no access_token and refresh_token".to_owned())
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    const LISTED: &str = r#"[{"id":7,"name":"orders","token_prefix":"slt_ab","token_last4":"wxyz",
        "scopes":["orders:read"],"ip_allowlist":null,"rate_limit":null,"expires_at":null,
        "status":"disabled","created_by":3,"created_at":"2026-11-01T10:00:00Z",
        "last_used_at":"2026-11-20T08:30:00Z","webhook_url":"https://hooks.example/slate",
        "webhook_enabled":false}]"#;

    #[test]
    fn the_documented_list_is_read_with_its_webhook_fields() {
        let tokens = parse_list(LISTED.as_bytes()).unwrap();
        assert_eq!(tokens.len(), 1);
        let token = &tokens[0];
        assert_eq!(token.id, 7);
        assert_eq!(token.masked(), "slt_ab…wxyz");
        assert_eq!(token.status, "disabled");
        assert_eq!(
            token.webhook_url.as_deref(),
            Some("https://hooks.example/slate")
        );
        assert!(!token.webhook_enabled);
        assert!(token.last_used_at.is_some());
    }

    #[test]
    fn an_older_list_without_webhook_fields_is_read_too() {
        let tokens = parse_list(
            br#"[{"id":1,"name":"a","token_prefix":"slt_","token_last4":"1234","status":"active",
            "created_at":"2026-11-01T10:00:00Z"}]"#,
        )
        .unwrap();
        assert_eq!(tokens[0].webhook_url, None);
        assert!(!tokens[0].webhook_enabled);
        assert!(parse_list(br#"{"items":[]}"#).is_err());
    }

    #[test]
    fn the_rotate_answer_carries_the_token_and_the_webhook_secret() {
        let rotated = parse_rotated(
            br#"{"id":7,"name":"orders","token":"slt_abNEW1","token_last4":"NEW1",
            "webhook_secret":"whsec_c2VjcmV0","status":"active","created_at":"2026-11-01T10:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(rotated.id, 7);
        assert_eq!(rotated.token.expose(), "slt_abNEW1");
        assert_eq!(
            rotated.webhook_secret.map(|s| s.expose().to_owned()),
            Some("whsec_c2VjcmV0".into())
        );
        let without =
            parse_rotated(br#"{"id":7,"name":"o","token":"t","webhook_secret":null}"#).unwrap();
        assert!(without.webhook_secret.is_none());
        assert!(parse_rotated(br#"{"id":7,"name":"o"}"#).is_err());
    }

    #[test]
    fn a_failed_parse_never_quotes_the_body() {
        let error = parse_rotated(br#"{"id":"x","token":"slt_secret"}"#).unwrap_err();
        assert!(!error.contains("slt_secret"), "{error}");
    }
}
