//! `POST /api-tokens/{token_id}/webhook/rotate-secret` and signed deliveries.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Service, answer, ok, verifies};

async fn token_with_webhook(service: &Service) -> (String, Value) {
    let (user, access) = service.signed_in_user().await;
    let created = service
        .add_token(
            &user,
            json!({"name": "hook", "webhook_url": "https://r.test/h", "webhook_enabled": true}),
        )
        .await;
    (access, created)
}

#[tokio::test]
async fn rotating_replaces_the_secret_and_only_the_new_one_verifies_a_delivery() {
    let service = Service::start().await;
    let (access, created) = token_with_webhook(&service).await;
    let id = created["id"].as_u64().unwrap();
    let old_secret = created["webhook_secret"].as_str().unwrap().to_owned();
    let before = service.deliver(id, r#"{"event":"order.filled"}"#).await;
    assert!(verifies(&old_secret, &before));

    let (status, rotated) = answer(service.rotate(&access, id).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let new_secret = rotated["webhook_secret"].as_str().unwrap();
    assert_ne!(new_secret, old_secret);
    assert!(new_secret.starts_with("whsec_"));

    let after = service.deliver(id, r#"{"event":"order.filled"}"#).await;
    assert!(verifies(new_secret, &after));
    assert!(!verifies(&old_secret, &after));
}

#[tokio::test]
async fn the_rotate_answer_is_a_token_with_secret_response_with_the_same_token() {
    let service = Service::start().await;
    let (access, created) = token_with_webhook(&service).await;
    let id = created["id"].as_u64().unwrap();
    let rotated = ok(service.rotate(&access, id).send().await.unwrap()).await;
    for field in [
        "id",
        "name",
        "token_prefix",
        "token_last4",
        "scopes",
        "ip_allowlist",
        "rate_limit",
        "expires_at",
        "status",
        "created_by",
        "created_at",
        "last_used_at",
        "token",
    ] {
        assert!(
            rotated.get(field).is_some(),
            "required field {field} missing"
        );
    }
    assert_eq!(rotated["token"], created["token"]);
    assert_eq!(rotated["token_last4"], created["token_last4"]);
    assert_eq!(rotated["webhook_url"], "https://r.test/h");
    assert_eq!(rotated["webhook_enabled"], true);
    // A new secret every time.
    let again = ok(service.rotate(&access, id).send().await.unwrap()).await;
    assert_ne!(again["webhook_secret"], rotated["webhook_secret"]);
    // The old token value still works as a bearer.
    let value = created["token"].as_str().unwrap();
    assert_eq!(service.list(value).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn with_reissue_on_the_api_token_is_replaced_too_and_the_old_value_dies() {
    let service = Service::start().await;
    service
        .settings(json!({"reissueTokenOnRotate": true}))
        .await;
    let (access, created) = token_with_webhook(&service).await;
    let id = created["id"].as_u64().unwrap();
    let rotated = ok(service.rotate(&access, id).send().await.unwrap()).await;
    let new_value = rotated["token"].as_str().unwrap();
    assert_ne!(rotated["token"], created["token"]);
    assert!(new_value.starts_with("slt_"));
    assert_eq!(rotated["token_prefix"], &new_value[..8]);
    assert_eq!(rotated["token_last4"], &new_value[new_value.len() - 4..]);
    let old = service
        .list(created["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(service.list(new_value).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn tokens_of_any_status_and_without_a_webhook_can_be_rotated() {
    let service = Service::start().await;
    let (user, access) = service.signed_in_user().await;
    let revoked = service
        .add_token(
            &user,
            json!({"name": "r", "status": "revoked", "webhook_url": "https://r.test/r"}),
        )
        .await;
    let plain = service.add_token(&user, json!({"name": "p"})).await;
    for token in [&revoked, &plain] {
        let rotated = ok(service
            .rotate(&access, token["id"].as_u64().unwrap())
            .send()
            .await
            .unwrap())
        .await;
        assert!(
            rotated["webhook_secret"]
                .as_str()
                .unwrap()
                .starts_with("whsec_")
        );
        assert_eq!(rotated["status"], token["status"]);
    }
}

#[tokio::test]
async fn an_api_token_can_rotate_its_own_webhook_secret() {
    let service = Service::start().await;
    let (_, created) = token_with_webhook(&service).await;
    let value = created["token"].as_str().unwrap();
    let rotated = ok(service
        .rotate(value, created["id"].as_u64().unwrap())
        .send()
        .await
        .unwrap())
    .await;
    assert_ne!(rotated["webhook_secret"], created["webhook_secret"]);
}
