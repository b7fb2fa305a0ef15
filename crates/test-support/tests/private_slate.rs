//! PrivateSlate and its helpers against the real binary (cargo build -p slate-service first).
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use wispkey_test_support::PrivateSlate;

#[tokio::test]
async fn a_private_slate_signs_in_with_a_current_code_and_rotates() {
    let slate = PrivateSlate::start(&[]).unwrap();
    let user = slate.create_user(true).await.unwrap();
    let token = slate
        .add_token(
            &user,
            json!({"name": "t", "webhook_url": "https://r.test/a"}),
        )
        .await
        .unwrap();
    let id = token["id"].as_u64().unwrap();
    let old = slate.deliver(id, "{}").await.unwrap();
    let client = reqwest::Client::new();
    let pair: Value = client
        .post(format!("{}/api/admin/users/login", slate.url))
        .json(&json!({
            "email": user.email,
            "password": user.password,
            "totp_code": slate.current_code(&user).await.unwrap(),
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rotated = client
        .post(format!(
            "{}/api-tokens/{id}/webhook/rotate-secret",
            slate.url
        ))
        .bearer_auth(pair["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.status(), 200);
    let new = slate.deliver(id, "{}").await.unwrap();
    assert_ne!(
        old["headers"]["webhook-signature"],
        new["headers"]["webhook-signature"]
    );
    let control = slate.control();
    assert_eq!(control.log().await.unwrap().len(), 2);
    assert_eq!(control.refresh_reuses().await.unwrap(), 0);

    assert_eq!(control.expire_access_tokens(Some(&user)).await.unwrap(), 1);
    let expired = client
        .get(format!("{}/api-tokens", slate.url))
        .bearer_auth(pair["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), 401);
}

#[tokio::test]
async fn a_private_slate_can_serve_under_a_path_prefix() {
    let slate = PrivateSlate::start(&["--path-prefix", "/broker"]).unwrap();
    assert!(slate.url.ends_with("/broker"));
    assert!(!slate.control_url.contains("/broker"));
    let user = slate.create_user(false).await.unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/api/admin/users/login", slate.url))
        .json(&json!({"email": user.email, "password": user.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
