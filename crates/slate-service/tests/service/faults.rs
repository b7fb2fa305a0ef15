//! The faults tests can switch on through test control.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Service, answer, detail, ok, verifies};

async fn hooked_token(service: &Service) -> (String, u64, String) {
    let (user, access) = service.signed_in_user().await;
    let created = service
        .add_token(
            &user,
            json!({"name": "h", "webhook_url": "https://r.test/h"}),
        )
        .await;
    (
        access,
        created["id"].as_u64().unwrap(),
        created["webhook_secret"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after_then_stops() {
    let service = Service::start().await;
    let (_, access) = service.signed_in_user().await;
    service
        .faults(json!({"rateLimit": {"count": 2, "retryAfter": 7}}))
        .await;
    for _ in 0..2 {
        let response = service.list(&access).send().await.unwrap();
        assert_eq!(response.headers()["retry-after"], "7");
        let (status, body) = answer(response).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body, detail("Too many requests"));
    }
    assert_eq!(service.list(&access).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_fault_until_cleared_lasts_until_cleared() {
    let service = Service::start().await;
    let (_, access) = service.signed_in_user().await;
    service
        .faults(json!({"rateLimit": {"untilCleared": true, "operations": ["list"]}}))
        .await;
    for _ in 0..3 {
        assert_eq!(service.list(&access).send().await.unwrap().status(), 429);
    }
    service.faults(json!({"clear": true})).await;
    assert_eq!(service.list(&access).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_storage_failure_is_500_and_commits_nothing() {
    let service = Service::start().await;
    let (access, id, secret) = hooked_token(&service).await;
    service
        .faults(json!({"storageFailure": {"operations": ["rotate"]}}))
        .await;
    let (status, body) = answer(service.rotate(&access, id).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, detail("Internal Server Error"));
    // The old secret still signs: nothing was rotated.
    assert!(verifies(&secret, &service.deliver(id, "{}").await));
    // The next rotation works.
    let rotated = ok(service.rotate(&access, id).send().await.unwrap()).await;
    assert!(verifies(
        rotated["webhook_secret"].as_str().unwrap(),
        &service.deliver(id, "{}").await
    ));
}

#[tokio::test]
async fn a_storage_failure_on_refresh_leaves_the_refresh_token_unused() {
    let service = Service::start().await;
    let user = service.user(false).await;
    let pair = service.login(&user).await;
    let refresh = pair["refresh_token"].as_str().unwrap();
    service
        .faults(json!({"storageFailure": {"operations": ["refresh"]}}))
        .await;
    assert_eq!(service.refresh(refresh).send().await.unwrap().status(), 500);
    // Not consumed: the same token still works, and is no reuse.
    assert_eq!(service.refresh(refresh).send().await.unwrap().status(), 200);
    let log = service.log().await;
    assert!(log.iter().all(|e| e["refresh"]["reuse"] != true));
}

#[tokio::test]
async fn a_dropped_connection_after_commit_gives_no_answer_but_the_secret_changed() {
    let service = Service::start().await;
    let (access, id, secret) = hooked_token(&service).await;
    service
        .faults(json!({"dropConnectionAfterCommit": true}))
        .await;
    let result = service.rotate(&access, id).send().await;
    assert!(result.is_err(), "expected no answer, got {result:?}");
    let delivery = service.deliver(id, "{}").await;
    assert!(!verifies(&secret, &delivery));
    let log = service.log().await;
    let rotate = log.iter().find(|e| e["operation"] == "rotate").unwrap();
    assert!(rotate["status"].is_null());
    assert_eq!(rotate["fault"], "drop");
    // One-shot: the next rotation answers.
    assert_eq!(
        service.rotate(&access, id).send().await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn a_dropped_refresh_answer_makes_the_retry_a_reuse() {
    // What a client must never do after losing a refresh answer: send the
    // same refresh token again.
    let service = Service::start().await;
    let user = service.user(false).await;
    let pair = service.login(&user).await;
    let refresh = pair["refresh_token"].as_str().unwrap();
    service
        .faults(json!({"dropConnectionAfterCommit": {"operations": ["refresh"]}}))
        .await;
    assert!(service.refresh(refresh).send().await.is_err());
    let (status, body) = answer(service.refresh(refresh).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        detail("Refresh token reuse detected; session revoked")
    );
}

#[tokio::test]
async fn a_delay_holds_the_answer_after_processing() {
    let service = Service::start().await;
    let (access, id, secret) = hooked_token(&service).await;
    service
        .faults(json!({"delay": {"ms": 300, "operations": ["rotate"]}}))
        .await;
    let started = Instant::now();
    let rotated = ok(service.rotate(&access, id).send().await.unwrap()).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_ne!(rotated["webhook_secret"], secret.as_str());
    let log = service.log().await;
    let rotate = log.iter().find(|e| e["operation"] == "rotate").unwrap();
    assert_eq!(rotate["delayedMs"], 300);
    assert_eq!(rotate["status"], 200);
}

#[tokio::test]
async fn a_delayed_rotation_is_committed_even_if_the_client_gives_up() {
    let service = Service::start().await;
    let (access, id, secret) = hooked_token(&service).await;
    service
        .faults(json!({"delay": {"ms": 600, "operations": ["rotate"]}}))
        .await;
    let result = service
        .rotate(&access, id)
        .timeout(Duration::from_millis(100))
        .send()
        .await;
    assert!(result.is_err());
    assert!(!verifies(&secret, &service.deliver(id, "{}").await));
    // The request still reaches the log once its (unheard) answer is ready.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let log = service.log().await;
    let rotate = log.iter().find(|e| e["operation"] == "rotate").unwrap();
    assert_eq!(rotate["status"], 200);
    assert_eq!(rotate["delayedMs"], 600);
}

#[tokio::test]
async fn bad_fault_requests_are_400_and_arm_nothing() {
    let service = Service::start().await;
    let response = service
        .client
        .post(service.control_url("faults"))
        .json(&json!({"delay": {"count": 0}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let armed: Value = service
        .client
        .get(service.control_url("faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(armed["armed"]["delay"].is_null());
}
