//! A webhook receiver on this machine for tests: it accepts HTTP/1.1 POSTs on a loopback port,
//! checks each delivery's signature with its own HMAC code (independent of Wispkey's, so a bug
//! in one shows against the other), records what it got, and answers 204 when the signature
//! verifies, 401 when it does not. Stopped (by closing its port) when dropped.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Result;

/// Which signature the receiver expects (the schemes of `../shared/docs/providers.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiverScheme {
    /// `X-Webhook-Signature: sha256=hex(HMAC(token, body))`.
    Wisp,
    /// `X-Webhook-Signature: sha256=hex(HMAC(secret, "{X-Webhook-Timestamp}.{body}"))`.
    Phala,
    /// `webhook-signature: v1,base64(HMAC(base64decode(secret sans whsec_), "{id}.{ts}.{body}"))`.
    Standard,
}

/// One request as the receiver got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    /// Names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub verified: bool,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }
}

pub struct Receiver {
    address: SocketAddr,
    secret: Arc<Mutex<String>>,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Receiver {
    /// Listens on 127.0.0.1 (a free port) for deliveries signed with `secret` in `scheme`.
    pub fn start(scheme: ReceiverScheme, secret: &str) -> Result<Receiver> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let address = listener.local_addr()?;
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let secret = Arc::new(Mutex::new(secret.to_owned()));
        let thread = {
            let secret = Arc::clone(&secret);
            let received = Arc::clone(&received);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let key = secret.lock().map(|s| s.clone()).unwrap_or_default();
                    // Errors are a client that went away mid-request: nothing to record.
                    let _ = serve(stream, scheme, &key, &received);
                }
            })
        };
        Ok(Receiver {
            address,
            secret,
            received,
            stop,
            thread: Some(thread),
        })
    }

    /// From now on, expects deliveries signed with `secret` (a receiver reconfigured after a
    /// rotation, or one whose URL had to exist before its secret did).
    pub fn set_secret(&self, secret: &str) {
        if let Ok(mut current) = self.secret.lock() {
            *current = secret.to_owned();
        }
    }

    /// `http://127.0.0.1:PORT/hook`.
    pub fn url(&self) -> String {
        format!("http://{}/hook", self.address)
    }

    /// What it got so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        self.received
            .lock()
            .map(|all| all.clone())
            .unwrap_or_default()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.address);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one delivery, records it, then answers: recorded first, so a test that has its answer
/// always finds the delivery in `received()`.
fn serve(
    stream: TcpStream,
    scheme: ReceiverScheme,
    secret: &str,
    received_all: &Mutex<Vec<Received>>,
) -> Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut words = request_line.split_whitespace();
    let method = words.next().unwrap_or_default().to_owned();
    let path = words.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length.min(1 << 20)];
    reader.read_exact(&mut body)?;
    let mut received = Received {
        method,
        path,
        headers,
        body,
        verified: false,
    };
    received.verified = verifies(scheme, secret, &received);
    let status = if received.verified {
        "204 No Content"
    } else {
        "401 Unauthorized"
    };
    if let Ok(mut all) = received_all.lock() {
        all.push(received);
    }
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    stream.flush()?;
    Ok(())
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
        return Vec::new();
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

fn verifies(scheme: ReceiverScheme, secret: &str, request: &Received) -> bool {
    let header = |name: &str| request.header(name).unwrap_or_default().to_owned();
    match scheme {
        ReceiverScheme::Wisp => {
            let expected = format!(
                "sha256={}",
                hex::encode(hmac(secret.as_bytes(), &[&request.body]))
            );
            header("x-webhook-signature") == expected
        }
        ReceiverScheme::Phala => {
            let timestamp = header("x-webhook-timestamp");
            let expected = format!(
                "sha256={}",
                hex::encode(hmac(
                    secret.as_bytes(),
                    &[timestamp.as_bytes(), b".", &request.body]
                ))
            );
            header("x-webhook-signature") == expected
        }
        ReceiverScheme::Standard => {
            let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
            let Ok(key) = base64::engine::general_purpose::STANDARD.decode(encoded) else {
                return false;
            };
            let (id, timestamp) = (header("webhook-id"), header("webhook-timestamp"));
            let expected = base64::engine::general_purpose::STANDARD.encode(hmac(
                &key,
                &[
                    id.as_bytes(),
                    b".",
                    timestamp.as_bytes(),
                    b".",
                    &request.body,
                ],
            ));
            header("webhook-signature")
                .split_whitespace()
                .any(|entry| entry == format!("v1,{expected}"))
        }
    }
}
