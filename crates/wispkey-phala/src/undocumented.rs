//! Everything this provider assumes where Phala Cloud's public documentation is silent, in one
//! place so it can be corrected when Phala documents it (see `docs/providers.md`, "Phala
//! Cloud"). Documented facts (the rotate path, `X-API-Key`, the error body's shape, FastAPI's
//! 422, `whsec_` secrets) live where they are used; every guess is here.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use wispkey_core::secret::SecretString;

/// ASSUMPTION: the list of a workspace's webhooks. Phala documents none; REST convention beside
/// the documented `…/webhooks/{id}/rotate-secret` and `…/webhooks/{id}/deliveries`.
pub const LIST_PATH: &str = "/api/v1/workspace/webhooks";

/// ASSUMPTION: the API version this client speaks, sent as `X-Phala-Version` like the SDKs do.
/// `2025-10-28` is a version Phala's versioning page names; nothing says which version the
/// webhook endpoints need.
pub const API_VERSION: &str = "2025-10-28";
/// `X-Phala-Version` (header names are case-insensitive; lower-case for `HeaderName`).
pub const VERSION_HEADER: &str = "x-phala-version";

/// ASSUMPTION (providers.md decision): the header carrying the user's two-factor code on the
/// request sent again after a refusal.
/// `X-2FA-Code`, lower-case for `HeaderName`.
pub const TWO_FACTOR_HEADER: &str = "x-2fa-code";

/// ASSUMPTION (providers.md decision): a 2FA-protected call without (or with a wrong) code is
/// refused with 403 and a body whose `error_code`, `detail` or `message` speaks of two-factor
/// authentication. Whether the code was missing or wrong is told by whether one was sent.
pub fn mentions_two_factor(error_code: &str, detail: &str, message: &str) -> bool {
    [error_code, detail, message].iter().any(|text| {
        let text = text.to_ascii_lowercase();
        ["2fa", "two-factor", "two factor", "totp", "mfa"]
            .iter()
            .any(|word| text.contains(word))
    })
}

/// What a 5xx answer to a rotate means. ASSUMPTION (Phala says nothing about it):
/// - 503 is a refusal before the request was taken: nothing was rotated.
/// - 500, 502, 504 and any other 5xx may come after the rotation was committed (an error while
///   answering, or a gateway that lost the application's answer): the outcome is unknown, and
///   it is never retried.
///
/// A list is only a read, so there every 5xx is a plain failure.
pub fn rotate_failure_is_definite(status: u16) -> bool {
    status == 503
}

/// ASSUMPTION: the list answer's shape. A plain JSON array of webhooks, or an object carrying
/// it under `webhooks`, `items` or `data` (the common pagination envelopes). Each webhook:
/// `id`, `url`, `enabled` (default true), `created_at`, and the last rotation under
/// `secret_rotated_at`, `last_rotated_at` or `rotated_at` (absent or null: never rotated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedWebhook {
    pub id: String,
    pub url: String,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub last_rotated_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct WireWebhook {
    id: String,
    url: String,
    #[serde(default = "enabled_by_default")]
    enabled: bool,
    created_at: DateTime<Utc>,
    #[serde(default, alias = "last_rotated_at", alias = "rotated_at")]
    secret_rotated_at: Option<DateTime<Utc>>,
}

fn enabled_by_default() -> bool {
    true
}

/// Reads the list answer; `Err` carries a short description for diagnostics (never the body).
pub fn parse_list(body: &[u8]) -> Result<Vec<ListedWebhook>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|error| format!("not JSON: {error}"))?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut object) => ["webhooks", "items", "data"]
            .iter()
            .find_map(|key| match object.remove(*key) {
                Some(Value::Array(items)) => Some(items),
                _ => None,
            })
            .ok_or_else(|| "an object without a webhook array".to_owned())?,
        _ => return Err("neither an array nor an object".to_owned()),
    };
    items
        .into_iter()
        .map(|item| {
            serde_json::from_value::<WireWebhook>(item)
                .map(|hook| ListedWebhook {
                    id: hook.id,
                    url: hook.url,
                    enabled: hook.enabled,
                    created_at: hook.created_at,
                    last_rotated_at: hook.secret_rotated_at,
                })
                .map_err(|error| format!("a webhook could not be read: {error}"))
        })
        .collect()
}

/// The new secret in a rotate answer (documented schema: `{}`). ASSUMPTION (providers.md
/// decision): `secret`, else `webhook_secret`, else any top-level string starting `whsec_`.
/// `None`: the rotation happened but no secret came back.
pub fn rotated_secret(answer: &Value) -> Option<SecretString> {
    let object = answer.as_object()?;
    let named = ["secret", "webhook_secret"].iter().find_map(|key| {
        object
            .get(*key)
            .and_then(Value::as_str)
            .filter(|text| !text.trim().is_empty())
    });
    let found = named.or_else(|| {
        object
            .values()
            .filter_map(Value::as_str)
            .find(|text| text.starts_with(SECRET_PREFIX))
    })?;
    Some(SecretString::new(found))
}

/// Documented: Phala's webhook secrets start with this.
pub const SECRET_PREFIX: &str = "whsec_";

/// ASSUMPTION: when the rotation happened, if the answer says (`rotated_at`, else
/// `secret_rotated_at`); otherwise the time the answer came.
pub fn rotated_at(answer: &Value) -> Option<DateTime<Utc>> {
    ["rotated_at", "secret_rotated_at"].iter().find_map(|key| {
        answer
            .get(*key)
            .and_then(Value::as_str)
            .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
            .map(|at| at.with_timezone(&Utc))
    })
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn two_factor_is_recognised_in_code_detail_or_message() {
        assert!(mentions_two_factor("ERR-2FA-REQUIRED", "", ""));
        assert!(mentions_two_factor(
            "ERR-03-001",
            "Two-factor authentication is required",
            ""
        ));
        assert!(mentions_two_factor("", "", "Invalid TOTP code"));
        assert!(!mentions_two_factor("ERR-03-001", "Forbidden", "no access"));
    }

    #[test]
    fn only_a_503_is_a_definite_rotate_failure() {
        assert!(rotate_failure_is_definite(503));
        for status in [500, 502, 504, 599] {
            assert!(!rotate_failure_is_definite(status), "{status}");
        }
    }

    #[test]
    fn list_reads_a_plain_array_and_the_envelopes() {
        let hook = json!({"id":"wh_a1","url":"https://h.example/a","events":["x"],"enabled":false,
            "created_at":"2026-01-02T03:04:05Z","secret_rotated_at":null});
        for body in [
            json!([hook]),
            json!({"webhooks":[hook]}),
            json!({"items":[hook],"total":1}),
            json!({"data":[hook]}),
        ] {
            let list = parse_list(body.to_string().as_bytes()).unwrap();
            assert_eq!(list.len(), 1, "{body}");
            assert_eq!(list[0].url, "https://h.example/a");
            assert!(!list[0].enabled);
            assert!(list[0].last_rotated_at.is_none());
        }
    }

    #[test]
    fn list_reads_the_last_rotation_under_any_of_its_names() {
        for key in ["secret_rotated_at", "last_rotated_at", "rotated_at"] {
            let body = json!([{"id":"wh_a1","url":"u","created_at":"2026-01-02T03:04:05Z",
                key:"2026-02-01T00:00:00Z"}]);
            let list = parse_list(body.to_string().as_bytes()).unwrap();
            assert!(list[0].enabled, "enabled by default");
            assert_eq!(
                list[0].last_rotated_at.unwrap().to_rfc3339(),
                "2026-02-01T00:00:00+00:00"
            );
        }
    }

    #[test]
    fn a_list_that_cannot_be_read_is_an_error_not_a_panic() {
        assert!(parse_list(b"<html>").is_err());
        assert!(parse_list(b"{\"total\":0}").is_err());
        assert!(parse_list(b"[{\"id\":\"wh_a1\"}]").is_err());
        assert!(parse_list(b"42").is_err());
    }

    #[test]
    fn the_secret_is_taken_by_name_first_then_by_prefix() {
        let take = |value: Value| rotated_secret(&value).map(|s| s.expose().to_owned());
        assert_eq!(
            take(json!({"secret":"whsec_a","webhook_secret":"whsec_b"})),
            Some("whsec_a".into())
        );
        assert_eq!(
            take(json!({"webhook_secret":"whsec_b"})),
            Some("whsec_b".into())
        );
        assert_eq!(
            take(json!({"id":"wh_1","new":"whsec_c"})),
            Some("whsec_c".into())
        );
        assert_eq!(take(json!({})), None);
        assert_eq!(take(json!({"secret":""})), None);
        assert_eq!(take(json!({"nested":{"secret":"whsec_d"}})), None);
        assert_eq!(take(json!(["whsec_e"])), None);
    }

    #[test]
    fn rotated_at_is_read_when_given() {
        let at = rotated_at(&json!({"rotated_at":"2026-03-01T00:00:00Z"})).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-03-01T00:00:00+00:00");
        assert!(rotated_at(&json!({})).is_none());
    }
}
