//! `POST /api/admin/users/login`.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{Service, answer, detail};

#[tokio::test]
async fn a_user_without_totp_signs_in_with_email_and_password() {
    let service = Service::start().await;
    let user = service.user(false).await;
    let (status, pair) = answer(
        service
            .login_request(json!({"email": user.email, "password": user.password}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(pair["token_type"], "bearer");
    assert_eq!(pair["expires_in"], 900);
    assert!(pair["access_token"].as_str().unwrap().len() >= 32);
    assert!(pair["refresh_token"].as_str().unwrap().len() >= 32);
    assert_ne!(pair["access_token"], pair["refresh_token"]);
    let access = pair["access_token"].as_str().unwrap();
    assert_eq!(service.list(access).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_totp_user_without_a_code_gets_202_totp_required() {
    let service = Service::start().await;
    let user = service.user(true).await;
    for body in [
        json!({"email": user.email, "password": user.password}),
        json!({"email": user.email, "password": user.password, "totp_code": null}),
        json!({"email": user.email, "password": user.password, "totp_code": ""}),
    ] {
        let (status, body) = answer(service.login_request(body).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::ACCEPTED);
        assert_eq!(body, detail("TOTP_REQUIRED"));
    }
}

#[tokio::test]
async fn a_totp_user_signs_in_with_a_current_code() {
    let service = Service::start().await;
    let user = service.user(true).await;
    let code = service.code(&user).await;
    let (status, pair) = answer(
        service
            .login_request(
                json!({"email": user.email, "password": user.password, "totp_code": code}),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{pair}");
    assert_eq!(pair["token_type"], "bearer");
}

#[tokio::test]
async fn a_totp_code_works_only_once() {
    let service = Service::start().await;
    let user = service.user(true).await;
    let code = service.code(&user).await;
    let body = json!({"email": user.email, "password": user.password, "totp_code": code});
    let first = service.login_request(body.clone()).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let (status, body) = answer(service.login_request(body).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, detail("Invalid TOTP code"));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_are_the_same_401() {
    let service = Service::start().await;
    let user = service.user(true).await;
    for body in [
        json!({"email": user.email, "password": "wrong"}),
        json!({"email": "nobody@slate.test", "password": user.password}),
        // The code is never looked at before the password.
        json!({"email": user.email, "password": "wrong", "totp_code": "123456"}),
    ] {
        let (status, body) = answer(service.login_request(body).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body, detail("Incorrect email or password"));
    }
}

#[tokio::test]
async fn a_wrong_code_is_401_invalid_totp_code() {
    let service = Service::start().await;
    let user = service.user(true).await;
    let code = service.code(&user).await;
    let wrong = format!(
        "{:06}",
        (code.parse::<u32>().unwrap() + 500_000) % 1_000_000
    );
    for bad in [wrong.as_str(), "12345", "abcdef"] {
        let (status, body) = answer(
            service
                .login_request(
                    json!({"email": user.email, "password": user.password, "totp_code": bad}),
                )
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{bad}");
        assert_eq!(body, detail("Invalid TOTP code"));
    }
}

#[tokio::test]
async fn the_email_is_matched_without_regard_to_case() {
    let service = Service::start().await;
    let user = service.user(false).await;
    let response = service
        .login_request(json!({"email": user.email.to_uppercase(), "password": user.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn access_tokens_expire_after_the_configured_lifetime() {
    let service = Service::start().await;
    service.settings(json!({"accessTokenTtlSecs": 1})).await;
    let user = service.user(false).await;
    let pair = service.login(&user).await;
    assert_eq!(pair["expires_in"], 1);
    let access = pair["access_token"].as_str().unwrap();
    assert_eq!(service.list(access).send().await.unwrap().status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let response = service.list(access).send().await.unwrap();
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let (status, body) = answer(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, detail("Could not validate credentials"));
    // The refresh token still works and brings a live access token.
    let refresh = pair["refresh_token"].as_str().unwrap();
    let (status, pair) = answer(service.refresh(refresh).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let access = pair["access_token"].as_str().unwrap();
    assert_eq!(service.list(access).send().await.unwrap().status(), 200);
}
