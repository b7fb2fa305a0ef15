//! Answers no honest server sends: a tiny HTTP server on 127.0.0.1 plays the PDS and returns
//! broken bodies over a real socket. The provider must turn each into an error code — never a
//! panic, and never a plain failure when a rotate may have happened.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wispkey_atproto::xrpc::password::PasswordSession;
use wispkey_core::ErrorCode;
use wispkey_core::SecretString;
use wispkey_core::provider::SecretProvider;
use wispkey_wisp::WispProvider;

/// Serves `createSession` properly and answers every other call with `answer` (raw HTTP bytes).
async fn tiny_pds(answer: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&request);
                let reply = if head.contains("createSession") {
                    let body = r#"{"did":"did:plc:tinytinytinytinytinytiny","handle":"t.test","accessJwt":"a.b.c","refreshJwt":"d.e.f"}"#;
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                } else {
                    answer.to_owned()
                };
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{address}")
}

async fn provider(answer: &'static str) -> WispProvider<PasswordSession> {
    let url = tiny_pds(answer).await;
    let session = PasswordSession::sign_in(
        &url,
        "t.test",
        &SecretString::new("pw"),
        Duration::from_secs(5),
    )
    .await
    .unwrap();
    WispProvider::new(session, "did:web:wisp.place")
}

fn hook() -> String {
    "hook".to_owned()
}

const HTML_502: &str = "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: 39\r\nconnection: close\r\n\r\n<html><body>Bad Gateway</body></html>\n\n";
const HTML_200: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 26\r\nconnection: close\r\n\r\n<html>maintenance</html>\n\n";
const WRONG_SHAPE: &str = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 25\r\nconnection: close\r\n\r\n{\"secrets\":[{\"name\":1}]}\n";
const NO_TOKEN: &str = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 55\r\nconnection: close\r\n\r\n{\"name\":\"hook\",\"rotatedAt\":\"2024-01-15T10:30:00.000Z\"}\n";
/// Promises 200 bytes, sends 30, hangs up: the answer was lost mid-body.
const TRUNCATED: &str = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\nconnection: close\r\n\r\n{\"name\":\"hook\",\"token\":\"wsk_AB";
const GARBAGE: &str = "this is not HTTP at all\r\n\r\n";

#[tokio::test]
async fn an_html_error_page_is_an_unknown_outcome_for_rotate_and_unreachable_for_list() {
    let wisp = provider(HTML_502).await;
    assert_eq!(
        wisp.rotate(&hook(), None).await.unwrap_err().code(),
        ErrorCode::OutcomeUnknown
    );
    assert_eq!(
        wisp.list().await.unwrap_err().code(),
        ErrorCode::ServiceUnreachable
    );
}

#[tokio::test]
async fn html_with_a_success_status_is_an_unexpected_response_for_list() {
    let wisp = provider(HTML_200).await;
    assert_eq!(
        wisp.list().await.unwrap_err().code(),
        ErrorCode::UnexpectedResponse
    );
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_an_unexpected_response() {
    let wisp = provider(WRONG_SHAPE).await;
    assert_eq!(
        wisp.list().await.unwrap_err().code(),
        ErrorCode::UnexpectedResponse
    );
}

#[tokio::test]
async fn a_rotate_answer_without_a_token_is_an_unknown_outcome() {
    let wisp = provider(NO_TOKEN).await;
    assert_eq!(
        wisp.rotate(&hook(), None).await.unwrap_err().code(),
        ErrorCode::OutcomeUnknown
    );
}

#[tokio::test]
async fn a_rotate_answer_cut_off_mid_body_is_an_unknown_outcome() {
    let wisp = provider(TRUNCATED).await;
    let error = wisp.rotate(&hook(), None).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::OutcomeUnknown, "{error:?}");
    assert!(
        !format!("{error:?}").contains("wsk_AB"),
        "the partial token leaked"
    );
}

#[tokio::test]
async fn an_answer_that_is_not_http_never_panics() {
    let wisp = provider(GARBAGE).await;
    let rotate = wisp.rotate(&hook(), None).await.unwrap_err();
    assert_eq!(rotate.code(), ErrorCode::OutcomeUnknown, "{rotate:?}");
    let list = wisp.list().await.unwrap_err();
    assert_eq!(list.code(), ErrorCode::TimedOut, "{list:?}");
}
