//! A webhook receiver as a user would run one during a staged rotation (several secrets at once): a real HTTP server on
//! 127.0.0.1 that accepts a delivery only if its `X-Webhook-Signature` is the HMAC-SHA256 of the
//! raw body under one of the secrets deployed to it, and remembers which one matched. Its HMAC
//! is computed here, independently of Wispkey's and the wisp service's code.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Result;

/// One delivery as the receiver judged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The request path (which webhook it was for).
    pub path: String,
    /// The label of the deployed secret whose signature matched; `None`: refused.
    pub matched: Option<String>,
}

#[derive(Default)]
struct Shared {
    /// (label, secret) pairs the receiver accepts now.
    accepted: Mutex<Vec<(String, String)>>,
    log: Mutex<Vec<Delivery>>,
    stop: AtomicBool,
}

pub struct RotatingReceiver {
    port: u16,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl RotatingReceiver {
    pub fn start() -> Result<RotatingReceiver> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared::default());
        let serving = Arc::clone(&shared);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if serving.stop.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let _ = answer(stream, &serving);
                }
            }
        });
        Ok(RotatingReceiver {
            port,
            shared,
            thread: Some(thread),
        })
    }

    /// The address of webhook `path` at this receiver (`http://127.0.0.1:PORT/PATH`).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }

    /// Deploys a secret: deliveries signed with it are accepted from now on.
    pub fn accept(&self, label: &str, secret: &str) {
        lock(&self.shared.accepted).push((label.to_owned(), secret.to_owned()));
    }

    /// Removes a deployed secret (the last step of a rotation at the receiver).
    pub fn retire(&self, label: &str) {
        lock(&self.shared.accepted).retain(|(known, _)| known != label);
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.shared.log).clone()
    }
}

impl Drop for RotatingReceiver {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wakes the blocking accept so the thread sees the stop flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn answer(stream: TcpStream, shared: &Shared) -> Result {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .trim_start_matches('/')
        .to_owned();
    let (mut length, mut signature) = (0usize, None);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse().unwrap_or(0),
                "x-webhook-signature" => signature = Some(value.to_owned()),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let matched = signature.and_then(|header| {
        lock(&shared.accepted)
            .iter()
            .find(|(_, secret)| signed(secret, &body) == header)
            .map(|(label, _)| label.clone())
    });
    let status = if matched.is_some() {
        "200 OK"
    } else {
        "401 Unauthorized"
    };
    lock(&shared.log).push(Delivery { path, matched });
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    )?;
    Ok(())
}

/// `sha256=<hex HMAC-SHA256(secret, body)>`, as wisp.place signs.
fn signed(secret: &str, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256={hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_like_the_wisp_api_test_vector() {
        let body = r#"{"cid":"bafyreiabc","collection":"app.bsky.feed.post","did":"did:plc:abc123abc123abc123abc123","event":"create","id":"whe_v1_0000000000000000000000000000000000000000000000000000000000000000","record":{"$type":"app.bsky.feed.post","createdAt":"2024-01-15T10:30:00.000Z","text":"hi"},"rkey":"3kl2jd9s8f7g","timestamp":"2024-01-15T10:30:00.000Z"}"#;
        assert_eq!(
            signed("wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX", body.as_bytes()),
            "sha256=1a2004d0bea1426970cac1bcd35f0c4cc5fcf3ceb7b6392cb1f74f7a7a102be8"
        );
    }
}
