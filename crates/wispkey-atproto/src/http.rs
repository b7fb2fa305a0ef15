//! The HTTP client every OAuth and XRPC request goes through (the OAuth session and the
//! transports in this folder): reqwest on rustls (no OpenSSL), plugged into atrium as its
//! `HttpClient`.
//!
//! Every request follows `wispkey_core::net`: the URL must pass the endpoint rule (https, or
//! http to this machine) before anything is sent, the answer is read up to
//! `net::MAX_ANSWER_BYTES`, and each request leaves one line in the log (method, host, path,
//! status, duration; never a header or a body).
//!
//! Its errors say whether the request could have reached the server. That is the difference
//! between `Error::PdsUnreachable` (nothing sent: safe to retry) and `Error::ResponseLost` (sent,
//! no complete answer: a rotate may have happened), which atrium's boxed errors carry through
//! untouched so [`classify`] can find them again.

use std::error::Error as StdError;
use std::time::Duration;

use atrium_xrpc::http::{Request, Response};

use wispkey_core::error::{Error, Result};
use wispkey_core::net::{self, log};

/// Why a request produced no HTTP answer.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SendError {
    /// The request never left this machine (DNS, connection refused, TLS handshake, bad URL).
    #[error("request not sent: {0}")]
    NotSent(String),
    /// The request may have reached the server, but no complete answer came back.
    #[error("request sent, answer lost: {0}")]
    Lost(String),
    /// Not sent: the address breaks the endpoint rule (`net::endpoint`).
    #[error("request refused: {host}: {why}")]
    Refused { host: String, why: String },
    /// An answer came, larger than `limit` bytes: reading stopped there.
    #[error("answer from {host} larger than {limit} bytes")]
    TooLarge { host: String, limit: usize },
}

impl SendError {
    /// The core error for what the request's sender can no longer change (refused, too large);
    /// `None` for the two that depend on whether the request left (not sent / lost).
    pub fn settled_error(&self) -> Option<Error> {
        match self {
            SendError::Refused { host, why } => Some(Error::InsecureEndpoint {
                host: host.clone(),
                why: why.clone(),
            }),
            SendError::TooLarge { host, limit } => Some(Error::AnswerTooLarge {
                host: host.clone(),
                limit_bytes: *limit,
            }),
            SendError::NotSent(_) | SendError::Lost(_) => None,
        }
    }
}

/// Cheap to clone: the connection pool is shared.
#[derive(Clone, Debug)]
pub struct HttpClient {
    client: reqwest::Client,
}

impl HttpClient {
    pub fn new(request_timeout: Duration) -> Result<Self> {
        let client = net::client::builder(Duration::from_secs(10), request_timeout)
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
        let request = reqwest::Request::try_from(request).map_err(|e| {
            SendError::NotSent(format!("invalid request: {}", net::exchange::error_text(e)))
        })?;
        let method = request.method().as_str().to_owned();
        let url = request.url().clone();
        if let Err(refusal) = net::checked_endpoint(&url) {
            log::request(&method, &url, log::Ended::Failed("refused"), Duration::ZERO);
            return Err(match refusal {
                Error::InsecureEndpoint { host, why } => SendError::Refused { host, why },
                other => SendError::NotSent(other.to_string()),
            });
        }
        let mut answer = net::exchange(&self.client, request).await?;
        let mut builder = Response::builder().status(answer.status);
        for (name, value) in &answer.headers {
            builder = builder.header(name, value);
        }
        builder
            .body(std::mem::take(&mut answer.body))
            .map_err(|e| SendError::Lost(format!("malformed answer: {e}")))
    }
}

/// The shared client's errors (`net::exchange`), as this crate's.
impl From<net::SendError> for SendError {
    fn from(error: net::SendError) -> Self {
        match error {
            net::SendError::NotSent(detail) => SendError::NotSent(detail),
            net::SendError::Lost(detail) => SendError::Lost(detail),
            net::SendError::TooLarge { host, limit } => SendError::TooLarge { host, limit },
        }
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
        Some(settled) => settled.settled_error().unwrap_or_else(|| Error::Internal {
            detail: settled.to_string(),
        }),
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

    /// A local server that answers every request with `total` bytes, chunked (no length).
    async fn endless_answer(total: usize) -> u16 {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            if socket.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = [b' '; 65536];
            let mut sent = 0;
            while sent < total {
                let framed = [b"10000\r\n".as_slice(), &chunk, b"\r\n"].concat();
                if socket.write_all(&framed).await.is_err() {
                    return; // the client stopped reading
                }
                sent += chunk.len();
            }
        });
        port
    }

    #[tokio::test]
    async fn a_50_mb_answer_is_a_clear_error_naming_the_host() {
        let port = endless_answer(50 * 1024 * 1024).await;
        let client = HttpClient::new(Duration::from_secs(30)).unwrap();
        let request = Request::builder()
            .uri(format!(
                "http://127.0.0.1:{port}/xrpc/place.wisp.v2.secret.list"
            ))
            .body(Vec::new())
            .unwrap();
        let error = classify(&*client.send_http(request).await.unwrap_err());
        assert!(matches!(error, Error::AnswerTooLarge { .. }), "{error:?}");
        assert_eq!(
            error.code(),
            wispkey_core::error::ErrorCode::UnexpectedResponse
        );
        assert!(
            error
                .to_string()
                .starts_with("127.0.0.1 sent an answer larger than 4 MB"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn plain_http_to_another_machine_is_refused_before_anything_is_sent() {
        let client = HttpClient::new(Duration::from_secs(5)).unwrap();
        for url in [
            "http://pds.example/xrpc/place.wisp.v2.secret.rotate",
            "http://plc.example/did:plc:abc",
        ] {
            let request = Request::builder()
                .method("POST")
                .uri(url)
                .body(b"{}".to_vec())
                .unwrap();
            let error = classify(&*client.send_http(request).await.unwrap_err());
            assert_eq!(
                error.code(),
                wispkey_core::error::ErrorCode::InsecureEndpoint,
                "{url}: {error:?}"
            );
            assert!(error.to_string().contains(".example"), "{error}");
        }
    }
}
