//! `POST /auth/refresh`: single-use refresh tokens, family revocation on reuse.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{Service, answer, detail};

fn text<'a>(pair: &'a Value, key: &str) -> &'a str {
    pair[key].as_str().unwrap()
}

fn reuses(log: &[Value]) -> usize {
    log.iter().filter(|e| e["refresh"]["reuse"] == true).count()
}

#[tokio::test]
async fn a_refresh_token_gives_a_new_pair_once() {
    let service = Service::start().await;
    let user = service.user(false).await;
    let first = service.login(&user).await;
    let (status, second) = answer(
        service
            .refresh(text(&first, "refresh_token"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(second["token_type"], "bearer");
    assert_eq!(second["expires_in"], 900);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_ne!(second["access_token"], first["access_token"]);
    // The new refresh token is good for exactly one more exchange.
    let third = service
        .refresh(text(&second, "refresh_token"))
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), StatusCode::OK);
    assert_eq!(reuses(&service.log().await), 0);
}

#[tokio::test]
async fn presenting_a_used_refresh_token_revokes_the_whole_family() {
    let service = Service::start().await;
    let user = service.user(false).await;
    let first = service.login(&user).await;
    let second = service
        .refresh(text(&first, "refresh_token"))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        service
            .list(text(&second, "access_token"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let (status, body) = answer(
        service
            .refresh(text(&first, "refresh_token"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        detail("Refresh token reuse detected; session revoked")
    );

    // Every token descended from that sign-in is dead now.
    for access in [text(&first, "access_token"), text(&second, "access_token")] {
        let (status, body) = answer(service.list(access).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body, detail("Could not validate credentials"));
    }
    let (status, body) = answer(
        service
            .refresh(text(&second, "refresh_token"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, detail("Invalid refresh token"));

    let log = service.log().await;
    assert_eq!(reuses(&log), 1);
    let reuse = log.iter().find(|e| e["refresh"]["reuse"] == true).unwrap();
    assert_eq!(reuse["status"], 401);
    assert_eq!(
        reuse["refresh"]["tokenFingerprint"].as_str().unwrap().len(),
        12
    );
    assert!(reuse["refresh"]["sessionId"].is_u64());
}

#[tokio::test]
async fn a_reuse_leaves_the_users_other_sessions_alone() {
    let service = Service::start().await;
    let user = service.user(false).await;
    let stolen = service.login(&user).await;
    let other = service.login(&user).await;
    service
        .refresh(text(&stolen, "refresh_token"))
        .send()
        .await
        .unwrap();
    service
        .refresh(text(&stolen, "refresh_token"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        service
            .list(text(&other, "access_token"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        service
            .refresh(text(&other, "refresh_token"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn an_unknown_refresh_token_is_401_and_not_a_reuse() {
    let service = Service::start().await;
    let (status, body) = answer(service.refresh("not-a-token").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, detail("Invalid refresh token"));
    let log = service.log().await;
    assert_eq!(reuses(&log), 0);
    assert!(log[0]["refresh"]["sessionId"].is_null());
}

#[tokio::test]
async fn an_access_token_is_not_a_refresh_token() {
    let service = Service::start().await;
    let user = service.user(false).await;
    let pair = service.login(&user).await;
    let response = service
        .refresh(text(&pair, "access_token"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // ...and a refresh token is not a bearer.
    let response = service
        .list(text(&pair, "refresh_token"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn refresh_tokens_expire_after_their_lifetime() {
    let service = Service::start().await;
    service
        .settings(serde_json::json!({"refreshTokenTtlSecs": 1}))
        .await;
    let user = service.user(false).await;
    let pair = service.login(&user).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, body) = answer(
        service
            .refresh(text(&pair, "refresh_token"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, detail("Invalid refresh token"));
}
