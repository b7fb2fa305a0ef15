//! Response building and body reading on top of hyper.

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};
use serde::Serialize;
use serde_json::json;
use service_kit::http::{self, ReadError};

use crate::Error;

pub use service_kit::http::Body;

/// The one message every 500 carries (as the real server's).
pub const INTERNAL_MESSAGE: &str = "webhook secret operation failed";

/// A JSON response.
pub fn json(status: StatusCode, value: &impl Serialize) -> Response<Body> {
    http::json_with(status, "application/json; charset=utf-8", value)
}

/// A plain-text response.
pub fn plain(status: StatusCode, text: &str) -> Response<Body> {
    http::with_body(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    )
}

fn xrpc_error(status: StatusCode, error: &str, message: &str) -> Response<Body> {
    json(status, &json!({ "error": error, "message": message }))
}

fn set_header(response: &mut Response<Body>, name: &'static str, value: String) {
    if let Ok(value) = HeaderValue::from_str(&value) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(name), value);
    }
}

/// The XRPC answer for an error: `{"error","message"}` with its status.
pub fn error_response(err: &Error) -> Response<Body> {
    match err {
        Error::InvalidRequest(message) => {
            xrpc_error(StatusCode::BAD_REQUEST, "InvalidRequest", message)
        }
        Error::AuthenticationRequired(message) => {
            xrpc_error(StatusCode::UNAUTHORIZED, "AuthenticationRequired", message)
        }
        Error::SecretNotFound => xrpc_error(StatusCode::NOT_FOUND, "NotFound", &err.to_string()),
        // The real router answers unknown methods with a bare text 404.
        Error::RouteNotFound => plain(StatusCode::NOT_FOUND, "Not Found"),
        Error::MethodNotAllowed(expected) => {
            let mut response = xrpc_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "InvalidRequest",
                &err.to_string(),
            );
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(expected));
            response
        }
        Error::AlreadyExists => xrpc_error(StatusCode::CONFLICT, "AlreadyExists", &err.to_string()),
        Error::PayloadTooLarge => xrpc_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLarge",
            &err.to_string(),
        ),
        Error::RateLimited {
            retry_after_secs,
            limit,
            reset_at_secs,
        } => {
            let mut response = xrpc_error(
                StatusCode::TOO_MANY_REQUESTS,
                "RateLimitExceeded",
                "Rate Limit Exceeded",
            );
            set_header(&mut response, "retry-after", retry_after_secs.to_string());
            // The headers the atproto PDS sends with its own 429s.
            set_header(&mut response, "ratelimit-limit", limit.to_string());
            set_header(&mut response, "ratelimit-remaining", "0".to_owned());
            set_header(&mut response, "ratelimit-reset", reset_at_secs.to_string());
            set_header(&mut response, "ratelimit-policy", format!("{limit};w=60"));
            response
        }
        Error::EncryptionUnavailable => xrpc_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "WebhookSecretEncryptionUnavailable",
            &err.to_string(),
        ),
        Error::Storage(_)
        | Error::Crypto(_)
        | Error::Config(_)
        | Error::Io(_)
        | Error::ConnectionDropped => {
            eprintln!("wisp-service: internal error: {err}");
            xrpc_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalServerError",
                INTERNAL_MESSAGE,
            )
        }
    }
}

/// Reads the whole request body, refusing more than 64 KiB.
pub async fn read_body(body: Incoming) -> Result<Bytes, Error> {
    http::read_body(body).await.map_err(|e| match e {
        ReadError::TooLarge => Error::PayloadTooLarge,
        ReadError::Failed(e) => Error::invalid(format!("could not read request body: {e}")),
    })
}
