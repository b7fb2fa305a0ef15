//! The wisp provider through the real chain: client → reference PDS (proxy, service JWT) →
//! the local wisp-compatible service. Sessions are real `createSession` logins on that PDS
//! (the OAuth flow has its own tests); failures are provoked for real, never simulated.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{TIMEOUT, fresh_login, fresh_session};
use wispkey_atproto::xrpc::XrpcTransport;
use wispkey_atproto::xrpc::password::PasswordSession;
use wispkey_atproto::xrpc::service_auth::DirectToService;
use wispkey_core::Operation;
use wispkey_core::provider::SecretProvider;
use wispkey_core::{Error, ErrorCode, SecretString};
use wispkey_test_support::{PrivateWisp, Stack};
use wispkey_wisp::signature;
use wispkey_wisp::{WispProvider, checked_name};

fn name(text: &str) -> String {
    checked_name(text).unwrap().as_str().to_owned()
}

async fn provider(stack: &Stack) -> WispProvider<PasswordSession> {
    WispProvider::new(fresh_session(stack).await, stack.wisp_did().unwrap())
}

/// A brand-new account's session talking to the shared service directly (service auth).
async fn direct_transport(stack: &Stack) -> DirectToService<PasswordSession> {
    DirectToService::connect(
        fresh_session(stack).await,
        &stack.wisp_did().unwrap(),
        wispkey_wisp::SERVICE_ID,
        TIMEOUT,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn create_list_rotate_delete_round_trip_through_the_pds_proxy() {
    let stack = Stack::get().unwrap();
    let wisp = provider(&stack).await;
    assert!(
        wisp.list().await.unwrap().is_empty(),
        "a new account has no secrets"
    );

    let started = Instant::now();
    let created = wisp.create(&name("deploy-hook")).await.unwrap();
    let rotated = wisp.rotate(&name("deploy-hook"), None).await.unwrap();
    let listed = wisp.list().await.unwrap();
    println!(
        "create→rotate→list through the PDS proxy: {} ms",
        started.elapsed().as_millis()
    );

    for issued in [&created, &rotated] {
        let token = issued.token.expose();
        assert_eq!(token.len(), 36, "wsk_ + base64url(24 bytes)");
        assert!(token.starts_with("wsk_"));
        assert!(
            token[4..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }
    assert_ne!(created.token, rotated.token);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "deploy-hook");
    assert_eq!(listed[0].created_at, created.issued_at);
    assert_eq!(listed[0].last_rotated_at, Some(rotated.issued_at));

    wisp.delete(&name("deploy-hook")).await.unwrap();
    assert!(wisp.list().await.unwrap().is_empty());
}

#[tokio::test]
async fn list_is_oldest_first_and_shows_last_rotated_only_after_a_rotation() {
    let stack = Stack::get().unwrap();
    let wisp = provider(&stack).await;
    for secret in ["b-second", "a-first-alphabetically", "c-third"] {
        wisp.create(&name(secret)).await.unwrap();
    }
    wisp.rotate(&name("c-third"), None).await.unwrap();
    let listed = wisp.list().await.unwrap();
    let names: Vec<&str> = listed.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["b-second", "a-first-alphabetically", "c-third"]);
    assert!(listed[0].last_rotated_at.is_none());
    assert!(listed[2].last_rotated_at.is_some());
}

#[tokio::test]
async fn creating_a_name_that_exists_is_already_exists() {
    let stack = Stack::get().unwrap();
    let wisp = provider(&stack).await;
    wisp.create(&name("dup")).await.unwrap();
    let error = wisp.create(&name("dup")).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::SecretAlreadyExists, "{error:?}");
    assert!(error.to_string().contains("\"dup\" already exists"));
}

#[tokio::test]
async fn rotating_or_deleting_a_missing_secret_is_not_found() {
    let stack = Stack::get().unwrap();
    let wisp = provider(&stack).await;
    let rotate = wisp.rotate(&name("never-created"), None).await.unwrap_err();
    assert_eq!(rotate.code(), ErrorCode::SecretNotFound, "{rotate:?}");
    let delete = wisp.delete(&name("never-created")).await.unwrap_err();
    assert_eq!(delete.code(), ErrorCode::SecretNotFound, "{delete:?}");
}

#[tokio::test]
async fn the_server_refuses_a_65_character_name_as_invalid_request() {
    // The client refuses it before sending; send it anyway to prove the server's answer is read.
    let stack = Stack::get().unwrap();
    let wisp = provider(&stack).await;
    let long = "a".repeat(65);
    let answer = wisp
        .transport()
        .send(wisp.request(Operation::Create, Some(&long)))
        .await;
    let error = wispkey_wisp::interpret(Operation::Create, &long, answer).unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest { message } if message == "invalid secret name"),
        "{error:?}"
    );
    assert!(wisp.list().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_client_refuses_names_the_server_would_refuse_before_sending() {
    for bad in ["", ".", "..", "has space", &"x".repeat(65), "slash/name"] {
        let error = checked_name(bad).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidSecretName, "{bad:?}");
    }
}

#[tokio::test]
async fn rotate_kills_the_old_token_at_once_and_the_new_one_signs() {
    let stack = Stack::get().unwrap();
    let wisp = provider(&stack).await;
    let did = wisp.transport().did().to_owned();
    let body = r#"{"event":"create","rkey":"3kl2jd9s8f7g"}"#;
    let old = wisp.create(&name("signing")).await.unwrap().token;

    let before = stack
        .delivery_signature(&stack.wisp_control().unwrap(), &did, "signing", body)
        .await
        .unwrap();
    assert!(signature::verify(&old, body.as_bytes(), &before));

    let new = wisp.rotate(&name("signing"), None).await.unwrap().token;
    let after = stack
        .delivery_signature(&stack.wisp_control().unwrap(), &did, "signing", body)
        .await
        .unwrap();
    assert!(
        !signature::verify(&old, body.as_bytes(), &after),
        "old token still signs"
    );
    assert!(
        signature::verify(&new, body.as_bytes(), &after),
        "new token does not sign"
    );
}

#[tokio::test]
async fn two_accounts_keep_same_named_secrets_apart() {
    let stack = Stack::get().unwrap();
    let (first, second) = (provider(&stack).await, provider(&stack).await);
    let first_token = first.create(&name("deploy-hook")).await.unwrap().token;
    let second_token = second.create(&name("deploy-hook")).await.unwrap().token;
    assert_ne!(first_token, second_token);

    second.rotate(&name("deploy-hook"), None).await.unwrap();
    first.delete(&name("deploy-hook")).await.unwrap();
    assert!(first.list().await.unwrap().is_empty());
    let second_list = second.list().await.unwrap();
    assert_eq!(second_list.len(), 1);
    assert!(second_list[0].last_rotated_at.is_some());
}

#[tokio::test]
async fn the_service_auth_path_reaches_the_same_secrets_as_the_proxy() {
    let stack = Stack::get().unwrap();
    let (handle, password) = fresh_login(&stack).await;
    let pds = stack.pds_url().unwrap();
    let session = || PasswordSession::sign_in(&pds, &handle, &password, TIMEOUT);
    let proxied = WispProvider::new(session().await.unwrap(), stack.wisp_did().unwrap());
    proxied.create(&name("via-proxy")).await.unwrap();

    let direct_transport = DirectToService::connect(
        session().await.unwrap(),
        &stack.wisp_did().unwrap(),
        wispkey_wisp::SERVICE_ID,
        TIMEOUT,
    )
    .await
    .unwrap();
    let direct = WispProvider::new(direct_transport, stack.wisp_did().unwrap());
    direct.create(&name("direct")).await.unwrap();
    let names: Vec<String> = proxied
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["via-proxy", "direct"]);
    assert_eq!(direct.list().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_service_jwt_for_another_audience_is_refused_by_the_service() {
    let stack = Stack::get().unwrap();
    let endpoint = direct_transport(&stack).await.endpoint().to_owned();
    // A real JWT from the real PDS, minted for a different service.
    let token = wrong_audience_token(&stack).await;
    let response = reqwest::Client::new()
        .get(format!("{endpoint}/xrpc/{}", wispkey_wisp::nsid::LIST))
        .bearer_auth(token.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "AuthenticationRequired");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("jwt audience does not match"),
        "{body}"
    );
}

async fn wrong_audience_token(stack: &Stack) -> SecretString {
    let session = fresh_session(stack).await;
    let expires = chrono::Utc::now().timestamp() + 60;
    let response = session
        .send(wispkey_atproto::xrpc::XrpcRequest {
            method: wispkey_atproto::xrpc::HttpMethod::Get,
            nsid: "com.atproto.server.getServiceAuth".into(),
            query: vec![
                ("aud".into(), "did:web:elsewhere.example".into()),
                ("lxm".into(), wispkey_wisp::nsid::LIST.into()),
                ("exp".into(), expires.to_string()),
            ],
            json_body: None,
            proxy: None,
        })
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    SecretString::new(body["token"].as_str().unwrap())
}

#[tokio::test]
async fn a_tampered_service_jwt_is_refused_by_the_service() {
    let stack = Stack::get().unwrap();
    let direct = direct_transport(&stack).await;
    let genuine = direct
        .service_token(wispkey_wisp::nsid::LIST)
        .await
        .unwrap();
    // Swap in another account's DID as issuer, keeping the original signature.
    let parts: Vec<&str> = genuine.expose().split('.').collect();
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut payload: serde_json::Value =
        serde_json::from_slice(&engine.decode(parts[1]).unwrap()).unwrap();
    let victim = stack.json["accounts"][0]["did"]
        .as_str()
        .unwrap()
        .to_owned();
    payload["iss"] = json!(victim);
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        engine.encode(payload.to_string()),
        parts[2]
    );
    let response = reqwest::Client::new()
        .get(format!(
            "{}/xrpc/{}",
            direct.endpoint(),
            wispkey_wisp::nsid::LIST
        ))
        .bearer_auth(forged)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["message"], "invalid jwt signature", "{body}");
}

#[tokio::test]
async fn a_connection_dropped_after_a_committed_rotate_is_an_unknown_outcome() {
    let stack = Stack::get().unwrap();
    let service = PrivateWisp::start(&stack, true, &[]).unwrap();
    let wisp = WispProvider::new(fresh_session(&stack).await, service.did.clone());
    wisp.create(&name("fragile")).await.unwrap();
    service
        .drop_connection_after_commit(wispkey_wisp::nsid::ROTATE)
        .await
        .unwrap();

    let error = wisp.rotate(&name("fragile"), None).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::OutcomeUnknown, "{error:?}");
    assert!(
        error
            .to_string()
            .contains("old token may already have stopped working")
    );
    // It did happen: the list is how the user finds out.
    let listed = wisp.list().await.unwrap();
    assert!(listed[0].last_rotated_at.is_some());
}

#[tokio::test]
async fn a_service_without_its_encryption_key_answers_encryption_unavailable() {
    let stack = Stack::get().unwrap();
    let service = PrivateWisp::start(&stack, false, &[]).unwrap();
    let wisp = WispProvider::new(fresh_session(&stack).await, service.did.clone());
    let error = wisp.create(&name("no-key")).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::EncryptionUnavailable, "{error:?}");
    assert!(wisp.list().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_storage_failure_is_service_failed_and_changes_nothing() {
    let stack = Stack::get().unwrap();
    let service = PrivateWisp::start(&stack, true, &[]).unwrap();
    let wisp = WispProvider::new(fresh_session(&stack).await, service.did.clone());
    let original = wisp.create(&name("stable")).await.unwrap();
    service
        .arm("storage", json!({ "failWrites": true }))
        .await
        .unwrap();

    let error = wisp.rotate(&name("stable"), None).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::ServiceFailed, "{error:?}");
    let listed = wisp.list().await.unwrap();
    assert!(
        listed[0].last_rotated_at.is_none(),
        "a failed rotate must not rotate"
    );
    let body = "{}";
    let signature = stack
        .delivery_signature(&service.control(), wisp.transport().did(), "stable", body)
        .await
        .unwrap();
    assert!(signature::verify(
        &original.token,
        body.as_bytes(),
        &signature
    ));
}

#[tokio::test]
async fn too_many_requests_is_rate_limited_and_the_direct_path_says_how_long_to_wait() {
    let stack = Stack::get().unwrap();
    let service = PrivateWisp::start(&stack, true, &["--rate-limit-per-minute", "2"]).unwrap();
    let (handle, password) = fresh_login(&stack).await;
    let pds = stack.pds_url().unwrap();
    let session = || PasswordSession::sign_in(&pds, &handle, &password, TIMEOUT);
    let proxied = WispProvider::new(session().await.unwrap(), service.did.clone());
    proxied.list().await.unwrap();
    proxied.list().await.unwrap();
    // The reference PDS (0.5.35) forwards an upstream error's status and body but not its
    // headers, so through the proxy the wait time is unknown.
    let error = proxied.list().await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::RateLimited, "{error:?}");

    let direct = DirectToService::connect(
        session().await.unwrap(),
        &service.did,
        wispkey_wisp::SERVICE_ID,
        TIMEOUT,
    )
    .await
    .unwrap();
    let error = WispProvider::new(direct, service.did.clone())
        .list()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::RateLimited { retry_after_seconds: Some(seconds) } if seconds > 0 && seconds <= 60),
        "{error:?}"
    );
    assert!(error.to_string().contains("seconds"));
}

#[tokio::test]
async fn a_stopped_service_is_unreachable_for_list_and_an_unknown_outcome_for_rotate() {
    let stack = Stack::get().unwrap();
    let mut service = PrivateWisp::start(&stack, true, &[]).unwrap();
    let wisp = WispProvider::new(fresh_session(&stack).await, service.did.clone());
    wisp.create(&name("orphan")).await.unwrap();
    service.stop();

    let list = wisp.list().await.unwrap_err();
    assert_eq!(list.code(), ErrorCode::ServiceUnreachable, "{list:?}");
    // Behind the proxy "unreachable" and "dropped after acting" look the same: say so honestly.
    let rotate = wisp.rotate(&name("orphan"), None).await.unwrap_err();
    assert_eq!(rotate.code(), ErrorCode::OutcomeUnknown, "{rotate:?}");
}

#[tokio::test]
async fn an_answer_slower_than_the_timeout_times_out_a_list_and_leaves_a_rotate_unknown() {
    let stack = Stack::get().unwrap();
    let service = PrivateWisp::start(&stack, true, &[]).unwrap();
    let (handle, password) = fresh_login(&stack).await;
    let short = Duration::from_secs(2);
    let session = PasswordSession::sign_in(&stack.pds_url().unwrap(), &handle, &password, short)
        .await
        .unwrap();
    let wisp = WispProvider::new(session, service.did.clone());
    wisp.create(&name("slow")).await.unwrap();

    service
        .arm(
            "faults",
            json!({ "delayMs": 5000, "nsid": wispkey_wisp::nsid::LIST }),
        )
        .await
        .unwrap();
    let list = wisp.list().await.unwrap_err();
    assert_eq!(list.code(), ErrorCode::TimedOut, "{list:?}");

    service
        .arm(
            "faults",
            json!({ "delayMs": 5000, "nsid": wispkey_wisp::nsid::ROTATE }),
        )
        .await
        .unwrap();
    let rotate = wisp.rotate(&name("slow"), None).await.unwrap_err();
    assert_eq!(rotate.code(), ErrorCode::OutcomeUnknown, "{rotate:?}");
}

#[tokio::test]
async fn an_unreachable_pds_is_pds_unreachable() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let error = PasswordSession::sign_in(
        &format!("http://127.0.0.1:{port}"),
        "alice.test",
        &SecretString::new("irrelevant"),
        TIMEOUT,
    )
    .await
    .err()
    .unwrap();
    assert_eq!(error.code(), ErrorCode::PdsUnreachable, "{error:?}");
}

#[tokio::test]
async fn a_wrong_password_is_refused_without_panicking() {
    let stack = Stack::get().unwrap();
    let error = PasswordSession::sign_in(
        &stack.pds_url().unwrap(),
        "alice.test",
        &SecretString::new("not-the-password"),
        TIMEOUT,
    )
    .await
    .err()
    .unwrap();
    assert_eq!(error.code(), ErrorCode::SignInFailed, "{error:?}");
}
