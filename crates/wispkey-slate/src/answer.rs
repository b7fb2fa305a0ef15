//! Reads a non-success answer (or a missing one) from Slate's API into the error a user can act
//! on. Slate is a FastAPI server: errors are `{"detail": "sentence"}`, and 422 is
//! `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`.
//!
//! Nothing the server wrote reaches a message unchecked: texts are shortened, control
//! characters dropped, and an echoed `input` is never read.

use serde_json::Value;

use wispkey_core::Operation;
use wispkey_core::error::{Error, Reply, Result};

use crate::PROVIDER_LABEL;
use crate::http::{Answer, SendError};
use crate::undocumented;

/// What was asked, for reading its answer.
pub struct Asked<'a> {
    pub operation: Operation,
    /// What the user reads for the secret (its name), for messages.
    pub name: &'a str,
    /// Whether the bearer is a pasted API token (else a staff session's access token).
    pub api_token: bool,
}

/// Passes a 2xx answer through; turns everything else into our error.
pub fn interpret(
    asked: &Asked<'_>,
    outcome: std::result::Result<Answer, SendError>,
) -> Result<Answer> {
    let answer = match outcome {
        Ok(answer) => answer,
        Err(SendError::NotSent(detail)) => {
            return Err(Error::ServiceUnreachable {
                detail: clean(&detail),
            });
        }
        Err(SendError::Lost(detail)) if asked.operation.changes_state() => {
            return Err(Error::OutcomeUnknown {
                operation: asked.operation,
                name: asked.name.to_owned(),
                detail: clean(&detail),
                reply: Reply::Nothing,
            });
        }
        // An answer came, too large to read: for a rotate, it may have happened.
        Err(SendError::TooLarge { host, limit }) if asked.operation.changes_state() => {
            return Err(Error::OutcomeUnknown {
                operation: asked.operation,
                name: asked.name.to_owned(),
                detail: format!("the answer from {host} is larger than {limit} bytes"),
                reply: Reply::Unreadable,
            });
        }
        Err(SendError::TooLarge { host, limit }) => {
            return Err(Error::AnswerTooLarge {
                host,
                limit_bytes: limit,
            });
        }
        Err(SendError::Lost(detail)) => {
            return Err(Error::TimedOut {
                detail: clean(&detail),
            });
        }
    };
    if (200..300).contains(&answer.status) {
        return Ok(answer);
    }
    Err(error_for(asked, &answer))
}

fn error_for(asked: &Asked<'_>, answer: &Answer) -> Error {
    let status = answer.status;
    let detail = detail_text(&answer.body);
    let diagnostic = format!("HTTP {status}: {}", clean(&detail));
    match status {
        401 if asked.api_token => Error::AuthenticationRequired {
            message: format!(
                "{PROVIDER_LABEL} did not accept the API token; check that it is the whole token"
            ),
        },
        401 => Error::SessionExpired { detail: diagnostic },
        403 if asked.api_token && detail.to_ascii_lowercase().contains("token") => {
            Error::ApiTokenRefused {
                provider: PROVIDER_LABEL.to_owned(),
                state: undocumented::api_token_state(&detail),
            }
        }
        403 => Error::PermissionMissing {
            action: asked.operation.action().to_owned(),
        },
        404 if asked.operation == Operation::List => not_a_slate_api(diagnostic),
        404 => Error::SecretNotFound {
            name: asked.name.to_owned(),
        },
        422 => Error::InvalidRequest {
            message: validation_message(&answer.body)
                .unwrap_or_else(|| "the request was not valid".to_owned()),
        },
        429 => Error::RateLimited {
            retry_after_seconds: retry_after_seconds(answer.header("retry-after")),
        },
        // 503 is a refusal before the work started; any other 5xx to a rotate may come after
        // the rotation was committed.
        500.. if asked.operation.changes_state() && status != 503 => Error::OutcomeUnknown {
            operation: asked.operation,
            name: asked.name.to_owned(),
            detail: diagnostic,
            // A gateway saying the service did not answer is no answer; any other 5xx is an
            // answer that says nothing usable about the rotation.
            reply: if matches!(status, 502 | 504) {
                Reply::Nothing
            } else {
                Reply::Unreadable
            },
        },
        502 | 504 => Error::ServiceUnreachable { detail: diagnostic },
        500.. => Error::ServiceFailed,
        _ => Error::UnexpectedResponse {
            status,
            detail: diagnostic,
        },
    }
}

/// The address answers, but not as a Slate API would.
pub fn not_a_slate_api(detail: String) -> Error {
    Error::ServerAddressInvalid {
        reason: format!(
            "That address answered, but not as a {PROVIDER_LABEL} API does ({}). Check the \
             server address: it is your broker's API host, for example \
             https://api.broker.slate-labs.com.",
            detail.chars().take(80).collect::<String>()
        ),
    }
}

/// FastAPI's `detail` when it is a sentence; "" otherwise.
pub fn detail_text(body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|value| {
            value
                .get("detail")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

/// The readable part of a 422: `loc: msg` for each item. Never the echoed `input`.
fn validation_message(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let items = value.get("detail")?.as_array()?;
    let parts: Vec<String> = items
        .iter()
        .map(|item| {
            let field = item
                .get("loc")
                .and_then(Value::as_array)
                .map(|loc| {
                    loc.iter()
                        .map(|part| match part {
                            Value::String(text) => text.clone(),
                            other => other.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .unwrap_or_default();
            let msg = item.get("msg").and_then(Value::as_str).unwrap_or_default();
            format!("{field}: {msg}")
        })
        .collect();
    let joined = parts.join("; ");
    (!joined.trim().is_empty()).then(|| clean(&joined))
}

/// `Retry-After` as seconds, or as an HTTP date (seconds from now, never negative).
fn retry_after_seconds(value: Option<&str>) -> Option<u64> {
    let value = value?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(seconds);
    }
    let at = chrono::DateTime::parse_from_rfc2822(value)
        .ok()?
        .timestamp();
    let now = chrono::Utc::now().timestamp();
    at.checked_sub(now)
        .and_then(|seconds| u64::try_from(seconds).ok())
        .filter(|seconds| *seconds > 0)
}

/// A server's text made fit for a message: control characters dropped, at most 300 characters.
pub fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(300).collect()
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn rotate(api_token: bool) -> Asked<'static> {
        Asked {
            operation: Operation::Rotate,
            name: "orders",
            api_token,
        }
    }

    fn code(asked: &Asked<'_>, status: u16, body: &str) -> Error {
        interpret(asked, Ok(answer(status, body))).unwrap_err()
    }

    #[test]
    fn an_answer_too_large_to_read_is_an_unreadable_unknown_for_a_rotate_and_an_error_for_a_list() {
        let huge = || {
            Err(SendError::TooLarge {
                host: "api.broker.slate-labs.com".into(),
                limit: 4 << 20,
            })
        };
        let rotated = interpret(&rotate(false), huge()).err();
        assert!(
            matches!(
                rotated,
                Some(Error::OutcomeUnknown {
                    reply: Reply::Unreadable,
                    ..
                })
            ),
            "{rotated:?}"
        );
        let listed = Asked {
            operation: Operation::List,
            name: "",
            api_token: false,
        };
        let error = interpret(&listed, huge()).err();
        assert!(
            matches!(error, Some(Error::AnswerTooLarge { .. })),
            "{error:?}"
        );
    }

    #[test]
    fn a_422_for_a_bad_id_says_which_field_and_why() {
        let error = code(
            &rotate(false),
            422,
            r#"{"detail":[{"loc":["path","token_id"],"msg":"Input should be a valid integer","type":"int_parsing","input":"abc"}]}"#,
        );
        assert_eq!(error.code().as_str(), "invalid_request");
        let sentence = error.to_string();
        assert!(
            sentence.contains("path.token_id: Input should be a valid integer"),
            "{sentence}"
        );
        assert!(!sentence.contains("abc"), "{sentence}");
    }

    #[test]
    fn a_401_is_an_expired_session_or_a_refused_api_token() {
        let body = r#"{"detail":"Could not validate credentials"}"#;
        assert_eq!(
            code(&rotate(false), 401, body).code().as_str(),
            "session_expired"
        );
        assert_eq!(
            code(&rotate(true), 401, body).code().as_str(),
            "authentication_required"
        );
    }

    #[test]
    fn a_403_for_a_disabled_or_revoked_api_token_names_its_state() {
        let error = code(&rotate(true), 403, r#"{"detail":"API token is revoked"}"#);
        assert!(matches!(&error, Error::ApiTokenRefused { state, .. } if state == "revoked"));
        assert!(error.to_string().contains("it is revoked"));
        let error = code(&rotate(true), 403, r#"{"detail":"API token is disabled"}"#);
        assert!(error.to_string().contains("it is disabled"));
    }

    #[test]
    fn a_404_is_an_unknown_token_for_a_rotate_and_a_wrong_address_for_a_list() {
        let body = r#"{"detail":"API token not found"}"#;
        assert_eq!(
            code(&rotate(false), 404, body).code().as_str(),
            "secret_not_found"
        );
        let list = Asked {
            operation: Operation::List,
            name: "",
            api_token: false,
        };
        assert_eq!(
            code(&list, 404, "<html>nope</html>").code().as_str(),
            "server_address_invalid"
        );
    }

    #[test]
    fn a_lost_rotate_is_an_unknown_outcome_and_a_500_too_but_not_a_503() {
        let lost = interpret(&rotate(false), Err(SendError::Lost("reset".into()))).unwrap_err();
        assert_eq!(lost.code().as_str(), "outcome_unknown");
        assert_eq!(
            code(&rotate(false), 500, "").code().as_str(),
            "outcome_unknown"
        );
        assert_eq!(
            code(&rotate(false), 503, "").code().as_str(),
            "service_failed"
        );
    }

    #[test]
    fn a_429_carries_its_wait() {
        let mut limited = answer(429, r#"{"detail":"Too many requests"}"#);
        limited.headers.insert("retry-after", "12".parse().unwrap());
        let error = interpret(&rotate(false), Ok(limited)).unwrap_err();
        assert!(matches!(
            error,
            Error::RateLimited {
                retry_after_seconds: Some(12)
            }
        ));
    }
}
