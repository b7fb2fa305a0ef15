//! The HTTP client every OAuth and XRPC request goes through (the OAuth session and the
//! transports in this folder): reqwest on rustls (no OpenSSL), plugged into atrium as its
//! `HttpClient`.
//!
//! Its errors say whether the request could have reached the server. That is the difference
//! between `Error::PdsUnreachable` (nothing sent: safe to retry) and `Error::ResponseLost` (sent,
//! no complete answer: a rotate may have happened), which atrium's boxed errors carry through
//! untouched so [`classify`] can find them again.

use std::error::Error as StdError;
use std::time::Duration;

use atrium_xrpc::http::{Request, Response};

use wispkey_core::error::{Error, Result};

/// Why a request produced no HTTP answer.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The request never left this machine (DNS, connection refused, TLS handshake, bad URL).
    #[error("request not sent: {0}")]
    NotSent(String),
    /// The request may have reached the server, but no complete answer came back.
    #[error("request sent, answer lost: {0}")]
    Lost(String),
}

/// Cheap to clone: the connection pool is shared.
#[derive(Clone, Debug)]
pub struct HttpClient {
    client: reqwest::Client,
}

impl HttpClient {
    pub fn new(request_timeout: Duration) -> Result<Self> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("wispkey/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10).min(request_timeout))
            .timeout(request_timeout)
            // A redirect would replay a DPoP-bound request to another URL; none of the
            // endpoints we call is supposed to redirect.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::PdsUnreachable {
                detail: format!("could not set up the HTTP client: {e}"),
            })?;
        Ok(HttpClient { client })
    }

    async fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> std::result::Result<Response<Vec<u8>>, SendError> {
        let request = reqwest::Request::try_from(request)
            .map_err(|e| SendError::NotSent(format!("invalid request: {e}")))?;
        let response = self
            .client
            .execute(request)
            .await
            .map_err(classify_reqwest)?;
        let mut builder = Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| SendError::Lost(format!("reading the answer failed: {e}")))?;
        builder
            .body(body.to_vec())
            .map_err(|e| SendError::Lost(format!("malformed answer: {e}")))
    }
}

fn classify_reqwest(error: reqwest::Error) -> SendError {
    // `is_connect` covers DNS, refused connections, connect timeouts and TLS handshakes: the
    // request bytes were never written. Anything later is treated as possibly delivered, which
    // is the safe reading for a rotate.
    if error.is_connect() || error.is_builder() {
        SendError::NotSent(error.to_string())
    } else {
        SendError::Lost(error.to_string())
    }
}

impl atrium_xrpc::HttpClient for HttpClient {
    async fn send_http(
        &self,
        request: Request<Vec<u8>>,
    ) -> std::result::Result<Response<Vec<u8>>, Box<dyn StdError + Send + Sync + 'static>> {
        self.send(request).await.map_err(Into::into)
    }
}

/// Finds our [`SendError`] in an error chain (atrium boxes it, sometimes inside its own errors).
pub fn find_send_error<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a SendError> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<SendError>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// Maps a transport failure to the core error a provider can act on.
pub fn classify(error: &(dyn StdError + 'static)) -> Error {
    match find_send_error(error) {
        Some(SendError::NotSent(detail)) => Error::PdsUnreachable {
            detail: detail.clone(),
        },
        Some(SendError::Lost(detail)) => Error::ResponseLost {
            detail: detail.clone(),
        },
        // Anything else failed while preparing the request (e.g. building the DPoP proof):
        // nothing was sent.
        None => Error::PdsUnreachable {
            detail: error.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atrium_xrpc::HttpClient as _;

    #[tokio::test]
    async fn a_refused_connection_is_not_sent() {
        // Bind then drop a listener to get a port that is very likely closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = HttpClient::new(Duration::from_secs(5)).unwrap();
        let request = Request::builder()
            .uri(format!("http://127.0.0.1:{port}/xrpc/x"))
            .body(Vec::new())
            .unwrap();
        let error = client.send_http(request).await.unwrap_err();
        assert!(
            matches!(classify(&*error), Error::PdsUnreachable { .. }),
            "{error}"
        );
    }

    #[tokio::test]
    async fn a_connection_dropped_after_sending_is_a_lost_answer() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            use tokio::io::AsyncReadExt;
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = [0u8; 1024];
            let _ = socket.read(&mut buffer).await;
            drop(socket); // read the request, answer nothing
        });
        let client = HttpClient::new(Duration::from_secs(5)).unwrap();
        let request = Request::builder()
            .method("POST")
            .uri(format!(
                "http://127.0.0.1:{port}/xrpc/place.wisp.v2.secret.rotate"
            ))
            .body(b"{}".to_vec())
            .unwrap();
        let error = client.send_http(request).await.unwrap_err();
        assert!(
            matches!(classify(&*error), Error::ResponseLost { .. }),
            "{error}"
        );
    }
}
