//! The loopback redirect listener: `http://127.0.0.1:<port>/callback`, bound to 127.0.0.1 only
//! (never `localhost`, which the atproto profile forbids for redirects and which may resolve to
//! another interface).
//!
//! Each connection is served on its own task: browsers open speculative connections that never
//! send a request, and one of those must not delay the real redirect. The callback's connection
//! is kept open until the sign-in has finished, so the browser tab shows the real outcome.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use wispkey_core::error::{Error, Result};
use wispkey_core::secret::SecretString;

pub const CALLBACK_PATH: &str = "/callback";

/// How long one connection may take to send its request line and headers.
const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_REQUEST_BYTES: usize = 16 * 1024;

/// The query of a redirect to `/callback`. The code is a one-time credential: redacted in Debug.
#[derive(Debug, Default)]
pub struct CallbackQuery {
    pub code: Option<SecretString>,
    pub state: Option<String>,
    pub iss: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

impl CallbackQuery {
    pub fn parse(query: &str) -> Self {
        let mut parsed = CallbackQuery::default();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let value = value.into_owned();
            match key.as_ref() {
                "code" => parsed.code = Some(SecretString::new(value)),
                "state" => parsed.state = Some(value),
                "iss" => parsed.iss = Some(value),
                "error" => parsed.error = Some(value),
                "error_description" => parsed.error_description = Some(value),
                _ => {}
            }
        }
        parsed
    }
}

/// A redirect that arrived; answer it with [`PendingCallback::respond`] once the outcome is known.
pub struct PendingCallback {
    pub query: CallbackQuery,
    stream: TcpStream,
}

impl std::fmt::Debug for PendingCallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingCallback")
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

/// What the browser tab says after the redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    SignedIn,
    Denied,
    Rejected,
    Failed,
}

impl Page {
    fn text(self) -> (&'static str, &'static str) {
        match self {
            Page::SignedIn => (
                "Signed in to Wispkey",
                "You can close this tab and return to Wispkey.",
            ),
            Page::Denied => (
                "Access denied",
                "Wispkey was not given access. You can close this tab.",
            ),
            Page::Rejected => (
                "Sign-in answer rejected",
                "This answer did not match a sign-in started by Wispkey. Start sign-in again from Wispkey.",
            ),
            Page::Failed => (
                "Sign-in failed",
                "Wispkey could not finish signing in. Return to Wispkey for details.",
            ),
        }
    }
}

impl PendingCallback {
    pub async fn respond(mut self, page: Page) {
        let (title, message) = page.text();
        let body = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body style=\"font-family:sans-serif;max-width:32em;margin:4em auto\"><h1>{title}</h1>\
             <p>{message}</p></body></html>"
        );
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\
             cache-control: no-store\r\ncontent-security-policy: default-src 'none'\r\n\
             referrer-policy: no-referrer\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        // The tab may already be closed; the sign-in outcome does not depend on this write.
        let _ = tokio::time::timeout(Duration::from_secs(5), async {
            let _ = self.stream.write_all(response.as_bytes()).await;
            let _ = self.stream.shutdown().await;
        })
        .await;
    }
}

/// A bound listener. Dropping it closes the port at once: the socket is owned here, not by a
/// background task that would only notice an abort the next time it is polled.
pub struct LoopbackListener {
    port: u16,
    listener: TcpListener,
    sender: mpsc::Sender<PendingCallback>,
    callbacks: mpsc::Receiver<PendingCallback>,
}

impl LoopbackListener {
    /// Binds 127.0.0.1 on a free port chosen by the OS.
    pub async fn bind() -> Result<Self> {
        Self::bind_port(0).await
    }

    /// Binds a given port (0 = any). A fixed port is only useful for a hosted client whose
    /// registration cannot list a portless loopback URI.
    pub async fn bind_port(port: u16) -> Result<Self> {
        let listener =
            TcpListener::bind(("127.0.0.1", port))
                .await
                .map_err(|e| Error::SignInFailed {
                    detail: format!(
                        "could not listen on 127.0.0.1:{port} for the sign-in redirect: {e}"
                    ),
                })?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::SignInFailed {
                detail: format!("loopback listener has no address: {e}"),
            })?
            .port();
        let (sender, callbacks) = mpsc::channel(4);
        Ok(LoopbackListener {
            port,
            listener,
            sender,
            callbacks,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Waits for the next request to `/callback`. Other paths (a favicon, a probe) are answered
    /// 404 and ignored. Timeouts and cancellation are the caller's (`tokio::select!`).
    pub async fn next_callback(&mut self) -> Result<PendingCallback> {
        loop {
            tokio::select! {
                callback = self.callbacks.recv() => {
                    // We hold a sender, so the channel cannot close while we wait.
                    return callback.ok_or_else(|| Error::SignInFailed {
                        detail: "the loopback listener stopped".into(),
                    });
                }
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        let sender = self.sender.clone();
                        tokio::spawn(async move {
                            if let Some(callback) = serve(stream).await {
                                let _ = sender.send(callback).await;
                            }
                        });
                    }
                    // Accept errors (e.g. too many open files) are transient; do not spin.
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                },
            }
        }
    }
}

pub fn redirect_uri(port: u16) -> String {
    format!("http://127.0.0.1:{port}{CALLBACK_PATH}")
}

/// Reads one request. Returns the callback, or answers anything else itself and returns None.
async fn serve(mut stream: TcpStream) -> Option<PendingCallback> {
    let head = tokio::time::timeout(REQUEST_READ_TIMEOUT, read_head(&mut stream))
        .await
        .ok()
        .flatten()?;
    let Some(query) = callback_query(&head) else {
        let _ = stream
            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .await;
        return None;
    };
    Some(PendingCallback { query, stream })
}

/// The redirect's query if `head` (a request's line and headers) is `GET /callback?…`.
fn callback_query(head: &str) -> Option<CallbackQuery> {
    let request_line = head.lines().next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (method, target) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    (method == "GET" && path == CALLBACK_PATH).then(|| CallbackQuery::parse(query))
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::with_capacity(2048);
    let mut chunk = [0u8; 2048];
    loop {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if buffer.windows(4).any(|w| w == b"\r\n\r\n") {
            return Some(String::from_utf8_lossy(&buffer).into_owned());
        }
        if buffer.len() > MAX_REQUEST_BYTES {
            return None;
        }
    }
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(port: u16, target: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        stream
            .write_all(format!("GET {target} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer
    }

    #[tokio::test]
    async fn the_listener_binds_loopback_only_on_a_free_port() {
        let listener = LoopbackListener::bind().await.unwrap();
        assert_ne!(listener.port(), 0);
        assert_eq!(
            redirect_uri(listener.port()),
            format!("http://127.0.0.1:{}/callback", listener.port())
        );
    }

    #[tokio::test]
    async fn a_callback_is_delivered_and_answered_after_the_outcome() {
        let mut listener = LoopbackListener::bind().await.unwrap();
        let port = listener.port();
        let browser = tokio::spawn(async move {
            get(
                port,
                "/callback?code=abc&state=s1&iss=http%3A%2F%2Flocalhost%3A2583",
            )
            .await
        });
        let callback = listener.next_callback().await.unwrap();
        assert_eq!(callback.query.code.as_ref().unwrap().expose(), "abc");
        assert_eq!(callback.query.state.as_deref(), Some("s1"));
        assert_eq!(callback.query.iss.as_deref(), Some("http://localhost:2583"));
        assert!(!format!("{callback:?}").contains("abc"));
        callback.respond(Page::SignedIn).await;
        let page = browser.await.unwrap();
        assert!(page.starts_with("HTTP/1.1 200"));
        assert!(page.contains("Signed in to Wispkey"));
    }

    #[tokio::test]
    async fn other_paths_and_silent_connections_do_not_block_the_callback() {
        let mut listener = LoopbackListener::bind().await.unwrap();
        let port = listener.port();
        let browser = tokio::spawn(async move {
            // A speculative connection that never sends anything, then a favicon request.
            let idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
            let favicon = get(port, "/favicon.ico").await;
            tokio::spawn(async move { get(port, "/callback?error=access_denied&state=s").await });
            (idle, favicon)
        });
        let callback = tokio::time::timeout(Duration::from_secs(2), listener.next_callback())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(callback.query.error.as_deref(), Some("access_denied"));
        let (_idle, favicon) = browser.await.unwrap();
        assert!(favicon.starts_with("HTTP/1.1 404"), "{favicon}");
    }

    #[tokio::test]
    async fn dropping_the_listener_closes_the_port() {
        let listener = LoopbackListener::bind().await.unwrap();
        let port = listener.port();
        drop(listener);
        assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    }
}
