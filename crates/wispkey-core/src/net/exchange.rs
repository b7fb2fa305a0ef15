//! One request and its answer, as the providers' clients send them: send once, tell "not sent"
//! from "answer lost", read the answer within [`MAX_ANSWER_BYTES`], and leave one log line.
//! Each client builds its own request (its headers, its credentials); the rest is here, once.
//!
//! Error texts come from reqwest's errors *without their URL*: reqwest names the whole URL,
//! query included, and a query can carry a code or a token, while these texts reach the log and
//! the sentences the user reads.

use std::time::Instant;

use reqwest::header::HeaderMap;
use url::Url;
use zeroize::Zeroize;

use super::body::{BodyError, MAX_ANSWER_BYTES, read_limited};
use super::log;

/// Why a request produced no HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The request never left this machine (DNS, refused connection, TLS handshake).
    NotSent(String),
    /// The request may have reached the server, but no complete answer came back.
    Lost(String),
    /// An answer came, larger than `limit` bytes: reading stopped there.
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

/// reqwest's words for `error`, without the URL it would name.
pub fn error_text(error: reqwest::Error) -> String {
    error.without_url().to_string()
}

/// Sorts a failed send. `is_connect` covers DNS, refused connections, connect timeouts and TLS
/// handshakes: the request bytes were never written. Anything later is treated as possibly
/// delivered, the safe reading for a rotate or a refresh.
pub fn classify(error: reqwest::Error) -> SendError {
    let not_sent = error.is_connect() || error.is_builder();
    let text = error_text(error);
    if not_sent {
        SendError::NotSent(text)
    } else {
        SendError::Lost(text)
    }
}

/// Sends `request` once on `client` and reads its answer (at most [`MAX_ANSWER_BYTES`]),
/// logging the request (method, host, path, status, time: see [`log`]).
pub async fn exchange(
    client: &reqwest::Client,
    request: reqwest::Request,
) -> Result<Answer, SendError> {
    let method = request.method().as_str().to_owned();
    let url: Url = request.url().clone();
    let started = Instant::now();
    let response = match client.execute(request).await {
        Ok(response) => response,
        Err(error) => {
            let error = classify(error);
            let why = match &error {
                SendError::NotSent(_) => "not sent",
                _ => "answer lost",
            };
            log::request(&method, &url, log::Ended::Failed(why), started.elapsed());
            return Err(error);
        }
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = read_limited(response, MAX_ANSWER_BYTES).await;
    log::request(
        &method,
        &url,
        log::Ended::Answered(status),
        started.elapsed(),
    );
    let body = body.map_err(|error| answer_unread(&method, &url, error))?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// Logs an answer that could not be read whole and says what that means for the request.
pub fn answer_unread(method: &str, url: &Url, error: BodyError) -> SendError {
    log::body_failed(method, url, &error.to_string());
    match error {
        BodyError::TooLarge { limit } => SendError::TooLarge {
            host: url.host_str().unwrap_or_default().to_owned(),
            limit,
        },
        BodyError::Interrupted(detail) => {
            SendError::Lost(format!("reading the answer failed: {detail}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const QUERY_SECRET: &str = "code-QUERYSECRET-7f3a";

    /// A server that reads the request, then answers with `reply` and hangs up.
    async fn one_shot_server(reply: &'static [u8]) -> u16 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            let _ = socket.write_all(reply).await;
            drop(socket);
        });
        port
    }

    fn request_with_query(port: u16) -> (reqwest::Client, reqwest::Request) {
        let client = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{port}/oauth/callback?code={QUERY_SECRET}&state=s");
        let request = client.get(url).build().unwrap();
        (client, request)
    }

    #[tokio::test]
    async fn an_answer_cut_off_part_way_never_names_the_url_query() {
        // Promises 100 bytes, sends 5, hangs up: the body read fails in reqwest.
        let port = one_shot_server(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nhello").await;
        let (client, request) = request_with_query(port);
        let error = exchange(&client, request).await.unwrap_err();
        assert!(matches!(error, SendError::Lost(_)), "{error:?}");
        let said = format!("{error:?}");
        assert!(said.contains("reading the answer failed"), "{said}");
        assert!(!said.contains(QUERY_SECRET), "{said}");
        assert!(!said.contains("127.0.0.1"), "no URL at all: {said}");
    }

    #[tokio::test]
    async fn a_connection_dropped_before_the_answer_never_names_the_url_query() {
        let port = one_shot_server(b"").await;
        let (client, request) = request_with_query(port);
        let error = exchange(&client, request).await.unwrap_err();
        assert!(matches!(error, SendError::Lost(_)), "{error:?}");
        assert!(!format!("{error:?}").contains(QUERY_SECRET), "{error:?}");
    }

    #[tokio::test]
    async fn a_refused_connection_is_not_sent_and_never_names_the_url_query() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // reqwest's own words name the query: what this module must keep out.
        let (client, request) = request_with_query(port);
        let raw = client.execute(request).await.unwrap_err().to_string();
        assert!(raw.contains(QUERY_SECRET), "{raw}");
        let (client, request) = request_with_query(port);
        let error = exchange(&client, request).await.unwrap_err();
        assert!(matches!(error, SendError::NotSent(_)), "{error:?}");
        assert!(!format!("{error:?}").contains(QUERY_SECRET), "{error:?}");
    }

    #[tokio::test]
    async fn a_whole_answer_comes_back_with_its_status_and_headers() {
        let port =
            one_shot_server(b"HTTP/1.1 201 Created\r\nx-kind: test\r\ncontent-length: 2\r\n\r\nok")
                .await;
        let (client, request) = request_with_query(port);
        let answer = exchange(&client, request).await.unwrap();
        assert_eq!(answer.status, 201);
        assert_eq!(answer.header("x-kind"), Some("test"));
        assert_eq!(answer.body, b"ok");
    }
}
