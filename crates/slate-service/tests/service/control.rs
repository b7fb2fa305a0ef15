//! Test control: deliveries to a receiver, the request log, the path prefix.

use std::convert::Infallible;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::common::{Service, ok, verifies};

/// A receiver that answers 204 and hands each request's headers and body over.
async fn receiver() -> (String, mpsc::UnboundedReceiver<Value>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<Incoming>| {
                    let tx = tx.clone();
                    async move {
                        let headers: serde_json::Map<String, Value> = request
                            .headers()
                            .iter()
                            .map(|(k, v)| (k.to_string(), json!(v.to_str().unwrap_or_default())))
                            .collect();
                        let body = request.into_body().collect().await.unwrap().to_bytes();
                        let _ = tx.send(json!({
                            "headers": headers,
                            "body": String::from_utf8_lossy(&body),
                        }));
                        let mut response = Response::new(Full::new(Bytes::new()));
                        *response.status_mut() = hyper::StatusCode::NO_CONTENT;
                        Ok::<_, Infallible>(response)
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (url, rx)
}

#[tokio::test]
async fn a_delivery_sent_to_a_receiver_verifies_with_the_new_secret_only() {
    let service = Service::start().await;
    let (user, access) = service.signed_in_user().await;
    let created = service
        .add_token(
            &user,
            json!({"name": "h", "webhook_url": "https://r.test/h"}),
        )
        .await;
    let id = created["id"].as_u64().unwrap();
    let rotated = ok(service.rotate(&access, id).send().await.unwrap()).await;
    let (url, mut received) = receiver().await;
    let answer = ok(service
        .client
        .post(service.control_url(&format!("tokens/{id}/deliver")))
        .json(&json!({"url": url, "body": {"type": "order.filled"}}))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(answer["receiverStatus"], 204);
    let got = received.recv().await.unwrap();
    assert_eq!(got["body"], r#"{"type":"order.filled"}"#);
    assert_eq!(got["headers"]["content-type"], "application/json");
    assert!(verifies(rotated["webhook_secret"].as_str().unwrap(), &got));
    assert!(!verifies(created["webhook_secret"].as_str().unwrap(), &got));
}

#[tokio::test]
async fn a_delivery_for_a_token_without_a_webhook_secret_is_refused() {
    let service = Service::start().await;
    let (user, _) = service.signed_in_user().await;
    let plain = service.add_token(&user, json!({"name": "p"})).await;
    let response = service
        .client
        .post(service.control_url(&format!("tokens/{}/deliver", plain["id"])))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
}

#[tokio::test]
async fn the_request_log_never_holds_a_secret() {
    let service = Service::start().await;
    let user = service.user(true).await;
    let code = service.code(&user).await;
    let pair = ok(service
        .login_request(json!({"email": user.email, "password": user.password, "totp_code": code}))
        .send()
        .await
        .unwrap())
    .await;
    let refresh = pair["refresh_token"].as_str().unwrap();
    let second = ok(service.refresh(refresh).send().await.unwrap()).await;
    let access = second["access_token"].as_str().unwrap();
    let created = ok(service
        .post("/api-tokens")
        .bearer_auth(access)
        .json(&json!({"name": "x", "webhook_url": "https://r.test/x"}))
        .send()
        .await
        .unwrap())
    .await;
    ok(service
        .rotate(access, created["id"].as_u64().unwrap())
        .send()
        .await
        .unwrap())
    .await;

    let log = service.log().await;
    let ops: Vec<_> = log
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["login", "refresh", "create", "rotate"]);
    assert_eq!(log[0]["email"], user.email.as_str());
    assert_eq!(log[0]["totpCodeSent"], true);
    assert_eq!(log[2]["auth"], "session");
    let text = serde_json::to_string(&log).unwrap();
    for secret in [
        user.password.as_str(),
        code.as_str(),
        refresh,
        access,
        pair["access_token"].as_str().unwrap(),
        created["token"].as_str().unwrap(),
        "whsec_",
    ] {
        assert!(!text.contains(secret), "the log holds {secret}");
    }
}

#[tokio::test]
async fn the_api_can_live_under_a_path_prefix() {
    let service =
        Service::start_with(|config| config.path_prefix = Some("/broker/".to_owned())).await;
    assert!(service.url.ends_with("/broker"));
    let (user, access) = service.signed_in_user().await;
    assert!(user.email.ends_with("@slate.test"));
    assert_eq!(service.list(&access).send().await.unwrap().status(), 200);
    let root = service.control_url("").replace("/_test/", "");
    let bare = service
        .client
        .get(format!("{root}/api-tokens"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 404);
}

#[tokio::test]
async fn a_totp_code_from_test_control_is_refused_once_used() {
    let service = Service::start().await;
    let user = service.user(true).await;
    // Keep the whole test inside one 30-second step.
    let first: Value = service
        .client
        .get(service.control_url(&format!("users/{}/totp", user.id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let left = first["secondsLeftInStep"].as_u64().unwrap();
    if left < 3 {
        tokio::time::sleep(std::time::Duration::from_secs(left + 1)).await;
    }
    // Three steps are valid at once, so three sign-ins in a row get fresh codes.
    for _ in 0..3 {
        service.login(&user).await;
    }
    let response = service
        .client
        .get(service.control_url(&format!("users/{}/totp", user.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn expiring_access_tokens_now_leaves_refresh_working() {
    let service = Service::start().await;
    let user = service.user(false).await;
    let pair = service.login(&user).await;
    let access = pair["access_token"].as_str().unwrap();
    let answer = ok(service
        .client
        .post(service.control_url("sessions/expire-access"))
        .json(&json!({"userId": user.id}))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(answer["sessions"], 1);
    assert_eq!(service.list(access).send().await.unwrap().status(), 401);
    let refreshed = ok(service
        .refresh(pair["refresh_token"].as_str().unwrap())
        .send()
        .await
        .unwrap())
    .await;
    let access = refreshed["access_token"].as_str().unwrap();
    assert_eq!(service.list(access).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn revoked_sessions_refuse_their_tokens_without_counting_as_reuse() {
    let service = Service::start().await;
    let user = service.user(false).await;
    let other = service.user(false).await;
    let pair = service.login(&user).await;
    let kept = service.login(&other).await;
    ok(service
        .client
        .post(service.control_url("sessions/revoke"))
        .json(&json!({"userId": user.id}))
        .send()
        .await
        .unwrap())
    .await;
    let access = pair["access_token"].as_str().unwrap();
    assert_eq!(service.list(access).send().await.unwrap().status(), 401);
    let refresh = service
        .refresh(pair["refresh_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), 401);
    let kept_access = kept["access_token"].as_str().unwrap();
    assert_eq!(
        service.list(kept_access).send().await.unwrap().status(),
        200
    );
    let log = service.log().await;
    assert!(log.iter().all(|e| e["refresh"]["reuse"] != true));
}
