//! A small HTTP client for Phala Cloud's API: reqwest on rustls, no redirects (the API key would
//! follow them), and errors that say whether the request could have reached the server — the
//! difference between "not sent" (safe to try again) and "answer lost" (a rotate may have
//! happened, and is never retried). Requests follow `wispkey_core::net`: https (or http to
//! this machine) only, answers read up to `net::MAX_ANSWER_BYTES`, one log line each.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};

use wispkey_core::error::{Error, Result};
use wispkey_core::net;
use wispkey_core::secret::SecretString;

use crate::undocumented::{API_VERSION, TWO_FACTOR_HEADER, VERSION_HEADER};

/// Phala Cloud's API.
pub const DEFAULT_BASE_URL: &str = "https://cloud-api.phala.com";

/// Documented: `X-API-Key` (lower-case here: header names are case-insensitive).
const API_KEY_HEADER: &str = "x-api-key";
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

// The request, its answer and its errors are the shared ones (`wispkey_core::net::exchange`).
pub use wispkey_core::net::{Answer, SendError};

/// Cheap to clone: the connection pool is shared.
#[derive(Clone, Debug)]
pub struct PhalaHttp {
    client: reqwest::Client,
    base: Url,
}

impl PhalaHttp {
    /// `base_url`: https, or http to a loopback address (the local service).
    pub fn new(base_url: &str) -> Result<Self> {
        let base = checked_base_url(base_url)?;
        let client = net::client::builder(CONNECT_TIMEOUT, REQUEST_TIMEOUT)
            .build()
            .map_err(|error| Error::ServiceUnreachable {
                detail: format!("could not set up the HTTP client: {error}"),
            })?;
        Ok(PhalaHttp { client, base })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Sends once. `path` starts with `/`; the key and the code go only into headers marked
    /// sensitive.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        api_key: &SecretString,
        second_factor: Option<&SecretString>,
    ) -> std::result::Result<Answer, SendError> {
        let url = self
            .base
            .join(path.trim_start_matches('/'))
            .map_err(|error| SendError::NotSent(format!("invalid path: {error}")))?;
        let mut headers = HeaderMap::new();
        headers.insert(HeaderName::from_static(API_KEY_HEADER), sensitive(api_key)?);
        headers.insert(
            HeaderName::from_static(VERSION_HEADER),
            HeaderValue::from_static(API_VERSION),
        );
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        if let Some(code) = second_factor {
            headers.insert(HeaderName::from_static(TWO_FACTOR_HEADER), sensitive(code)?);
        }
        // The base passed this rule when the client was made; a joined path cannot change the
        // host, but every request is checked all the same (one rule, no exceptions).
        net::checked_endpoint(&url).map_err(|error| SendError::NotSent(error.to_string()))?;
        let request = self
            .client
            .request(method, url)
            .headers(headers)
            .build()
            .map_err(|error| SendError::NotSent(net::exchange::error_text(error)))?;
        net::exchange(&self.client, request).await
    }
}

fn sensitive(value: &SecretString) -> std::result::Result<HeaderValue, SendError> {
    let mut header = HeaderValue::from_str(value.expose().trim()).map_err(|_| {
        // The value itself is never quoted.
        SendError::NotSent("the key or code contains characters a header cannot carry".into())
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// Only https, except plain http to this machine (the local Phala-compatible service): the
/// shared endpoint rule (`net::endpoint`), then made a base that paths join below.
pub fn checked_base_url(text: &str) -> Result<Url> {
    let mut url = net::endpoint::checked_endpoint_text(text)?;
    // Paths join below the base: make it end with a slash.
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_are_accepted() {
        assert_eq!(
            checked_base_url("https://cloud-api.phala.com")
                .unwrap()
                .as_str(),
            "https://cloud-api.phala.com/"
        );
        assert!(checked_base_url("http://127.0.0.1:8080").is_ok());
        assert!(checked_base_url("http://localhost:1").is_ok());
        assert!(checked_base_url("http://[::1]:1").is_ok());
        assert_eq!(
            checked_base_url("https://proxy.example/phala")
                .unwrap()
                .join("api/v1/workspace/webhooks")
                .unwrap()
                .as_str(),
            "https://proxy.example/phala/api/v1/workspace/webhooks"
        );
    }

    #[test]
    fn plain_http_elsewhere_and_nonsense_are_refused() {
        for bad in [
            "http://cloud-api.phala.com",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "cloud-api.phala.com",
            "https://user:pw@cloud-api.phala.com",
        ] {
            let error = checked_base_url(bad).unwrap_err();
            assert_eq!(error.code().as_str(), "insecure_endpoint", "{bad}");
        }
    }

    #[tokio::test]
    async fn a_refused_connection_is_not_sent() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let http = PhalaHttp::new(&format!("http://127.0.0.1:{port}")).unwrap();
        let key = SecretString::new("phak_test");
        let error = http
            .send(Method::GET, "/api/v1/workspace/webhooks", &key, None)
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
        let http = PhalaHttp::new(&format!("http://127.0.0.1:{port}")).unwrap();
        let key = SecretString::new("phak_test");
        let error = http
            .send(
                Method::POST,
                "/api/v1/workspace/webhooks/wh_1/rotate-secret",
                &key,
                Some(&SecretString::new("123456")),
            )
            .await
            .unwrap_err();
        assert!(matches!(error, SendError::Lost(_)), "{error:?}");
        assert!(!format!("{error:?}").contains("phak_test"));
    }

    #[tokio::test]
    async fn a_50_mb_answer_stops_at_the_limit() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            let total = 50 * 1024 * 1024;
            let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {total}\r\n\r\n");
            let _ = socket.write_all(head.as_bytes()).await;
            let chunk = vec![b' '; 65536];
            for _ in 0..total / chunk.len() {
                if socket.write_all(&chunk).await.is_err() {
                    return;
                }
            }
        });
        let http = PhalaHttp::new(&format!("http://127.0.0.1:{port}")).unwrap();
        let key = SecretString::new("phak_test");
        let error = http
            .send(Method::GET, "/api/v1/workspace/webhooks", &key, None)
            .await
            .unwrap_err();
        assert!(
            matches!(&error, SendError::TooLarge { host, limit } if host == "127.0.0.1" && *limit == net::MAX_ANSWER_BYTES),
            "{error:?}"
        );
    }
}
