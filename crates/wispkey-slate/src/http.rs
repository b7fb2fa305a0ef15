//! A small HTTP client for a Slate server: reqwest on rustls, no redirects (a bearer token or a
//! password would follow them), and errors that say whether the request could have reached the
//! server — "not sent" (safe to try again) versus "answer lost" (a rotate or a refresh may have
//! happened, and neither is ever sent again).

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use zeroize::Zeroize;

use wispkey_core::error::{Error, Result};
use wispkey_core::net;
use wispkey_core::secret::SecretString;

use crate::address::checked_base_url;

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

// The request, its answer and its errors are the shared ones (`wispkey_core::net::exchange`).
pub use wispkey_core::net::{Answer, SendError};

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
        let client = net::client::builder(CONNECT_TIMEOUT, REQUEST_TIMEOUT)
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
        let mut request = self.client.request(method, url).headers(headers);
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.0.clone());
        }
        let request = request
            .build()
            .map_err(|error| SendError::NotSent(net::exchange::error_text(error)))?;
        net::exchange(&self.client, request).await
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
