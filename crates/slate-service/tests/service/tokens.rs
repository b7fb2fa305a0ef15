//! `GET /api-tokens` and `POST /api-tokens`, and API tokens used as bearers.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Service, answer, detail, ok};

const LIST_FIELDS: [&str; 14] = [
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
    "webhook_url",
    "webhook_enabled",
];

#[tokio::test]
async fn the_list_is_a_plain_array_with_every_documented_field_and_no_secret() {
    let service = Service::start().await;
    let (user, access) = service.signed_in_user().await;
    let created = service
        .add_token(
            &user,
            json!({"name": "bot", "scopes": ["orders:read"], "webhook_url": "https://r.test/h",
                   "webhook_enabled": true, "ip_allowlist": ["10.0.0.0/8"], "rate_limit": 60,
                   "expires_at": "2099-01-01T00:00:00Z"}),
        )
        .await;
    service.add_token(&user, json!({"name": "plain"})).await;

    let list = ok(service.list(&access).send().await.unwrap()).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let first = list[0].as_object().unwrap();
    let mut keys: Vec<_> = first.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = LIST_FIELDS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    let value = created["token"].as_str().unwrap();
    assert_eq!(first["id"], created["id"]);
    assert_eq!(first["token_prefix"], &value[..8]);
    assert_eq!(first["token_last4"], &value[value.len() - 4..]);
    assert_eq!(first["scopes"], json!(["orders:read"]));
    assert_eq!(first["ip_allowlist"], json!(["10.0.0.0/8"]));
    assert_eq!(first["rate_limit"], 60);
    assert_eq!(first["expires_at"], "2099-01-01T00:00:00.000Z");
    assert_eq!(first["status"], "active");
    assert_eq!(first["created_by"], user.email.as_str());
    assert!(first["last_used_at"].is_null());
    assert_eq!(first["webhook_url"], "https://r.test/h");
    assert_eq!(first["webhook_enabled"], true);
    assert!(list[1]["ip_allowlist"].is_null() && list[1]["rate_limit"].is_null());
    assert!(list[1]["webhook_url"].is_null() && list[1]["webhook_enabled"] == false);
    let text = serde_json::to_string(list).unwrap();
    assert!(!text.contains(value) && !text.contains("whsec_"));
}

#[tokio::test]
async fn creating_a_token_returns_its_value_and_a_webhook_secret_once() {
    let service = Service::start().await;
    let (user, access) = service.signed_in_user().await;
    let (status, created) = answer(
        service
            .post("/api-tokens")
            .bearer_auth(&access)
            .json(
                &json!({"name": "hooks", "scopes": ["a", "b"], "webhook_url": "https://r.test/x"}),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let token = created["token"].as_str().unwrap();
    let rest = token.strip_prefix("slt_").unwrap();
    assert_eq!(rest.len(), 40);
    assert!(
        rest.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_eq!(created["token_prefix"], &token[..8]);
    assert_eq!(created["token_last4"], &token[token.len() - 4..]);
    assert!(
        created["webhook_secret"]
            .as_str()
            .unwrap()
            .starts_with("whsec_")
    );
    assert_eq!(created["webhook_enabled"], false); // the schema's default
    assert_eq!(created["created_by"], user.email.as_str());
    assert_eq!(created["status"], "active");
    for field in LIST_FIELDS {
        assert!(created.get(field).is_some(), "{field} missing");
    }

    let (status, plain) = answer(
        service
            .post("/api-tokens")
            .bearer_auth(&access)
            .json(&json!({"name": "no hook"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(plain["webhook_secret"].is_null());
    assert_eq!(plain["scopes"], json!([]));
    assert!(plain["id"].as_u64().unwrap() > created["id"].as_u64().unwrap());
}

#[tokio::test]
async fn names_are_not_unique() {
    let service = Service::start().await;
    let (_, access) = service.signed_in_user().await;
    for _ in 0..2 {
        let response = service
            .post("/api-tokens")
            .bearer_auth(&access)
            .json(&json!({"name": "same"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let list = ok(service.list(&access).send().await.unwrap()).await;
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["name"])
        .collect();
    assert_eq!(names, [&json!("same"), &json!("same")]);
}

#[tokio::test]
async fn an_api_token_works_as_a_bearer_and_records_its_use() {
    let service = Service::start().await;
    let (user, access) = service.signed_in_user().await;
    let created = service.add_token(&user, json!({"name": "paste me"})).await;
    let value = created["token"].as_str().unwrap();
    let list = ok(service.list(value).send().await.unwrap()).await;
    assert_eq!(list[0]["id"], created["id"]);
    let list = ok(service.list(&access).send().await.unwrap()).await;
    assert!(list[0]["last_used_at"].is_string());
    let log = service.log().await;
    let entry = log.iter().find(|e| e["auth"] == "apiToken").unwrap();
    assert_eq!(entry["apiTokenId"], created["id"]);
}

#[tokio::test]
async fn an_inactive_api_token_used_as_a_bearer_is_403_with_its_status() {
    let service = Service::start().await;
    let (user, _) = service.signed_in_user().await;
    for status in ["disabled", "revoked", "expired"] {
        let created = service
            .add_token(&user, json!({"name": status, "status": status}))
            .await;
        let (code, body) = answer(
            service
                .list(created["token"].as_str().unwrap())
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(code, StatusCode::FORBIDDEN);
        assert_eq!(body, detail(&format!("API token is {status}")));
    }
    // A token switched off later is refused from then on.
    let live = service.add_token(&user, json!({"name": "live"})).await;
    let value = live["token"].as_str().unwrap();
    assert_eq!(service.list(value).send().await.unwrap().status(), 200);
    service
        .set_status(live["id"].as_u64().unwrap(), "revoked")
        .await;
    let (code, body) = answer(service.list(value).send().await.unwrap()).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    assert_eq!(body, detail("API token is revoked"));
    // Active but past its expiry reads as expired, in the list and as a bearer.
    let created = service
        .add_token(
            &user,
            json!({"name": "old", "expires_at": "2020-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(created["status"], "expired");
    let (code, body) = answer(
        service
            .list(created["token"].as_str().unwrap())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    assert_eq!(body, detail("API token is expired"));
}

#[tokio::test]
async fn an_unknown_api_token_is_401() {
    let service = Service::start().await;
    let response = service
        .list("slt_0000000000000000000000000000000000000000")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let (status, body) = answer(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, detail("Could not validate credentials"));
}

#[tokio::test]
async fn each_account_sees_only_its_own_tokens() {
    let service = Service::start().await;
    let (alice, alice_access) = service.signed_in_user().await;
    let (_, bob_access) = service.signed_in_user().await;
    let token: Value = service.add_token(&alice, json!({"name": "a"})).await;
    let bob_list = ok(service.list(&bob_access).send().await.unwrap()).await;
    assert_eq!(bob_list, json!([]));
    let (status, body) = answer(
        service
            .rotate(&bob_access, token["id"].as_u64().unwrap())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, detail("API token not found"));
    assert_eq!(
        ok(service.list(&alice_access).send().await.unwrap()).await[0]["id"],
        token["id"]
    );
}
