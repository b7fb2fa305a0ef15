//! Rotation behind two-factor authentication, and what the old and new
//! secrets sign afterwards.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{Service, answer, assert_phala_error, other_code, verifies};

#[tokio::test]
async fn rotate_is_refused_without_a_code_and_nothing_changes() {
    let service = Service::start().await;
    let ws = service.workspace().await;
    let hook = service.add_webhook(&ws, "https://r.test/a").await;
    let (id, secret) = (
        hook["id"].as_str().unwrap(),
        hook["secret"].as_str().unwrap(),
    );

    let (status, body) = answer(service.rotate(&ws, id).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_phala_error(&body, "ERR-2FA-REQUIRED");
    let detail = body["detail"].as_str().unwrap().to_lowercase();
    assert!(
        detail.contains("two-factor authentication is required"),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("two-factor")
    );

    // A blank header counts as none.
    let (status, body) = answer(
        service
            .rotate(&ws, id)
            .header("X-2FA-Code", " ")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_phala_error(&body, "ERR-2FA-REQUIRED");

    assert!(verifies(secret, &service.deliver(id, "{}").await));
    assert_eq!(
        service.webhooks(&ws).await[0]["secret_rotated_at"],
        json!(null)
    );
}

#[tokio::test]
async fn a_wrong_or_malformed_code_is_refused_distinctly() {
    let service = Service::start().await;
    let ws = service.workspace().await;
    let hook = service.add_webhook(&ws, "https://r.test/a").await;
    let (id, secret) = (
        hook["id"].as_str().unwrap(),
        hook["secret"].as_str().unwrap(),
    );
    let wrong = other_code(&service.code(&ws).await);
    for code in [wrong.as_str(), "12345", "abcdef", "1234567"] {
        let (status, body) = answer(
            service
                .rotate(&ws, id)
                .header("X-2FA-Code", code)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{code}");
        assert_phala_error(&body, "ERR-2FA-INVALID");
        assert_ne!(body["message"], "Two-factor authentication required");
    }
    assert!(verifies(secret, &service.deliver(id, "{}").await));
}

#[tokio::test]
async fn a_right_code_rotates_and_only_the_new_secret_signs() {
    let service = Service::start().await;
    let ws = service.workspace().await;
    let hook = service.add_webhook(&ws, "https://r.test/a").await;
    let (id, old) = (
        hook["id"].as_str().unwrap(),
        hook["secret"].as_str().unwrap(),
    );
    let code = service.code(&ws).await;

    let (status, body) = answer(
        service
            .rotate(&ws, id)
            .header("X-2FA-Code", &code)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], id);
    let new = body["secret"].as_str().unwrap();
    assert!(new.starts_with("whsec_") && new != old, "{body}");
    let rotated_at = body["rotated_at"].as_str().unwrap();

    let delivery = service
        .deliver(id, r#"{"event":"cvm.created","id":1}"#)
        .await;
    assert!(verifies(new, &delivery));
    assert!(!verifies(old, &delivery));
    let headers = &delivery["headers"];
    assert!(
        headers["X-Webhook-Id"]
            .as_str()
            .unwrap()
            .starts_with("evt_")
    );
    assert_eq!(headers["X-Webhook-Event"], "cvm.created");
    assert!(
        headers["X-Webhook-Timestamp"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .is_ok()
    );
    assert_eq!(
        service.webhooks(&ws).await[0]["secret_rotated_at"],
        rotated_at
    );

    // The same code again is a replay.
    let (status, body) = answer(
        service
            .rotate(&ws, id)
            .header("X-2FA-Code", &code)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_phala_error(&body, "ERR-2FA-INVALID");
    assert!(verifies(new, &service.deliver(id, "{}").await));

    // A fresh code (the next step's: also inside the window) works again.
    let fresh = service.code(&ws).await;
    assert_ne!(fresh, code);
    let (status, body) = answer(
        service
            .rotate(&ws, id)
            .header("X-2FA-Code", &fresh)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_ne!(body["secret"], new);
}

#[tokio::test]
async fn a_malformed_id_is_a_fastapi_422_and_an_unknown_one_a_404() {
    let service = Service::start().await;
    let ws = service.workspace().await;
    let other = service.workspace().await;
    let hook = service.add_webhook(&other, "https://r.test/o").await;
    for bad in ["nope", "wh_abc", "wh_abc-def"] {
        let (status, body) = answer(
            service
                .rotate(&ws, bad)
                .header("X-2FA-Code", service.code(&ws).await)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(
            body,
            json!({"detail": [{
                "loc": ["path", "webhook_id"],
                "msg": "String should match pattern '^wh_[A-Za-z0-9]{6,40}$'",
                "type": "string_pattern_mismatch",
            }]})
        );
    }
    // Unknown here (another workspace's): 404 before any code is asked for.
    for code in [None, Some(service.code(&ws).await)] {
        let mut request = service.rotate(&ws, hook["id"].as_str().unwrap());
        if let Some(code) = &code {
            request = request.header("X-2FA-Code", code);
        }
        let (status, body) = answer(request.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_phala_error(&body, "ERR-04-001");
    }
}

#[tokio::test]
async fn a_code_computed_from_the_totp_secret_like_an_authenticator_app_works() {
    let service = Service::start().await;
    let ws = service.workspace().await;
    let hook = service.add_webhook(&ws, "https://r.test/a").await;
    let key = phala_service::totp::decode_secret(&ws.totp_secret).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = phala_service::totp::code_for_step(&key, now / 30);
    let (status, body) = answer(
        service
            .rotate(&ws, hook["id"].as_str().unwrap())
            .header("X-2FA-Code", code)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
