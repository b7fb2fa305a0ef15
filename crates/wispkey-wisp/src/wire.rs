//! The JSON shapes of successful answers. Unknown fields are ignored; a missing required field is
//! an error, never a panic. Tokens go straight into [`SecretString`].

use chrono::{DateTime, Utc};
use serde::Deserialize;

use wispkey_core::Operation;
use wispkey_core::error::{Error, Reply, Result};
use wispkey_core::provider::{IssuedToken, SecretSummary};
use wispkey_core::secret::SecretString;

#[derive(Deserialize)]
struct ListBody {
    secrets: Vec<ListedSecret>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListedSecret {
    name: String,
    created_at: DateTime<Utc>,
    #[serde(default)]
    last_rotated_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IssuedBody {
    name: String,
    /// Optional here so that an answer without it reads as "no token", not as unreadable.
    #[serde(default)]
    token: Option<SecretString>,
    #[serde(alias = "rotatedAt")]
    created_at: DateTime<Utc>,
}

pub(super) fn parse_list(status: u16, body: &[u8]) -> Result<Vec<SecretSummary>> {
    let parsed: ListBody =
        serde_json::from_slice(body).map_err(|error| Error::UnexpectedResponse {
            status,
            detail: format!("list answer: {error}"),
        })?;
    Ok(parsed
        .secrets
        .into_iter()
        .map(|secret| SecretSummary {
            // A wisp.place secret is identified by its name.
            id: secret.name.clone(),
            name: secret.name,
            created_at: secret.created_at,
            last_rotated_at: secret.last_rotated_at,
            facts: Vec::new(),
        })
        .collect())
}

/// A 2xx create/rotate answer. If it cannot be read, the server has (probably) already made the
/// change and the token is gone: that is an unknown outcome, not a plain error.
pub(super) fn parse_issued(
    operation: Operation,
    requested: &str,
    body: &[u8],
) -> Result<IssuedToken> {
    let unknown = |reply: Reply, detail: String| Error::OutcomeUnknown {
        operation,
        name: requested.to_owned(),
        reply,
        detail,
    };
    // Error messages from serde_json quote at most a type or a field name, never the input.
    let parsed: IssuedBody = serde_json::from_slice(body).map_err(|error| {
        unknown(
            Reply::Unreadable,
            format!("answer could not be read: {error}"),
        )
    })?;
    if parsed.name != requested {
        return Err(unknown(
            Reply::WithoutToken,
            format!("answer names a different secret ({:?})", parsed.name),
        ));
    }
    let token = match parsed.token {
        Some(token) if !token.is_empty() => token,
        _ => {
            return Err(unknown(
                Reply::WithoutToken,
                "answer carries no token".into(),
            ));
        }
    };
    Ok(IssuedToken {
        id: parsed.name.clone(),
        name: parsed.name,
        token,
        issued_at: parsed.created_at,
        also: Vec::new(),
    })
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;
    use wispkey_core::error::ErrorCode;

    #[test]
    fn list_reads_names_and_times_and_ignores_unknown_fields() {
        let body = br#"{"secrets":[
            {"name":"a","createdAt":"2024-01-15T10:30:00.000Z","extra":1},
            {"name":"b","createdAt":"2024-01-16T10:30:00.000Z","lastRotatedAt":"2024-02-01T00:00:00.000Z"}
        ],"cursor":null}"#;
        let list = parse_list(200, body).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].name, "a");
        assert!(list[0].last_rotated_at.is_none());
        assert_eq!(
            list[1].last_rotated_at.unwrap().to_rfc3339(),
            "2024-02-01T00:00:00+00:00"
        );
    }

    #[test]
    fn list_without_secrets_field_is_an_unexpected_response() {
        let error = parse_list(200, br#"{"items":[]}"#).unwrap_err();
        assert_eq!(error.code(), ErrorCode::UnexpectedResponse);
    }

    #[test]
    fn list_with_a_bad_timestamp_is_an_unexpected_response() {
        let error = parse_list(
            200,
            br#"{"secrets":[{"name":"a","createdAt":"yesterday"}]}"#,
        )
        .unwrap_err();
        assert_eq!(error.code(), ErrorCode::UnexpectedResponse);
    }

    #[test]
    fn html_instead_of_json_is_an_unexpected_response() {
        let error = parse_list(200, b"<html>502 Bad Gateway</html>").unwrap_err();
        assert_eq!(error.code(), ErrorCode::UnexpectedResponse);
    }

    #[test]
    fn create_answer_yields_the_token() {
        let body = br#"{"name":"hook","token":"wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX","createdAt":"2024-01-15T10:30:00.000Z"}"#;
        let issued = parse_issued(Operation::Create, "hook", body).unwrap();
        assert_eq!(
            issued.token.expose(),
            "wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX"
        );
    }

    #[test]
    fn rotate_answer_uses_rotated_at() {
        let body = br#"{"name":"hook","token":"wsk_x","rotatedAt":"2024-03-01T00:00:00.000Z"}"#;
        let issued = parse_issued(Operation::Rotate, "hook", body).unwrap();
        assert_eq!(issued.issued_at.to_rfc3339(), "2024-03-01T00:00:00+00:00");
    }

    #[test]
    fn rotate_answer_without_a_token_is_an_unknown_outcome_that_says_an_answer_came() {
        let body = br#"{"name":"hook","rotatedAt":"2024-03-01T00:00:00.000Z"}"#;
        let error = parse_issued(Operation::Rotate, "hook", body).unwrap_err();
        assert_eq!(error.code(), ErrorCode::OutcomeUnknown);
        assert!(
            matches!(
                error,
                Error::OutcomeUnknown {
                    reply: Reply::WithoutToken,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("carried no token"), "{error}");
    }

    #[test]
    fn truncated_rotate_answer_is_an_unknown_outcome_that_does_not_echo_the_token() {
        let body = br#"{"name":"hook","token":"wsk_SECRETPART"#;
        let error = parse_issued(Operation::Rotate, "hook", body).unwrap_err();
        assert_eq!(error.code(), ErrorCode::OutcomeUnknown);
        assert!(!format!("{error:?} {error}").contains("SECRETPART"));
        assert!(error.to_string().contains("could not read it"), "{error}");
    }

    #[test]
    fn answer_for_another_name_is_an_unknown_outcome() {
        let body = br#"{"name":"other","token":"wsk_x","createdAt":"2024-03-01T00:00:00.000Z"}"#;
        let error = parse_issued(Operation::Create, "hook", body).unwrap_err();
        assert_eq!(error.code(), ErrorCode::OutcomeUnknown);
    }
}
