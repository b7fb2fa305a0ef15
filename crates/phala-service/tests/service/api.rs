//! Auth, the webhook list, deliveries, unknown routes.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{Service, answer, assert_phala_error, ok};

#[tokio::test]
async fn every_api_call_needs_a_known_api_key() {
    let service = Service::start().await;
    let ws = service.workspace().await;
    let hook = service.add_webhook(&ws, "https://r.test/a").await;
    let id = hook["id"].as_str().unwrap();
    for path in [
        "/api/v1/workspace/webhooks".to_owned(),
        format!("/api/v1/workspace/webhooks/{id}/deliveries"),
    ] {
        let (status, body) = answer(service.get(&path).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_phala_error(&body, "ERR-01-001");
        let (status, body) = answer(
            service
                .get(&path)
                .header("X-API-Key", "phak_nobodyhasthis")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_phala_error(&body, "ERR-01-002");
    }
    let (status, body) = answer(
        service
            .post(&format!("/api/v1/workspace/webhooks/{id}/rotate-secret"))
            .header("X-2FA-Code", service.code(&ws).await)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_phala_error(&body, "ERR-01-001");
}

#[tokio::test]
async fn the_list_shows_the_workspaces_own_webhooks_without_secrets() {
    let service = Service::start().await;
    let ws = service.workspace().await;
    let other = service.workspace().await;
    let a = service.add_webhook(&ws, "https://r.test/a").await;
    let b = service.add_webhook(&ws, "https://r.test/b").await;
    service.add_webhook(&other, "https://r.test/other").await;
    assert!(a["secret"].as_str().unwrap().starts_with("whsec_"));

    let list = service.webhooks(&ws).await;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], a["id"]);
    assert_eq!(list[1]["id"], b["id"]);
    let first = list[0].as_object().unwrap();
    let mut keys: Vec<_> = first.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "created_at",
            "enabled",
            "events",
            "id",
            "secret_rotated_at",
            "url"
        ]
    );
    assert_eq!(first["url"], "https://r.test/a");
    assert_eq!(first["events"], json!(["cvm.created", "cvm.stopped"]));
    assert_eq!(first["enabled"], true);
    assert_eq!(first["secret_rotated_at"], json!(null));
    let created = first["created_at"].as_str().unwrap();
    assert!(created.len() == 24 && created.ends_with('Z'), "{created}");
    assert!(first["id"].as_str().unwrap().starts_with("wh_"));
}

#[tokio::test]
async fn deliveries_list_newest_first_with_paging_and_validation() {
    let service = Service::start().await;
    let ws = service.workspace().await;
    let other = service.workspace().await;
    let hook = service.add_webhook(&ws, "https://r.test/a").await;
    let id = hook["id"].as_str().unwrap();
    let mut sent = Vec::new();
    for n in 0..3 {
        let delivery = service.deliver(id, &format!(r#"{{"n":{n}}}"#)).await;
        sent.push(delivery["headers"]["X-Webhook-Id"].clone());
    }
    let path = format!("/api/v1/workspace/webhooks/{id}/deliveries");
    let with_key = |query: &str| {
        service
            .get(&format!("{path}{query}"))
            .header("X-API-Key", &ws.api_key)
    };
    let all = ok(with_key("").send().await.unwrap()).await;
    let ids: Vec<_> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].clone())
        .collect();
    assert_eq!(ids, [sent[2].clone(), sent[1].clone(), sent[0].clone()]);
    assert_eq!(all[0]["event"], "cvm.created");
    assert_eq!(all[0]["status"], "success");
    assert!(all[0]["created_at"].is_string());

    let page = ok(with_key("?limit=1&offset=1").send().await.unwrap()).await;
    assert_eq!(page.as_array().unwrap().len(), 1);
    assert_eq!(page[0]["id"], sent[1]);

    let (status, body) = answer(with_key("?limit=0").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["loc"], json!(["query", "limit"]));
    assert_eq!(body["detail"][0]["type"], "greater_than_equal");
    let (status, body) = answer(with_key("?offset=x").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["type"], "int_parsing");

    // Another workspace's webhook, and an unknown one, are not found.
    let (status, body) = answer(
        service
            .get(&path)
            .header("X-API-Key", &other.api_key)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_phala_error(&body, "ERR-04-001");
    let (status, _) = answer(
        service
            .get("/api/v1/workspace/webhooks/wh_unknown1/deliveries")
            .header("X-API-Key", &ws.api_key)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_like_fastapi() {
    let service = Service::start().await;
    let ws = service.workspace().await;
    let (status, body) = answer(
        service
            .get("/api/v1/workspace/nothing")
            .header("X-API-Key", &ws.api_key)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"detail": "Not Found"}));
    let (status, body) = answer(
        service
            .post("/api/v1/workspace/webhooks")
            .header("X-API-Key", &ws.api_key)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body, json!({"detail": "Method Not Allowed"}));
}

#[tokio::test]
async fn without_the_flag_there_is_no_test_control() {
    let service = Service::start_with(false).await;
    let (status, body) = answer(
        service
            .post("/_test/workspaces")
            .json(&json!({"name": "x"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"detail": "Not Found"}));
}
