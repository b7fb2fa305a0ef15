//! Answers of any size from a real local HTTP server: reading stops at the limit with a clear
//! error, and the process's peak memory does not grow by the answer's size.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wispkey_core::net::body::BodyError;
use wispkey_core::net::{MAX_ANSWER_BYTES, read_limited};

const FIFTY_MB: usize = 50 * 1024 * 1024;

/// How the local server sends its body.
#[derive(Clone, Copy)]
enum Body {
    /// `Content-Length` as given, then that many bytes.
    Declared(usize),
    /// Chunked transfer, `total` bytes in 64 KiB chunks (no length announced).
    Chunked(usize),
}

/// A one-request HTTP server on 127.0.0.1 that answers 200 with `body`; its URL.
async fn serve(body: Body) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await;
        let chunk = vec![b'x'; 64 * 1024];
        // Write errors mean the client stopped reading: that is the point.
        match body {
            Body::Declared(total) => {
                let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {total}\r\n\r\n");
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let mut sent = 0;
                while sent < total {
                    let n = chunk.len().min(total - sent);
                    if socket.write_all(&chunk[..n]).await.is_err() {
                        return;
                    }
                    sent += n;
                }
            }
            Body::Chunked(total) => {
                let head = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let mut sent = 0;
                while sent < total {
                    let n = chunk.len().min(total - sent);
                    let framed = [format!("{n:x}\r\n").as_bytes(), &chunk[..n], b"\r\n"].concat();
                    if socket.write_all(&framed).await.is_err() {
                        return;
                    }
                    sent += n;
                }
                let _ = socket.write_all(b"0\r\n\r\n").await;
            }
        }
    });
    format!("http://127.0.0.1:{port}/big")
}

async fn fetch(url: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap()
}

/// This process's peak resident memory (VmHWM), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

#[tokio::test]
async fn a_50_mb_answer_without_a_length_stops_at_the_limit_and_memory_stays_flat() {
    let url = serve(Body::Chunked(FIFTY_MB)).await;
    let before = peak_rss();
    let response = fetch(&url).await;
    let error = read_limited(response, MAX_ANSWER_BYTES).await.unwrap_err();
    let grown = peak_rss().saturating_sub(before);
    println!(
        "peak RSS grew by {:.1} MiB reading a 50 MiB chunked answer (limit {} MiB)",
        grown as f64 / (1024.0 * 1024.0),
        MAX_ANSWER_BYTES / (1024 * 1024)
    );
    assert!(
        matches!(error, BodyError::TooLarge { limit } if limit == MAX_ANSWER_BYTES),
        "{error}"
    );
    // Reading it whole would have grown memory by at least 50 MiB.
    assert!(
        grown < 20 * 1024 * 1024,
        "peak memory grew by {grown} bytes"
    );
}

#[tokio::test]
async fn a_50_mb_answer_that_says_so_is_refused_before_its_body_is_read() {
    let url = serve(Body::Declared(FIFTY_MB)).await;
    let before = peak_rss();
    let response = fetch(&url).await;
    let error = read_limited(response, MAX_ANSWER_BYTES).await.unwrap_err();
    let grown = peak_rss().saturating_sub(before);
    println!(
        "peak RSS grew by {:.1} MiB refusing a declared 50 MiB answer",
        grown as f64 / (1024.0 * 1024.0)
    );
    assert!(matches!(error, BodyError::TooLarge { .. }), "{error}");
    assert!(
        grown < 20 * 1024 * 1024,
        "peak memory grew by {grown} bytes"
    );
}

#[tokio::test]
async fn an_answer_up_to_the_limit_is_read_whole() {
    for body in [Body::Chunked(300_000), Body::Declared(300_000)] {
        let url = serve(body).await;
        let read = read_limited(fetch(&url).await, 300_000).await.unwrap();
        assert_eq!(read.len(), 300_000);
    }
    let url = serve(Body::Chunked(300_001)).await;
    let error = read_limited(fetch(&url).await, 300_000).await.unwrap_err();
    assert!(
        matches!(error, BodyError::TooLarge { limit: 300_000 }),
        "{error}"
    );
}
