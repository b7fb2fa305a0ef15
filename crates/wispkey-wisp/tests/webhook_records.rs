//! Which webhooks use a secret, read from real `place.wisp.v2.wh` records in a real repo on the
//! reference PDS.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use serde_json::json;
use wispkey_atproto::http::HttpClient;
use wispkey_test_support::{Stack, TestAccount};
use wispkey_wisp::webhooks::{WebhookUse, webhooks_using};

/// Writes a webhook record into the account's repo, as the wisp.place website would.
async fn put_webhook(stack: &Stack, account: &TestAccount, record: serde_json::Value) {
    stack
        .create_record(account, "place.wisp.v2.wh", record)
        .await
        .unwrap();
}

fn webhook(url: &str, secret_id: &str, enabled: bool) -> serde_json::Value {
    json!({
        "$type": "place.wisp.v2.wh",
        "url": url,
        "secretId": secret_id,
        "events": ["create"],
        "enabled": enabled,
        "createdAt": "2026-11-23T12:00:00.000Z",
    })
}

#[tokio::test]
async fn lists_the_webhooks_whose_secret_id_names_the_secret() {
    let stack = Stack::get().unwrap();
    let account = stack.fresh_account("wh").await.unwrap();
    put_webhook(
        &stack,
        &account,
        webhook("https://ci.example/hook", "deploy", true),
    )
    .await;
    put_webhook(
        &stack,
        &account,
        webhook("https://old.example/hook", "deploy", false),
    )
    .await;
    put_webhook(
        &stack,
        &account,
        webhook("https://other.example/hook", "billing", true),
    )
    .await;

    let http = HttpClient::new(Duration::from_secs(20)).unwrap();
    let mut uses = webhooks_using(&http, &stack.pds_url().unwrap(), &account.did, "deploy")
        .await
        .unwrap();
    uses.sort_by(|a, b| a.url.cmp(&b.url));
    assert_eq!(
        uses,
        vec![
            WebhookUse {
                url: "https://ci.example/hook".into(),
                enabled: true
            },
            WebhookUse {
                url: "https://old.example/hook".into(),
                enabled: false
            },
        ]
    );
}

#[tokio::test]
async fn a_repo_without_webhooks_uses_nothing() {
    let stack = Stack::get().unwrap();
    let account = stack.fresh_account("nowh").await.unwrap();
    let http = HttpClient::new(Duration::from_secs(20)).unwrap();
    let uses = webhooks_using(&http, &stack.pds_url().unwrap(), &account.did, "deploy")
        .await
        .unwrap();
    assert!(uses.is_empty());
}

#[tokio::test]
async fn an_unreachable_pds_is_an_error_not_an_empty_list() {
    let http = HttpClient::new(Duration::from_secs(5)).unwrap();
    let error = webhooks_using(&http, "http://127.0.0.1:9", "did:plc:nobody", "deploy")
        .await
        .unwrap_err();
    assert_eq!(error.code().as_str(), "pds_unreachable");
}
