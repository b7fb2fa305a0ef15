//! Response building and body reading on top of hyper. The error bodies and
//! the exact `Content-Type` of JSON differ per service and stay there.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Response, StatusCode};
use serde::Serialize;

/// Every response body is small and built in one piece.
pub type Body = Full<Bytes>;

/// Requests are tiny JSON objects; anything bigger is refused.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A response with this status, `Content-Type` and body.
pub fn with_body(status: StatusCode, content_type: &'static str, bytes: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(bytes)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A JSON response with the given `Content-Type`.
pub fn json_with(
    status: StatusCode,
    content_type: &'static str,
    value: &impl Serialize,
) -> Response<Body> {
    // Serializing plain data (maps, strings, numbers) cannot fail.
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    with_body(status, content_type, bytes)
}

/// Why a request body could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// Over [`MAX_BODY_BYTES`].
    TooLarge,
    /// The connection failed mid-body; the text says how.
    Failed(String),
}

/// Reads the whole request body, refusing more than [`MAX_BODY_BYTES`].
pub async fn read_body(body: Incoming) -> Result<Bytes, ReadError> {
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(ReadError::TooLarge),
        Err(e) => Err(ReadError::Failed(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn json_responses_carry_status_type_and_body() {
        let response = json_with(
            StatusCode::CREATED,
            "application/json",
            &serde_json::json!({"a": 1}),
        );
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            HeaderValue::from_static("application/json")
        );
        let body = futures_body(response);
        assert_eq!(body, br#"{"a":1}"#);
    }

    fn futures_body(response: Response<Body>) -> Vec<u8> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            response
                .into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .to_vec()
        })
    }
}
