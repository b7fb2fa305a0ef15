//! A small HTTP client for a Slate server: reqwest on rustls, no redirects (a bearer token or a
//! password would follow them), and errors that say whether the request could have reached the
//! server — "not sent" (safe to try again) versus "answer lost" (a rotate or a refresh may have
//! happened, and neither is ever sent again).

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use zeroize::Zeroize;

use wispkey_core::error::{Error, Result};
use wispkey_core::net::{self, body::BodyError, log};
use wispkey_core::secret::SecretString;

use crate::address::checked_base_url;

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a request produced no HTTP answer.
#[derive(Debug)]
pub enum SendError {
    /// The request never left this machine (DNS, refused connection, TLS handshake).
    NotSent(String),
    /// The request may have reached the server, but no complete answer came back.
    Lost(String),
    /// An answer came, larger than Wispkey reads (`wispkey_core::net::MAX_ANSWER_BYTES`).
    TooLarge { host: String, limit: usize },
}

/// An HTTP answer. The body may hold a secret: it is zeroized when dropped.
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Drop for Answer {
    fn drop(&mut self) {
        self.body.zeroize();
    }
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish_non_exhaustive()
    }
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// A JSON body that may hold a password or a refresh token: zeroized when dropped.
pub struct Body(pub Vec<u8>);

impl Drop for Body {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl Body {
    pub fn json(value: &serde_json::Value) -> Body {
        Body(serde_json::to_vec(value).unwrap_or_default())
    }
}

/// Cheap to clone: the connection pool is shared.
#[derive(Clone, Debug)]
pub struct SlateHttp {
    client: reqwest::Client,
    base: Url,
}

impl SlateHttp {
    /// `base_url`: https, or http to a loopback address ([`checked_base_url`]).
    pub fn new(base_url: &str) -> Result<Self> {
        let base = checked_base_url(base_url)?;
        let client = reqwest::Client::builder()
            .user_agent(concat!("wispkey/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| Error::ServiceUnreachable {
                detail: format!("could not set up the HTTP client: {error}"),
            })?;
        Ok(SlateHttp { client, base })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Sends once. `path` is relative to the base URL; the bearer goes only into a header marked
    /// sensitive.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&SecretString>,
        body: Option<Body>,
    ) -> std::result::Result<Answer, SendError> {
        let url = self
            .base
            .join(path.trim_start_matches('/'))
            .map_err(|error| SendError::NotSent(format!("invalid path: {error}")))?;
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        if let Some(bearer) = bearer {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", bearer.expose().trim()))
                .map_err(|_| {
                    SendError::NotSent("the token contains characters a header cannot carry".into())
                })?;
            value.set_sensitive(true);
            headers.insert(reqwest::header::AUTHORIZATION, value);
        }
        let method_name = method.as_str().to_owned();
        let mut request = self.client.request(method, url.clone()).headers(headers);
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.0.clone());
        }
        let started = std::time::Instant::now();
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                let error = classify(error);
                let why = match &error {
                    SendError::NotSent(_) => "not sent",
                    _ => "answer lost",
                };
                log::request(
                    &method_name,
                    &url,
                    log::Ended::Failed(why),
                    started.elapsed(),
                );
                return Err(error);
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = net::read_limited(response, net::MAX_ANSWER_BYTES).await;
        log::request(
            &method_name,
            &url,
            log::Ended::Answered(status),
            started.elapsed(),
        );
        let body = body.map_err(|error| {
            log::body_failed(&method_name, &url, &error.to_string());
            match error {
                BodyError::TooLarge { limit } => SendError::TooLarge {
                    host: url.host_str().unwrap_or_default().to_owned(),
                    limit,
                },
                BodyError::Interrupted(detail) => {
                    SendError::Lost(format!("reading the answer failed: {detail}"))
                }
            }
        })?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

fn classify(error: reqwest::Error) -> SendError {
    // `is_connect` covers DNS, refused connections, connect timeouts and TLS handshakes: the
    // request was never written. Anything later may have been delivered.
    if error.is_connect() || error.is_builder() {
        SendError::NotSent(error.to_string())
    } else {
        SendError::Lost(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_refused_connection_is_not_sent() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let http = SlateHttp::new(&format!("http://127.0.0.1:{port}")).unwrap();
        let error = http
            .send(
                Method::GET,
                "api-tokens",
                Some(&SecretString::new("slt_x")),
                None,
            )
            .await
            .unwrap_err();
        assert!(matches!(error, SendError::NotSent(_)), "{error:?}");
    }

    #[tokio::test]
    async fn a_connection_dropped_after_sending_is_a_lost_answer() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            use tokio::io::AsyncReadExt;
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = [0u8; 2048];
            let _ = socket.read(&mut buffer).await;
            drop(socket);
        });
        let http = SlateHttp::new(&format!("http://127.0.0.1:{port}")).unwrap();
        let error = http
            .send(
                Method::POST,
                "api-tokens/1/webhook/rotate-secret",
                Some(&SecretString::new("slt_visible")),
                None,
            )
            .await
            .unwrap_err();
        assert!(matches!(error, SendError::Lost(_)), "{error:?}");
        assert!(!format!("{error:?}").contains("slt_visible"));
    }
}
