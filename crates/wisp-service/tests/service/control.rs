//! Storage, encryption, persistence, rate limiting and the test-control faults.

use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wisp_service::signature;

use crate::common::*;

const INTERNAL: (u16, &str, &str) = (
    500,
    "InternalServerError",
    "webhook secret operation failed",
);

#[tokio::test]
async fn without_a_key_create_and_rotate_are_503_while_list_and_delete_work() {
    let mut h = Harness::start().await;
    let alice = h.account(Key::k256());
    h.create(&alice, "existing").await;
    h.restart(|c| c.encryption_key_file = None).await;

    let unavailable = (
        "WebhookSecretEncryptionUnavailable",
        "webhook_secret_encryption_unavailable",
    );
    for (nsid, name) in [
        (CREATE, "new"),
        (CREATE, "existing"),
        (ROTATE, "existing"),
        (ROTATE, "missing"),
    ] {
        h.call(&alice, nsid, Some(json!({"name": name})))
            .await
            .assert_error(503, unavailable.0, unavailable.1);
    }
    assert_eq!(h.names(&alice).await, ["existing"]);
    h.call(&alice, DELETE, Some(json!({"name": "existing"})))
        .await
        .assert_ok();
    assert!(h.list(&alice).await.is_empty());
    // Name validation still comes first.
    h.call(&alice, CREATE, Some(json!({"name": ".."})))
        .await
        .assert_error(400, "InvalidRequest", "invalid secret name");
}

#[tokio::test]
async fn a_storage_failure_is_500_and_changes_neither_memory_nor_disk() {
    let mut h = Harness::start().await;
    let alice = h.account(Key::k256());
    let token = h.create(&alice, "kept").await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let disk_before = std::fs::read(h.state_path()).unwrap();

    assert_eq!(
        h.control("storage", json!({"failWrites": true}))
            .await
            .assert_ok()["failWrites"],
        true
    );
    let (status, error, message) = INTERNAL;
    h.call(&alice, CREATE, Some(json!({"name": "new"})))
        .await
        .assert_error(status, error, message);
    h.call(&alice, ROTATE, Some(json!({"name": "kept"})))
        .await
        .assert_error(status, error, message);
    h.call(&alice, DELETE, Some(json!({"name": "kept"})))
        .await
        .assert_error(status, error, message);

    assert_eq!(h.names(&alice).await, ["kept"]);
    assert!(h.list(&alice).await[0].get("lastRotatedAt").is_none());
    let signed = h.delivery_signature(&alice, "kept", "b").await;
    assert_eq!(
        signed.json["signature"],
        signature::sign(&token, b"b"),
        "the old token still signs"
    );
    assert_eq!(std::fs::read(h.state_path()).unwrap(), disk_before);

    h.control("storage", json!({"failWrites": false}))
        .await
        .assert_ok();
    h.create(&alice, "new").await;
    h.restart(|_| {}).await;
    assert_eq!(h.names(&alice).await, ["kept", "new"]);
}

#[tokio::test]
async fn state_survives_a_restart() {
    let mut h = Harness::start().await;
    let (alice, bob) = (h.account(Key::k256()), h.account(Key::p256()));
    h.create(&alice, "one").await;
    h.create(&alice, "two").await;
    let rotated = h.call(&alice, ROTATE, Some(json!({"name": "one"}))).await;
    let token = rotated.assert_ok()["token"].as_str().unwrap().to_owned();
    h.create(&bob, "one").await;
    let before = (h.list(&alice).await, h.list(&bob).await);

    h.restart(|_| {}).await;
    assert_eq!((h.list(&alice).await, h.list(&bob).await), before);
    let signed = h.delivery_signature(&alice, "one", "body").await;
    assert_eq!(signed.json["signature"], signature::sign(&token, b"body"));

    let on_disk = std::fs::read_to_string(h.state_path()).unwrap();
    assert!(!on_disk.contains(&token), "tokens are stored encrypted");
    assert!(on_disk.contains("wse1."));
}

/// Sends one HTTP/1.1 request on a fresh socket and reads until EOF.
async fn raw_exchange(h: &Harness, request: String) -> Vec<u8> {
    let mut stream = TcpStream::connect(h.addr()).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    // A reset instead of an orderly close is fine too: either way, no bytes.
    let _ = stream.read_to_end(&mut received).await;
    received
}

#[tokio::test]
async fn drop_connection_after_commit_closes_without_a_response_but_commits() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let old = h.create(&alice, "hook").await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    h.control("faults", json!({"dropConnectionAfterCommit": ROTATE}))
        .await
        .assert_ok();

    let body = json!({"name": "hook"}).to_string();
    let request = format!(
        "POST /xrpc/{ROTATE} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        h.addr(),
        alice.token(h.did(), ROTATE),
        body.len()
    );
    let received = raw_exchange(&h, request).await;
    assert!(
        received.is_empty(),
        "got {:?}",
        String::from_utf8_lossy(&received)
    );

    // The rotation happened: it is listed, and the old token no longer signs.
    assert!(h.list(&alice).await[0].get("lastRotatedAt").is_some());
    let signed = h.delivery_signature(&alice, "hook", "x").await;
    assert_ne!(signed.json["signature"], signature::sign(&old, b"x"));

    // One-shot: the next rotation is answered normally.
    h.call(&alice, ROTATE, Some(json!({"name": "hook"})))
        .await
        .assert_ok();
}

#[tokio::test]
async fn a_dropped_connection_looks_like_a_transport_error_to_an_http_client() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    h.control("faults", json!({"dropConnectionAfterCommit": CREATE}))
        .await
        .assert_ok();
    let token = alice.token(h.did(), CREATE);
    let error = h
        .http
        .post(h.xrpc_url(CREATE))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(r#"{"name":"hook"}"#)
        .send()
        .await
        .unwrap_err();
    assert!(error.status().is_none() && !error.is_timeout(), "{error:?}");
    assert_eq!(h.names(&alice).await, ["hook"], "the create was committed");
}

#[tokio::test]
async fn a_failed_call_does_not_use_up_a_drop_fault() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    h.control("faults", json!({"dropConnectionAfterCommit": ROTATE}))
        .await
        .assert_ok();
    h.call(&alice, ROTATE, Some(json!({"name": "missing"})))
        .await
        .assert_error(404, "NotFound", "secret not found");
    h.create(&alice, "hook").await;
    let token = alice.token(h.did(), ROTATE);
    let dropped = h
        .http
        .post(h.xrpc_url(ROTATE))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(r#"{"name":"hook"}"#)
        .send()
        .await;
    assert!(dropped.is_err());
}

#[tokio::test]
async fn a_delay_fault_holds_one_response_past_a_client_timeout() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let armed = h
        .control("faults", json!({"delayMs": 120_000, "nsid": LIST}))
        .await;
    assert_eq!(
        armed.assert_ok()["armed"]["delay"],
        json!({"delayMs": 120_000, "nsid": LIST})
    );

    let impatient = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = impatient
        .get(h.xrpc_url(LIST))
        .bearer_auth(alice.token(h.did(), LIST))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    // One-shot: the next call is answered at once.
    assert!(h.list(&alice).await.is_empty());
}

#[tokio::test]
async fn rate_limiting_answers_429_with_retry_after_per_caller_did() {
    let h = Harness::start_with(|c| c.rate_limit_per_minute = Some(3)).await;
    let (alice, bob) = (h.account(Key::k256()), h.account(Key::k256()));
    for _ in 0..3 {
        h.call(&alice, LIST, None).await.assert_ok();
    }
    let limited = h.call(&alice, CREATE, Some(json!({"name": "x"}))).await;
    limited.assert_error(429, "RateLimitExceeded", "Rate Limit Exceeded");
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(limited.headers["ratelimit-limit"], "3");
    assert_eq!(limited.headers["ratelimit-remaining"], "0");
    assert!(
        h.list(&bob).await.is_empty(),
        "another DID has its own budget"
    );
    h.call(&alice, LIST, None)
        .await
        .assert_error(429, "RateLimitExceeded", "Rate Limit Exceeded");
}

#[tokio::test]
async fn test_control_does_not_exist_unless_enabled() {
    let h = Harness::start_with(|c| c.enable_test_control = false).await;
    let alice = h.account(Key::k256());
    h.create(&alice, "hook").await;
    for (path, body) in [
        (
            "sign",
            json!({"did": alice.did, "name": "hook", "body": "x"}),
        ),
        ("faults", json!({"dropConnectionAfterCommit": LIST})),
        ("storage", json!({"failWrites": true})),
    ] {
        let reply = h.control(path, body).await;
        assert_eq!((reply.status, reply.text.as_str()), (404, "Not Found"));
    }
    assert_eq!(h.names(&alice).await, ["hook"], "no fault was armed");
}

#[tokio::test]
async fn test_control_rejects_bad_requests() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    h.delivery_signature(&alice, "missing", "x")
        .await
        .assert_error(404, "NotFound", "secret not found");
    assert_eq!(
        h.control("sign", json!({"did": alice.did})).await.status,
        400
    );
    assert_eq!(h.control("faults", json!({})).await.status, 400);
    assert_eq!(
        h.control("storage", json!({"failWrites": "yes"}))
            .await
            .status,
        400
    );
    let get = reply(
        h.http
            .get(format!("{}/_test/sign", h.service.url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(get.status, 405);
}
