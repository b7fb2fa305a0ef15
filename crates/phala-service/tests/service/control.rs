//! Faults and the request log.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{Service, answer, assert_phala_error, verifies};

#[tokio::test]
async fn a_dropped_connection_after_commit_still_rotated() {
    let service = Service::start().await;
    let ws = service.workspace().await;
    let hook = service.add_webhook(&ws, "https://r.test/a").await;
    let (id, old) = (
        hook["id"].as_str().unwrap(),
        hook["secret"].as_str().unwrap(),
    );
    service
        .faults(json!({"dropConnectionAfterCommit": true}))
        .await;

    let error = service
        .rotate(&ws, id)
        .header("X-2FA-Code", service.code(&ws).await)
        .send()
        .await
        .expect_err("the connection should close without an answer");
    assert!(!error.is_status(), "{error}");

    let delivery = service.deliver(id, "{}").await;
    assert!(!verifies(old, &delivery), "the secret should have changed");
    assert!(service.webhooks(&ws).await[0]["secret_rotated_at"].is_string());
    let log = service.log().await;
    let rotate = log
        .iter()
        .find(|e| e["path"].as_str().unwrap().ends_with("/rotate-secret"))
        .unwrap();
    assert_eq!(rotate["status"], json!(null));

    // One-shot: the next rotation answers normally.
    let (status, body) = answer(
        service
            .rotate(&ws, id)
            .header("X-2FA-Code", service.code(&ws).await)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(verifies(
        body["secret"].as_str().unwrap(),
        &service.deliver(id, "{}").await
    ));
}

#[tokio::test]
async fn a_rotation_may_answer_without_a_secret() {
    let service = Service::start().await;
    let ws = service.workspace().await;
    let hook = service.add_webhook(&ws, "https://r.test/a").await;
    let (id, old) = (
        hook["id"].as_str().unwrap(),
        hook["secret"].as_str().unwrap(),
    );
    service.faults(json!({"rotateWithoutSecret": true})).await;
    let (status, body) = answer(
        service
            .rotate(&ws, id)
            .header("X-2FA-Code", service.code(&ws).await)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({}));
    assert!(!verifies(old, &service.deliver(id, "{}").await));
}

#[tokio::test]
async fn injected_failures_answer_phala_bodies_without_acting() {
    let service = Service::start().await;
    let ws = service.workspace().await;
    let hook = service.add_webhook(&ws, "https://r.test/a").await;
    let (id, old) = (
        hook["id"].as_str().unwrap(),
        hook["secret"].as_str().unwrap(),
    );
    for (status, code) in [
        (500, "ERR-00-500"),
        (502, "ERR-00-502"),
        (503, "ERR-00-503"),
    ] {
        service.faults(json!({"failNext": status})).await;
        let (got, body) = answer(
            service
                .rotate(&ws, id)
                .header("X-2FA-Code", service.code(&ws).await)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(got.as_u16(), status);
        assert_phala_error(&body, code);
    }
    assert!(verifies(old, &service.deliver(id, "{}").await));
    // Counted: two failures, then normal answers.
    service
        .faults(json!({"failNext": 503, "failCount": 2}))
        .await;
    for expected in [503, 503, 200] {
        let status = service
            .get("/api/v1/workspace/webhooks")
            .header("X-API-Key", &ws.api_key)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), expected);
    }
    let (status, _) = answer(
        service
            .post("/_test/faults")
            .json(&json!({"failNext": 404}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_delay_holds_the_next_n_answers() {
    let service = Service::start().await;
    let ws = service.workspace().await;
    service.faults(json!({"delayMs": 300, "count": 2})).await;
    let list = || {
        service
            .get("/api/v1/workspace/webhooks")
            .header("X-API-Key", &ws.api_key)
            .send()
    };
    for slow in [true, true, false] {
        let started = Instant::now();
        assert_eq!(list().await.unwrap().status(), StatusCode::OK);
        let took = started.elapsed();
        if slow {
            assert!(took >= Duration::from_millis(300), "{took:?}");
        } else {
            assert!(took < Duration::from_millis(300), "{took:?}");
        }
    }
}

#[tokio::test]
async fn the_log_counts_requests_and_never_holds_a_code() {
    let service = Service::start().await;
    let ws = service.workspace().await;
    let hook = service.add_webhook(&ws, "https://r.test/a").await;
    let id = hook["id"].as_str().unwrap();
    let code = service.code(&ws).await;
    service.rotate(&ws, id).send().await.unwrap();
    service
        .rotate(&ws, id)
        .header("X-2FA-Code", &code)
        .send()
        .await
        .unwrap();
    let log = service.log().await;
    assert_eq!(log.len(), 2, "test-control calls are not logged: {log:?}");
    assert_eq!(log[0]["method"], "POST");
    assert_eq!(
        log[0]["path"],
        format!("/api/v1/workspace/webhooks/{id}/rotate-secret")
    );
    assert_eq!(log[0]["status"], 403);
    assert_eq!(log[0]["twoFactorCodeSent"], false);
    assert_eq!(log[1]["status"], 200);
    assert_eq!(log[1]["twoFactorCodeSent"], true);
    assert!(!serde_json::to_string(&log).unwrap().contains(&code));

    let (status, _) = answer(
        service
            .client
            .delete(format!("{}/_test/log", service.url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(service.log().await.is_empty());
}

#[tokio::test]
async fn the_totp_control_and_deliveries_refuse_unknown_ids() {
    let service = Service::start().await;
    let (status, body) = answer(service.get("/_test/totp/ws_nope").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_phala_error(&body, "ERR-04-002");
    let (status, body) = answer(
        service
            .post("/_test/webhooks/wh_nope123/deliver")
            .json(&json!({"body": "{}"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_phala_error(&body, "ERR-04-001");
}
