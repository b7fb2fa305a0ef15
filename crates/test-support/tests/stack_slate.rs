//! The stack's shared slate-service, as stack.json describes it (run inside
//! scripts/desktop-session.sh or scripts/stack.sh run).
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use wispkey_test_support::Stack;

async fn login(url: &str, body: Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{url}/api/admin/users/login"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_stacks_slate_demo_users_sign_in_as_stack_json_says() {
    let stack = Stack::get().unwrap();
    let url = stack.slate_url().unwrap();
    let demo = stack.slate_demo().unwrap();
    let control = stack.slate_control().unwrap();

    let plain = &demo.without_totp;
    assert!(plain.totp_secret.is_none());
    let response = login(
        &url,
        json!({"email": plain.email, "password": plain.password}),
    )
    .await;
    assert_eq!(response.status(), 200);

    let staff = &demo.with_totp;
    assert!(staff.totp_secret.is_some());
    let asked = login(
        &url,
        json!({"email": staff.email, "password": staff.password}),
    )
    .await;
    assert_eq!(asked.status(), 202);
    let code = control.current_code(staff).await.unwrap();
    let pair: Value = login(
        &url,
        json!({"email": staff.email, "password": staff.password, "totp_code": code}),
    )
    .await
    .json()
    .await
    .unwrap();
    let tokens: Value = reqwest::Client::new()
        .get(format!("{url}/api-tokens"))
        .bearer_auth(pair["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tokens.as_array().unwrap().len(), 6);
}
