//! Reads a non-success answer (or a missing one) into the error a user can act on.
//!
//! Behind the PDS proxy, status codes are not enough: the PDS re-labels an upstream 500 as 502
//! but keeps the upstream's `error` name, and it answers 502 `UpstreamFailure` both when the wisp
//! service was unreachable and when it dropped the connection after acting. So errors are read by
//! name first, and anything that leaves a state change in doubt is an unknown outcome.

use serde::Deserialize;

use wispkey_atproto::xrpc::XrpcResponse;
use wispkey_core::Operation;
use wispkey_core::error::{Error, Reply, Result};
use wispkey_core::net::server_time;

/// wisp's own storage-failure answer: the operation was rolled back, nothing changed.
const WISP_OPERATION_FAILED: &str = "webhook secret operation failed";

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// Passes a 2xx answer through; turns everything else into our error for `operation` on `name`.
pub fn interpret(
    operation: Operation,
    name: &str,
    outcome: Result<XrpcResponse>,
) -> Result<XrpcResponse> {
    let response = match outcome {
        Ok(response) => response,
        Err(Error::ResponseLost { detail }) if operation.changes_state() => {
            return Err(Error::OutcomeUnknown {
                operation,
                name: name.to_owned(),
                reply: Reply::Nothing,
                detail,
            });
        }
        // An answer came, too large to read: whatever it said, the change may have happened.
        Err(error @ Error::AnswerTooLarge { .. }) if operation.changes_state() => {
            return Err(Error::OutcomeUnknown {
                operation,
                name: name.to_owned(),
                reply: Reply::Unreadable,
                detail: error.to_string(),
            });
        }
        Err(Error::ResponseLost { detail }) => return Err(Error::TimedOut { detail }),
        Err(other) => return Err(other),
    };
    if (200..300).contains(&response.status) {
        return Ok(response);
    }
    Err(error_for(operation, name, &response))
}

fn error_for(operation: Operation, name: &str, response: &XrpcResponse) -> Error {
    let status = response.status;
    let body: ErrorBody = serde_json::from_slice(&response.body).unwrap_or_default();
    let message = body.message.clone().unwrap_or_default();
    let unknown_detail = format!("HTTP {status} {:?}: {message}", body.error);
    // `reply`: whether the service's own answer reached us (a 500 it wrote) or only the PDS's
    // word that it did not answer (502/504, `Upstream…`).
    let unknown_or = |reply: Reply, definitive: Error| {
        if operation.changes_state() {
            Error::OutcomeUnknown {
                operation,
                name: name.to_owned(),
                reply,
                detail: unknown_detail,
            }
        } else {
            definitive
        }
    };
    match (status, body.error.as_deref()) {
        (_, Some("InternalServerError")) if message == WISP_OPERATION_FAILED => {
            Error::ServiceFailed
        }
        (_, Some("WebhookSecretEncryptionUnavailable")) => Error::EncryptionUnavailable,
        (409, _) | (_, Some("AlreadyExists")) => Error::SecretAlreadyExists {
            name: name.to_owned(),
        },
        (404, Some("NotFound")) => Error::SecretNotFound {
            name: name.to_owned(),
        },
        (401, Some("AuthenticationRequired")) => Error::AuthenticationRequired { message },
        (401, _) | (400, Some("ExpiredToken" | "InvalidToken")) => Error::SessionExpired {
            detail: format!("HTTP {status} {:?}", body.error),
        },
        (403, _) => Error::PermissionMissing {
            action: operation.action().to_owned(),
        },
        (429, _) => Error::RateLimited {
            retry_after_seconds: retry_after_seconds(response),
        },
        (400 | 405 | 413, _) => Error::InvalidRequest {
            message: if message.is_empty() {
                format!("HTTP {status}")
            } else {
                message
            },
        },
        (502 | 504, _) | (_, Some("UpstreamFailure" | "UpstreamTimeout")) => unknown_or(
            Reply::Nothing,
            Error::ServiceUnreachable {
                detail: format!("HTTP {status}: {message}"),
            },
        ),
        (500.., _) => unknown_or(
            Reply::Unreadable,
            Error::UnexpectedResponse {
                status,
                detail: message,
            },
        ),
        _ => Error::UnexpectedResponse {
            status,
            detail: format!("{:?}: {message}", body.error),
        },
    }
}

/// `Retry-After` in seconds, else the PDS's `RateLimit-Reset` (an epoch time in seconds);
/// both checked and capped (`net::server_time`), whatever size the server sends.
fn retry_after_seconds(response: &XrpcResponse) -> Option<u64> {
    if let Some(seconds) = response
        .header("retry-after")
        .and_then(server_time::wait_seconds)
    {
        return Some(seconds);
    }
    let reset = response
        .header("ratelimit-reset")?
        .trim()
        .parse::<i64>()
        .ok()?;
    server_time::seconds_until(reset, chrono::Utc::now().timestamp())
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;
    use wispkey_core::error::ErrorCode;

    fn answer(status: u16, body: &str) -> Result<XrpcResponse> {
        Ok(XrpcResponse {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        })
    }

    fn code(operation: Operation, outcome: Result<XrpcResponse>) -> ErrorCode {
        interpret(operation, "hook", outcome).unwrap_err().code()
    }

    #[test]
    fn success_passes_through() {
        assert!(interpret(Operation::List, "", answer(200, r#"{"secrets":[]}"#)).is_ok());
    }

    #[test]
    fn wisp_errors_map_to_their_codes() {
        let cases = [
            (
                400,
                r#"{"error":"InvalidRequest","message":"invalid secret name"}"#,
                ErrorCode::InvalidRequest,
            ),
            (
                409,
                r#"{"error":"AlreadyExists","message":"a secret with that name already exists"}"#,
                ErrorCode::SecretAlreadyExists,
            ),
            (
                404,
                r#"{"error":"NotFound","message":"secret not found"}"#,
                ErrorCode::SecretNotFound,
            ),
            (
                401,
                r#"{"error":"AuthenticationRequired","message":"jwt is expired"}"#,
                ErrorCode::AuthenticationRequired,
            ),
            (
                503,
                r#"{"error":"WebhookSecretEncryptionUnavailable","message":"webhook_secret_encryption_unavailable"}"#,
                ErrorCode::EncryptionUnavailable,
            ),
            (
                500,
                r#"{"error":"InternalServerError","message":"webhook secret operation failed"}"#,
                ErrorCode::ServiceFailed,
            ),
            (
                403,
                r#"{"error":"ScopeMissingError","message":"Missing required scope"}"#,
                ErrorCode::PermissionMissing,
            ),
            (
                429,
                r#"{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}"#,
                ErrorCode::RateLimited,
            ),
        ];
        for (status, body, expected) in cases {
            assert_eq!(
                code(Operation::Rotate, answer(status, body)),
                expected,
                "{body}"
            );
        }
    }

    #[test]
    fn wisp_storage_failure_relabelled_502_by_the_proxy_is_still_definitive() {
        let body = r#"{"error":"InternalServerError","message":"webhook secret operation failed"}"#;
        assert_eq!(
            code(Operation::Rotate, answer(502, body)),
            ErrorCode::ServiceFailed
        );
    }

    #[test]
    fn upstream_failure_during_rotate_is_an_unknown_outcome() {
        let body = r#"{"error":"UpstreamFailure","message":"Upstream service unreachable"}"#;
        assert_eq!(
            code(Operation::Rotate, answer(502, body)),
            ErrorCode::OutcomeUnknown
        );
        assert_eq!(
            code(Operation::Create, answer(502, body)),
            ErrorCode::OutcomeUnknown
        );
        assert_eq!(
            code(Operation::Delete, answer(502, body)),
            ErrorCode::OutcomeUnknown
        );
    }

    #[test]
    fn upstream_failure_during_list_is_service_unreachable() {
        let body = r#"{"error":"UpstreamFailure","message":"Upstream service unreachable"}"#;
        assert_eq!(
            code(Operation::List, answer(502, body)),
            ErrorCode::ServiceUnreachable
        );
    }

    #[test]
    fn a_lost_answer_is_unknown_for_rotate_and_a_timeout_for_list() {
        let lost = || {
            Err(Error::ResponseLost {
                detail: "reset".into(),
            })
        };
        assert_eq!(code(Operation::Rotate, lost()), ErrorCode::OutcomeUnknown);
        assert_eq!(code(Operation::List, lost()), ErrorCode::TimedOut);
    }

    #[test]
    fn nothing_sent_stays_pds_unreachable_even_for_rotate() {
        let refused = Err(Error::PdsUnreachable {
            detail: "refused".into(),
        });
        assert_eq!(code(Operation::Rotate, refused), ErrorCode::PdsUnreachable);
    }

    #[test]
    fn an_html_error_page_never_panics() {
        assert_eq!(
            code(
                Operation::List,
                answer(500, "<html><body>oops</body></html>")
            ),
            ErrorCode::UnexpectedResponse
        );
        assert_eq!(
            code(
                Operation::Rotate,
                answer(500, "<html><body>oops</body></html>")
            ),
            ErrorCode::OutcomeUnknown
        );
        assert_eq!(
            code(Operation::List, answer(418, "")),
            ErrorCode::UnexpectedResponse
        );
    }

    #[test]
    fn an_expired_pds_session_is_session_expired() {
        let body = r#"{"error":"ExpiredToken","message":"Token has expired"}"#;
        assert_eq!(
            code(Operation::List, answer(400, body)),
            ErrorCode::SessionExpired
        );
        assert_eq!(
            code(Operation::List, answer(401, r#"{"error":"InvalidToken"}"#)),
            ErrorCode::SessionExpired
        );
    }

    #[test]
    fn an_unknown_outcome_says_whether_an_answer_came_back() {
        let said = |outcome| {
            interpret(Operation::Rotate, "hook", outcome)
                .unwrap_err()
                .to_string()
        };
        let lost = said(Err(Error::ResponseLost {
            detail: "reset".into(),
        }));
        let upstream = said(answer(
            502,
            r#"{"error":"UpstreamFailure","message":"Upstream service unreachable"}"#,
        ));
        let unreadable = said(answer(500, "<html><body>oops</body></html>"));
        let too_large = said(Err(Error::AnswerTooLarge {
            host: "pds.example".into(),
            limit_bytes: 4 << 20,
        }));
        for nothing in [&lost, &upstream] {
            assert!(nothing.contains("but no answer came back"), "{nothing}");
        }
        for answered in [&unreadable, &too_large] {
            assert!(
                answered.contains("an answer came back, but Wispkey could not read it"),
                "{answered}"
            );
        }
    }

    #[test]
    fn an_oversized_answer_to_a_rotate_is_an_unknown_outcome_and_to_a_list_a_clear_error() {
        let too_large = || {
            Err(Error::AnswerTooLarge {
                host: "pds.example".into(),
                limit_bytes: 4 << 20,
            })
        };
        assert_eq!(
            code(Operation::Rotate, too_large()),
            ErrorCode::OutcomeUnknown
        );
        assert_eq!(
            code(Operation::List, too_large()),
            ErrorCode::UnexpectedResponse
        );
    }

    #[test]
    fn huge_rate_limit_headers_are_capped_not_overflowed() {
        let limited = |header: &str, value: &str| XrpcResponse {
            status: 429,
            headers: vec![(header.into(), value.into())],
            body: br#"{"error":"RateLimitExceeded"}"#.to_vec(),
        };
        let day = server_time::MAX_WAIT_SECONDS;
        assert_eq!(
            retry_after_seconds(&limited("retry-after", &u64::MAX.to_string())),
            Some(day)
        );
        assert_eq!(
            retry_after_seconds(&limited("retry-after", "99999999999999999999999")),
            Some(day)
        );
        assert_eq!(
            retry_after_seconds(&limited("ratelimit-reset", &i64::MAX.to_string())),
            Some(day)
        );
        // Before the epoch: no wait at all, and no overflow.
        assert_eq!(
            retry_after_seconds(&limited("ratelimit-reset", &i64::MIN.to_string())),
            None
        );
    }

    #[test]
    fn retry_after_header_is_reported_in_seconds() {
        let response = XrpcResponse {
            status: 429,
            headers: vec![("retry-after".into(), "17".into())],
            body: br#"{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}"#.to_vec(),
        };
        let error = interpret(Operation::List, "", Ok(response)).unwrap_err();
        assert!(matches!(
            error,
            Error::RateLimited {
                retry_after_seconds: Some(17)
            }
        ));
        assert!(error.to_string().contains("17 seconds"));
    }
}
