//! The receiver test against a real local receiver (`wispkey-test-support`'s `Receiver`, which
//! checks signatures with its own HMAC code): one marked delivery per call, signed in each
//! provider scheme, and the answers a user must be told about.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use wispkey_app::receiver::{
    TEST_HEADER, receiver_url, send_test_delivery, send_test_delivery_within,
};
use wispkey_core::signature::SignatureScheme;
use wispkey_core::{ErrorCode, SecretString};
use wispkey_test_support::{Receiver, ReceiverScheme};

const SECRETS: [(SignatureScheme, ReceiverScheme, &str); 3] = [
    (
        SignatureScheme::WispPlace,
        ReceiverScheme::Wisp,
        "wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX",
    ),
    (
        SignatureScheme::PhalaCloud,
        ReceiverScheme::Phala,
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ),
    (
        SignatureScheme::StandardWebhooks,
        ReceiverScheme::Standard,
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ),
];

#[tokio::test]
async fn each_scheme_sends_one_marked_delivery_the_receiver_verifies() {
    for (scheme, receiver_scheme, secret) in SECRETS {
        let receiver = Receiver::start(receiver_scheme, secret).unwrap();
        let url = receiver_url(&receiver.url()).unwrap();
        let result = send_test_delivery(scheme, &SecretString::new(secret), "deploy", &url)
            .await
            .unwrap();
        assert_eq!((result.status, result.accepted), (204, true), "{scheme:?}");
        assert_eq!(result.origin, url.origin().ascii_serialization());
        let received = receiver.received();
        assert_eq!(received.len(), 1, "{scheme:?}: exactly one request");
        let delivery = &received[0];
        assert!(delivery.verified, "{scheme:?}");
        assert_eq!(delivery.method, "POST");
        assert_eq!(delivery.header(TEST_HEADER), Some("1"));
        let body: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
        assert_eq!(body["type"], "wispkey.test");
        assert_eq!(body["id"], result.delivery_id.as_str());
        assert_eq!(body["secretId"], "deploy");
    }
}

#[tokio::test]
async fn a_receiver_holding_another_secret_answers_401_and_that_is_reported_not_hidden() {
    let receiver = Receiver::start(ReceiverScheme::Wisp, "wsk_the_old_token").unwrap();
    let url = receiver_url(&receiver.url()).unwrap();
    let result = send_test_delivery(
        SignatureScheme::WispPlace,
        &SecretString::new("wsk_the_new_token"),
        "deploy",
        &url,
    )
    .await
    .unwrap();
    assert_eq!((result.status, result.accepted), (401, false));
    assert!(!receiver.received()[0].verified);
}

#[tokio::test]
async fn no_answer_in_time_is_receiver_unreachable() {
    // A listener that accepts and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = receiver_url(&format!("http://{}/hook", silent.local_addr().unwrap())).unwrap();
    let error = send_test_delivery_within(
        SignatureScheme::WispPlace,
        &SecretString::new("wsk_x"),
        "deploy",
        &url,
        Duration::from_millis(500),
    )
    .await
    .unwrap_err();
    assert_eq!(error.code(), ErrorCode::ReceiverUnreachable);
    assert!(error.to_string().contains("no answer within"), "{error}");
}

#[tokio::test]
async fn a_closed_port_is_receiver_unreachable() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let url = receiver_url(&format!("http://{address}/hook")).unwrap();
    let error = send_test_delivery(
        SignatureScheme::WispPlace,
        &SecretString::new("wsk_x"),
        "d",
        &url,
    )
    .await
    .unwrap_err();
    assert_eq!(error.code(), ErrorCode::ReceiverUnreachable);
}
