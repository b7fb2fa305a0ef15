//! Responses in FastAPI's shapes: `{"detail": "..."}` for HTTP errors and
//! `{"detail": [...]}` for validation errors, plus body reading.

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Response, StatusCode};
use serde::Serialize;
use serde_json::{Value, json};
use service_kit::http::{self, ReadError};

use crate::Error;

pub use service_kit::http::Body;

/// A JSON response (FastAPI sends plain `application/json`).
pub fn json(status: StatusCode, value: &impl Serialize) -> Response<Body> {
    http::json_with(status, "application/json", value)
}

/// The status and body an error becomes.
pub fn error_parts(err: &Error) -> (StatusCode, Value) {
    let detail = |status| (status, json!({ "detail": err.to_string() }));
    match err {
        Error::NotAuthenticated
        | Error::InvalidCredentials
        | Error::IncorrectLogin
        | Error::InvalidTotp
        | Error::InvalidRefreshToken
        | Error::RefreshTokenReuse => detail(StatusCode::UNAUTHORIZED),
        Error::ApiTokenInactive(_) => detail(StatusCode::FORBIDDEN),
        Error::TokenNotFound | Error::UserNotFound | Error::RouteNotFound => {
            detail(StatusCode::NOT_FOUND)
        }
        Error::MethodNotAllowed(_) => detail(StatusCode::METHOD_NOT_ALLOWED),
        Error::PayloadTooLarge => detail(StatusCode::PAYLOAD_TOO_LARGE),
        Error::Validation(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "detail": errors }),
        ),
        Error::RateLimited(_) => detail(StatusCode::TOO_MANY_REQUESTS),
        Error::InvalidRequest(_) => detail(StatusCode::BAD_REQUEST),
        Error::Conflict(_) => detail(StatusCode::CONFLICT),
        Error::DeliveryFailed(_) => detail(StatusCode::BAD_GATEWAY),
        Error::Storage(_)
        | Error::Crypto(_)
        | Error::Config(_)
        | Error::Io(_)
        | Error::ConnectionDropped => {
            // The cause goes to stderr (it never carries a secret); the client
            // sees Starlette's plain 500.
            eprintln!("slate-service: internal error: {err}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({ "detail": "Internal Server Error" }),
            )
        }
    }
}

/// The answer for an error, with the headers FastAPI adds.
pub fn error_response(err: &Error) -> Response<Body> {
    let (status, body) = error_parts(err);
    let mut response = json(status, &body);
    let headers = response.headers_mut();
    match err {
        Error::MethodNotAllowed(allow) => {
            headers.insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        // OAuth2 bearer failures say how to authenticate (RFC 6750), as
        // FastAPI's HTTPBearer / OAuth2PasswordBearer do.
        Error::NotAuthenticated | Error::InvalidCredentials => {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        Error::RateLimited(seconds) => {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
        }
        _ => {}
    }
    response
}

/// Reads the whole request body, refusing more than 64 KiB.
pub async fn read_body(body: Incoming) -> Result<Bytes, Error> {
    http::read_body(body).await.map_err(|e| match e {
        ReadError::TooLarge => Error::PayloadTooLarge,
        ReadError::Failed(e) => Error::invalid(format!("could not read request body: {e}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ValidationError;

    #[test]
    fn http_errors_are_fastapi_detail_strings() {
        let (status, body) = error_parts(&Error::ApiTokenInactive("revoked"));
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body, json!({"detail": "API token is revoked"}));
        let (status, body) = error_parts(&Error::RefreshTokenReuse);
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            body,
            json!({"detail": "Refresh token reuse detected; session revoked"})
        );
    }

    #[test]
    fn validation_errors_use_the_pydantic_v2_shape() {
        let (status, body) = error_parts(&Error::Validation(vec![ValidationError::new(
            "int_parsing",
            vec![json!("path"), json!("token_id")],
            "Input should be a valid integer, unable to parse string as an integer",
            json!("abc"),
        )]));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body,
            json!({"detail":[{"type":"int_parsing","loc":["path","token_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]})
        );
    }

    #[test]
    fn bearer_failures_carry_www_authenticate_and_429_retry_after() {
        let response = error_response(&Error::InvalidCredentials);
        assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
        let response = error_response(&Error::RateLimited(7));
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}
