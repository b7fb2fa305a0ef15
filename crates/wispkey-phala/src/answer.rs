//! Reads a non-success answer (or a missing one) into the error a user can act on.
//!
//! Phala's error body (documented): `{message, detail (string or object), error_code,
//! details:[{field, value, message}], suggestions, links}`; FastAPI's own 422:
//! `{"detail":[{loc, msg, type}]}`. What the statuses mean for a two-factor refusal and for a
//! 5xx during a rotate is not documented: those readings come from [`crate::undocumented`].
//!
//! Nothing the server wrote reaches a message unchecked: texts are shortened, and any
//! occurrence of the API key is cut out (a `value` echoed in `details` is never read).

use serde::Deserialize;
use serde_json::Value;

use wispkey_core::Operation;
use wispkey_core::error::{Error, Reply, Result};
use wispkey_core::net::server_time;
use wispkey_core::secret::SecretString;

use crate::PROVIDER_LABEL;
use crate::http::{Answer, SendError};
use crate::undocumented;

/// What was asked, for reading its answer.
pub struct Asked<'a> {
    pub operation: Operation,
    /// What the user reads for it (its URL), for messages.
    pub name: &'a str,
    pub api_key: &'a SecretString,
    /// Whether a two-factor code went with the request.
    pub code_sent: bool,
}

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    message: Option<Value>,
    #[serde(default)]
    detail: Option<Value>,
    #[serde(default)]
    error_code: Option<Value>,
    #[serde(default)]
    details: Option<Value>,
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
                detail: clean(&detail, asked.api_key),
            });
        }
        Err(SendError::Lost(detail)) if asked.operation.changes_state() => {
            return Err(Error::OutcomeUnknown {
                operation: asked.operation,
                name: asked.name.to_owned(),
                reply: Reply::Nothing,
                detail: clean(&detail, asked.api_key),
            });
        }
        // An answer came, too large to read: for a rotate, it may have happened.
        Err(SendError::TooLarge { host, limit }) if asked.operation.changes_state() => {
            return Err(Error::OutcomeUnknown {
                operation: asked.operation,
                name: asked.name.to_owned(),
                reply: Reply::Unreadable,
                detail: format!("the answer from {host} is larger than {limit} bytes"),
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
                detail: clean(&detail, asked.api_key),
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
    let body: ErrorBody = serde_json::from_slice(&answer.body).unwrap_or_default();
    let error_code = text_of(body.error_code.as_ref());
    let detail = text_of(body.detail.as_ref());
    let message = text_of(body.message.as_ref());
    let said = clean(
        &[message.as_str(), detail.as_str()]
            .iter()
            .filter(|text| !text.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(": "),
        asked.api_key,
    );
    let diagnostic = format!(
        "HTTP {status} {}: {said}",
        clean(&error_code, asked.api_key)
    );
    match status {
        401 => Error::AuthenticationRequired {
            message: format!(
                "{PROVIDER_LABEL} did not accept the API key; check that it is the whole key \
                 and that it was not revoked in {PROVIDER_LABEL}'s dashboard"
            ),
        },
        403 if undocumented::mentions_two_factor(&error_code, &detail, &message) => {
            if asked.code_sent {
                Error::SecondFactorInvalid {
                    provider: PROVIDER_LABEL.to_owned(),
                }
            } else {
                Error::SecondFactorRequired {
                    provider: PROVIDER_LABEL.to_owned(),
                    operation: asked.operation,
                }
            }
        }
        403 => Error::PermissionMissing {
            action: asked.operation.action().to_owned(),
        },
        404 if asked.operation == Operation::List => Error::UnexpectedResponse {
            status,
            detail: format!("the webhook list was not found at the assumed path: {diagnostic}"),
        },
        404 => Error::SecretNotFound {
            name: asked.name.to_owned(),
        },
        422 => Error::InvalidRequest {
            message: validation_message(&body, asked.api_key)
                .unwrap_or_else(|| "the request was not valid".to_owned()),
        },
        429 => Error::RateLimited {
            retry_after_seconds: retry_after_seconds(answer.header("retry-after")),
        },
        500..
            if asked.operation.changes_state()
                && !undocumented::rotate_failure_is_definite(status) =>
        {
            Error::OutcomeUnknown {
                operation: asked.operation,
                name: asked.name.to_owned(),
                // A gateway's 502/504 says the application's answer never reached it; any
                // other 5xx is the application's own answer, which says nothing usable.
                reply: if matches!(status, 502 | 504) {
                    Reply::Nothing
                } else {
                    Reply::Unreadable
                },
                detail: diagnostic,
            }
        }
        502 | 504 => Error::ServiceUnreachable { detail: diagnostic },
        500.. => Error::ServiceFailed,
        _ => Error::UnexpectedResponse {
            status,
            detail: diagnostic,
        },
    }
}

/// A string as itself, an object or array as compact JSON, nothing as "".
fn text_of(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// The readable part of a 422: FastAPI's `detail:[{loc, msg}]`, else Phala's `message` with its
/// `details:[{field, message}]`. Never an echoed `input`/`value`.
fn validation_message(body: &ErrorBody, api_key: &SecretString) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(Value::Array(items)) = &body.detail {
        for item in items {
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
            parts.push(format!("{field}: {msg}"));
        }
    } else {
        let message = text_of(body.message.as_ref());
        if !message.is_empty() {
            parts.push(message);
        }
        if let Some(Value::Array(items)) = &body.details {
            for item in items {
                let field = item
                    .get("field")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let msg = item
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                parts.push(format!("{field}: {msg}"));
            }
        }
    }
    let joined = parts.join("; ");
    (!joined.trim().is_empty()).then(|| clean(&joined, api_key))
}

/// `Retry-After` as seconds, or as an HTTP date (seconds from now, never negative); checked and
/// capped whatever size the server sends (`net::server_time`).
fn retry_after_seconds(value: Option<&str>) -> Option<u64> {
    let value = value?.trim();
    if let Some(seconds) = server_time::wait_seconds(value) {
        return Some(seconds);
    }
    let at = chrono::DateTime::parse_from_rfc2822(value)
        .ok()?
        .timestamp();
    server_time::seconds_until(at, chrono::Utc::now().timestamp())
}

/// A server's text made fit for a message: the API key cut out, control characters dropped,
/// and at most 300 characters.
fn clean(text: &str, api_key: &SecretString) -> String {
    let key = api_key.expose().trim();
    let text = if key.len() >= 4 {
        text.replace(key, "<API key>")
    } else {
        text.to_owned()
    };
    text.chars().filter(|c| !c.is_control()).take(300).collect()
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};
    use wispkey_core::error::ErrorCode;

    const KEY: &str = "phak_0123456789abcdef";

    fn answer(status: u16, body: &str) -> std::result::Result<Answer, SendError> {
        Ok(Answer {
            status,
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        })
    }

    fn read(
        operation: Operation,
        code_sent: bool,
        outcome: std::result::Result<Answer, SendError>,
    ) -> Error {
        let key = SecretString::new(KEY);
        let asked = Asked {
            operation,
            name: "https://hooks.example/a",
            api_key: &key,
            code_sent,
        };
        interpret(&asked, outcome).unwrap_err()
    }

    fn code(operation: Operation, status: u16, body: &str) -> ErrorCode {
        read(operation, false, answer(status, body)).code()
    }

    const TWO_FA: &str = r#"{"message":"Two-factor authentication required","detail":"Send the code in X-2FA-Code","error_code":"ERR-2FA-REQUIRED","details":[],"suggestions":[],"links":[]}"#;

    #[test]
    fn success_passes_through() {
        let key = SecretString::new(KEY);
        let asked = Asked {
            operation: Operation::List,
            name: "",
            api_key: &key,
            code_sent: false,
        };
        assert!(interpret(&asked, answer(200, "[]")).is_ok());
    }

    #[test]
    fn a_refused_key_says_to_check_the_key() {
        let body =
            r#"{"message":"Invalid API key","detail":"Invalid API key","error_code":"ERR-01-002"}"#;
        let error = read(Operation::List, false, answer(401, body));
        assert_eq!(error.code(), ErrorCode::AuthenticationRequired);
        assert!(error.to_string().contains("API key"), "{error}");
    }

    #[test]
    fn a_two_factor_refusal_is_required_without_a_code_and_invalid_with_one() {
        let required = read(Operation::Rotate, false, answer(403, TWO_FA));
        assert_eq!(required.code(), ErrorCode::SecondFactorRequired);
        let invalid = read(Operation::Rotate, true, answer(403, TWO_FA));
        assert_eq!(invalid.code(), ErrorCode::SecondFactorInvalid);
        let by_detail_only = r#"{"detail":{"reason":"2FA code invalid"}}"#;
        assert_eq!(
            read(Operation::Rotate, true, answer(403, by_detail_only)).code(),
            ErrorCode::SecondFactorInvalid
        );
    }

    #[test]
    fn another_403_is_a_missing_permission() {
        let body = r#"{"message":"Forbidden","detail":"This key may not manage webhooks","error_code":"ERR-03-001"}"#;
        assert_eq!(
            code(Operation::Rotate, 403, body),
            ErrorCode::PermissionMissing
        );
        assert_eq!(
            code(Operation::Rotate, 403, r#"{"detail":"Not authenticated"}"#),
            ErrorCode::PermissionMissing
        );
    }

    #[test]
    fn not_found_is_the_webhook_for_a_rotate_and_the_endpoint_for_a_list() {
        let body = r#"{"message":"Webhook not found","error_code":"ERR-04-001"}"#;
        assert_eq!(
            code(Operation::Rotate, 404, body),
            ErrorCode::SecretNotFound
        );
        assert_eq!(
            code(Operation::List, 404, r#"{"detail":"Not Found"}"#),
            ErrorCode::UnexpectedResponse
        );
    }

    #[test]
    fn fastapi_validation_errors_are_an_invalid_request_naming_the_field() {
        let body = r#"{"detail":[{"loc":["path","webhook_id"],"msg":"String should match pattern","type":"string_pattern_mismatch","input":"phak_0123456789abcdef"}]}"#;
        let error = read(Operation::Rotate, false, answer(422, body));
        assert_eq!(error.code(), ErrorCode::InvalidRequest);
        let text = error.to_string();
        assert!(
            text.contains("path.webhook_id: String should match pattern"),
            "{text}"
        );
        assert!(!text.contains(KEY), "{text}");
    }

    #[test]
    fn phala_validation_errors_use_message_and_details_but_never_the_value() {
        let body = r#"{"message":"Validation failed","detail":"bad","error_code":"ERR-02-001","details":[{"field":"limit","value":"whsec_leak","message":"too big"}]}"#;
        let text = read(Operation::List, false, answer(422, body)).to_string();
        assert!(text.contains("Validation failed; limit: too big"), "{text}");
        assert!(!text.contains("whsec_leak"), "{text}");
    }

    #[test]
    fn rate_limits_read_retry_after_in_seconds_or_as_a_date() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("17"));
        let limited = Ok(Answer {
            status: 429,
            headers,
            body: br#"{"message":"Too many requests"}"#.to_vec(),
        });
        let error = read(Operation::List, false, limited);
        assert!(matches!(
            error,
            Error::RateLimited {
                retry_after_seconds: Some(17)
            }
        ));
        assert_eq!(
            retry_after_seconds(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            None
        );
        let later = (chrono::Utc::now() + chrono::Duration::seconds(120)).to_rfc2822();
        let seconds = retry_after_seconds(Some(&later)).unwrap();
        assert!((100..=120).contains(&seconds), "{seconds}");
        assert_eq!(retry_after_seconds(Some("soon")), None);
        assert_eq!(retry_after_seconds(Some("-5")), None);
        assert_eq!(retry_after_seconds(None), None);
    }

    #[test]
    fn server_failures_during_a_rotate_are_unknown_except_503() {
        for status in [500, 502, 504] {
            assert_eq!(
                code(Operation::Rotate, status, r#"{"message":"x"}"#),
                ErrorCode::OutcomeUnknown,
                "{status}"
            );
        }
        assert_eq!(
            code(
                Operation::Rotate,
                503,
                r#"{"message":"Service temporarily unavailable","error_code":"ERR-00-503"}"#
            ),
            ErrorCode::ServiceFailed
        );
        assert_eq!(
            code(Operation::Rotate, 500, "<html>oops</html>"),
            ErrorCode::OutcomeUnknown
        );
    }

    #[test]
    fn server_failures_during_a_list_are_plain_failures() {
        assert_eq!(
            code(Operation::List, 500, "<html>"),
            ErrorCode::ServiceFailed
        );
        assert_eq!(code(Operation::List, 503, "{}"), ErrorCode::ServiceFailed);
        assert_eq!(
            code(Operation::List, 502, "<html>Bad gateway</html>"),
            ErrorCode::ServiceUnreachable
        );
    }

    #[test]
    fn a_lost_answer_is_unknown_for_a_rotate_and_a_timeout_for_a_list() {
        let lost = || Err(SendError::Lost("connection closed".into()));
        assert_eq!(
            read(Operation::Rotate, true, lost()).code(),
            ErrorCode::OutcomeUnknown
        );
        assert_eq!(
            read(Operation::List, false, lost()).code(),
            ErrorCode::TimedOut
        );
    }

    #[test]
    fn an_unknown_rotate_says_whether_an_answer_came_back() {
        let lost = read(
            Operation::Rotate,
            true,
            Err(SendError::Lost("connection closed".into())),
        );
        let gateway = read(Operation::Rotate, true, answer(504, "<html>timeout</html>"));
        let unreadable = read(Operation::Rotate, true, answer(500, "<html>oops</html>"));
        let huge = read(
            Operation::Rotate,
            true,
            Err(SendError::TooLarge {
                host: "cloud-api.phala.com".into(),
                limit: 4 << 20,
            }),
        );
        for nothing in [&lost, &gateway] {
            assert_eq!(nothing.code(), ErrorCode::OutcomeUnknown);
            assert!(
                nothing.to_string().contains("no answer came back"),
                "{nothing}"
            );
        }
        for answered in [&unreadable, &huge] {
            assert_eq!(answered.code(), ErrorCode::OutcomeUnknown);
            let text = answered.to_string();
            assert!(
                text.contains("an answer came back, but Wispkey could not read it"),
                "{text}"
            );
        }
    }

    #[test]
    fn an_oversized_list_answer_is_a_clear_unexpected_response() {
        let error = read(
            Operation::List,
            false,
            Err(SendError::TooLarge {
                host: "cloud-api.phala.com".into(),
                limit: 4 << 20,
            }),
        );
        assert_eq!(error.code(), ErrorCode::UnexpectedResponse);
        assert!(
            error
                .to_string()
                .contains("cloud-api.phala.com sent an answer larger than 4 MB")
        );
    }

    #[test]
    fn huge_retry_after_values_are_capped_not_overflowed() {
        let day = server_time::MAX_WAIT_SECONDS;
        assert_eq!(retry_after_seconds(Some(&u64::MAX.to_string())), Some(day));
        assert_eq!(
            retry_after_seconds(Some("99999999999999999999999999")),
            Some(day)
        );
        assert_eq!(
            retry_after_seconds(Some("Fri, 31 Dec 9999 23:59:59 GMT")),
            Some(day)
        );
    }

    #[test]
    fn nothing_sent_is_unreachable_even_for_a_rotate() {
        let refused = Err(SendError::NotSent("connection refused".into()));
        assert_eq!(
            read(Operation::Rotate, true, refused).code(),
            ErrorCode::ServiceUnreachable
        );
    }

    #[test]
    fn unknown_statuses_and_html_never_panic() {
        assert_eq!(
            code(Operation::List, 418, ""),
            ErrorCode::UnexpectedResponse
        );
        assert_eq!(
            code(Operation::List, 409, "<html>"),
            ErrorCode::UnexpectedResponse
        );
    }

    #[test]
    fn the_key_never_reaches_a_message_or_debug_output() {
        let body = format!(r#"{{"message":"Key {KEY} is not allowed here","error_code":"E"}}"#);
        for status in [400, 418, 500, 502] {
            for operation in [Operation::List, Operation::Rotate] {
                let error = read(operation, false, answer(status, &body));
                let printed = format!("{error} {error:?}");
                assert!(!printed.contains(KEY), "{printed}");
            }
        }
    }
}
