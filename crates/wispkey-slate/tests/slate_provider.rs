//! The Slate provider against real parts: a private Slate-compatible service
//! (`crates/slate-service`, started per test with its test control) and the real Secret Service
//! of `scripts/desktop-session.sh` (read back with `secret-tool`, not through Wispkey).
//!
//!   cargo build -p slate-service
//!   scripts/desktop-session.sh cargo nextest run -p wispkey-slate
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

use wispkey_core::provider::{Login, ProviderKind, SecretProvider, SignInContext, SignInRequest};
use wispkey_core::tokens::item::token_item;
use wispkey_core::tokens::{TokenKeeper, also_id};
use wispkey_core::vault::Vault;
use wispkey_core::{AccountRef, AccountView, Error, ErrorCode, SecretString};
use wispkey_slate::session::session_item;
use wispkey_slate::{SlateKind, signature};
use wispkey_test_support::{PrivateSlate, SlateUser, unique_name};

fn no_browser(_url: &str) -> Result<(), String> {
    Err("no browser in this test".into())
}

fn unique_vault(label: &str) -> Vault {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run through scripts/desktop-session.sh"
    );
    Vault::new(unique_name(&format!(
        "place.wisp.wispkey.slate-test.{label}"
    )))
}

fn lock_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(unique_name(&format!("wispkey-slate-locks-{label}")));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What another keychain client sees (`None`: no such item).
fn secret_tool_lookup(vault: &Vault, item: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", vault.service(), "username", item])
        .output()
        .expect("secret-tool (libsecret-tools)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.success() && !text.is_empty()).then_some(text)
}

/// Whether the service's signed delivery verifies under `secret` (our signature code).
fn verifies(secret: &str, delivery: &Value) -> bool {
    let headers = &delivery["headers"];
    signature::verify(
        &SecretString::new(secret),
        headers["webhook-id"].as_str().unwrap(),
        headers["webhook-timestamp"].as_str().unwrap(),
        delivery["body"].as_str().unwrap().as_bytes(),
        headers["webhook-signature"].as_str().unwrap(),
    )
}

fn context() -> SignInContext<'static> {
    SignInContext {
        browser: &no_browser,
        cancel: Default::default(),
    }
}

async fn sign_in(
    kind: &SlateKind,
    server: &str,
    user: &SlateUser,
    password: &str,
    code: Option<String>,
) -> wispkey_core::Result<AccountView> {
    kind.sign_in(
        SignInRequest::Credentials {
            server: server.to_owned(),
            login: Login::Password {
                email: user.email.clone(),
                password: SecretString::new(password),
                code: code.map(SecretString::new),
            },
        },
        context(),
    )
    .await
}

struct Setup {
    slate: PrivateSlate,
    user: SlateUser,
    token: Value,
    vault: Vault,
    locks: PathBuf,
    kind: SlateKind,
    account: AccountRef,
}

/// A user without TOTP, one API token with a webhook, signed in.
async fn setup(label: &str) -> Setup {
    let slate = PrivateSlate::start(&[]).unwrap();
    let user = slate.create_user(false).await.unwrap();
    let token = slate
        .add_token(
            &user,
            json!({"name": "Order router", "webhook_url": format!("https://hooks.{label}.example/slate"), "webhook_enabled": true}),
        )
        .await
        .unwrap();
    let vault = unique_vault(label);
    let locks = lock_dir(label);
    let kind = SlateKind::new(vault.clone(), "", &locks);
    let password = user.password.clone();
    let view = sign_in(&kind, &slate.url, &user, &password, None)
        .await
        .unwrap();
    Setup {
        account: view.account,
        slate,
        user,
        token,
        vault,
        locks,
        kind,
    }
}

impl Setup {
    fn token_id(&self) -> String {
        self.token["id"].as_u64().unwrap().to_string()
    }

    async fn provider(&self) -> Box<dyn SecretProvider> {
        self.kind.open(&self.account.id).await.unwrap()
    }

    async fn refreshes(&self) -> Vec<Value> {
        self.slate
            .control()
            .log()
            .await
            .unwrap()
            .into_iter()
            .filter(|entry| entry["operation"] == "refresh")
            .collect()
    }
}

#[tokio::test]
async fn sign_in_without_totp_keeps_only_the_session_in_the_keychain_and_lists_with_facts() {
    let s = setup("plain").await;
    let stored = secret_tool_lookup(&s.vault, &session_item(&s.account.id)).expect("session");
    assert!(stored.contains("refresh_token"));
    assert!(
        !stored.contains(&s.user.password),
        "the password is never kept"
    );
    let index = secret_tool_lookup(&s.vault, "slate-accounts").unwrap();
    assert!(index.contains(&s.user.email) && !index.contains("refresh"));

    let rows = s.provider().await.list().await.unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.id, s.token_id());
    assert_eq!(row.name, "Order router");
    let fact = |label: &str| {
        row.facts
            .iter()
            .find(|fact| fact.label == label)
            .map(|fact| fact.value.clone())
            .unwrap()
    };
    let value = s.token["token"].as_str().unwrap();
    assert_eq!(
        fact("Token"),
        format!("{}…{}", &value[..8], &value[value.len() - 4..])
    );
    assert_eq!(fact("Status"), "active");
    assert_eq!(fact("Webhooks"), "on");
    assert!(fact("Webhook").starts_with("https://hooks.plain.example"));
    assert_eq!(fact("Expires"), "never");
}

#[tokio::test]
async fn sign_in_with_totp_asks_for_the_code_then_accepts_it() {
    let slate = PrivateSlate::start(&[]).unwrap();
    let user = slate.create_user(true).await.unwrap();
    let vault = unique_vault("totp");
    let kind = SlateKind::new(vault.clone(), "", &lock_dir("totp"));
    let password = user.password.clone();

    let asked = sign_in(&kind, &slate.url, &user, &password, None)
        .await
        .unwrap_err();
    assert!(
        matches!(asked, Error::SignInCodeRequired { .. }),
        "{asked:?}"
    );
    assert_eq!(asked.code(), ErrorCode::SecondFactorRequired);
    assert!(kind.restore().await.unwrap().is_empty(), "nothing kept yet");

    let code = slate.current_code(&user).await.unwrap();
    let view = sign_in(
        &kind,
        &slate.url,
        &user,
        &password,
        Some(format!(" {} {} ", &code[..3], &code[3..])),
    )
    .await
    .unwrap();
    assert_eq!(view.label, user.email);
    assert!(secret_tool_lookup(&vault, &session_item(&view.account.id)).is_some());
    let log = slate.control().log().await.unwrap();
    let logins: Vec<&Value> = log.iter().filter(|e| e["operation"] == "login").collect();
    assert_eq!(logins.len(), 2);
    assert_eq!(logins[0]["status"], 202);
    assert_eq!(logins[1]["status"], 200);
}

#[tokio::test]
async fn a_wrong_password_and_a_wrong_code_each_have_their_sentence() {
    let slate = PrivateSlate::start(&[]).unwrap();
    let user = slate.create_user(true).await.unwrap();
    let kind = SlateKind::new(unique_vault("wrong"), "", &lock_dir("wrong"));

    let wrong_password = sign_in(&kind, &slate.url, &user, "not-the-password", None)
        .await
        .unwrap_err();
    assert!(matches!(wrong_password, Error::CredentialsRefused { .. }));
    assert_eq!(wrong_password.code(), ErrorCode::SignInFailed);
    assert!(wrong_password.to_string().contains("email and password"));

    let password = user.password.clone();
    let wrong_code = sign_in(&kind, &slate.url, &user, &password, Some("000000".into()))
        .await
        .unwrap_err();
    assert!(
        matches!(wrong_code, Error::SecondFactorInvalid { .. }),
        "{wrong_code:?}"
    );
    assert!(wrong_code.to_string().contains("two-factor code"));
    assert_ne!(wrong_password.to_string(), wrong_code.to_string());
    assert!(kind.restore().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_bad_server_address_is_refused_before_anything_is_sent() {
    let slate = PrivateSlate::start(&[]).unwrap();
    let user = slate.create_user(false).await.unwrap();
    let kind = SlateKind::new(unique_vault("address"), "", &lock_dir("address"));
    let password = user.password.clone();

    let not_https = sign_in(&kind, "http://slate.example", &user, &password, None)
        .await
        .unwrap_err();
    assert_eq!(not_https.code(), ErrorCode::ServerAddressInvalid);
    assert!(not_https.to_string().contains("https"));

    // An address that answers, but not as Slate does (a wrong prefix: 404 on the login path).
    let wrong_api = sign_in(
        &kind,
        &format!("{}/not-slate", slate.url),
        &user,
        &password,
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        wrong_api.code(),
        ErrorCode::ServerAddressInvalid,
        "{wrong_api:?}"
    );
    assert!(wrong_api.to_string().contains("not as a Slate API"));

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = sign_in(
        &kind,
        &format!("http://127.0.0.1:{port}"),
        &user,
        &password,
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(unreachable.code(), ErrorCode::ServiceUnreachable);
    let log = slate.control().log().await.unwrap();
    assert!(
        log.iter().all(|entry| entry["operation"] != "login"),
        "no sign-in reached the service: {log:?}"
    );
}

#[tokio::test]
async fn the_base_url_may_carry_a_prefix() {
    let slate = PrivateSlate::start(&["--path-prefix", "/broker"]).unwrap();
    assert!(slate.url.ends_with("/broker"));
    let user = slate.create_user(false).await.unwrap();
    let kind = SlateKind::new(unique_vault("prefix"), "", &lock_dir("prefix"));
    let password = user.password.clone();
    let view = sign_in(&kind, &slate.url, &user, &password, None)
        .await
        .unwrap();
    let provider = kind.open(&view.account.id).await.unwrap();
    assert!(provider.list().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_without_a_prompt_and_its_successor_stored_first() {
    let s = setup("expiry").await;
    let before = secret_tool_lookup(&s.vault, &session_item(&s.account.id)).unwrap();
    s.slate
        .control()
        .expire_access_tokens(Some(&s.user))
        .await
        .unwrap();
    let rows = s.provider().await.list().await.unwrap();
    assert_eq!(rows.len(), 1);
    let after = secret_tool_lookup(&s.vault, &session_item(&s.account.id)).unwrap();
    assert_ne!(before, after, "the new pair is in the keychain");
    let refreshes = s.refreshes().await;
    assert_eq!(refreshes.len(), 1);
    assert_eq!(refreshes[0]["status"], 200);
    assert_eq!(s.slate.control().refresh_reuses().await.unwrap(), 0);
}

#[tokio::test]
async fn several_openers_renewing_at_once_spend_the_refresh_token_once() {
    let s = setup("race").await;
    s.slate
        .control()
        .expire_access_tokens(Some(&s.user))
        .await
        .unwrap();
    // Four independent kinds (as separate processes would be) over the same keychain and lock
    // folder, all finding the access token refused at the same moment.
    let kinds: Vec<SlateKind> = (0..4)
        .map(|_| SlateKind::new(s.vault.clone(), "", &s.locks))
        .collect();
    let mut providers = Vec::new();
    for kind in &kinds {
        providers.push(kind.open(&s.account.id).await.unwrap());
    }
    // Polled together: each list's renewal contends for the same lock.
    let (a, b, c, d) = tokio::join!(
        providers[0].list(),
        providers[1].list(),
        providers[2].list(),
        providers[3].list()
    );
    for list in [a, b, c, d] {
        assert_eq!(list.unwrap().len(), 1);
    }
    let refreshes = s.refreshes().await;
    let fingerprints: Vec<&Value> = refreshes
        .iter()
        .map(|entry| &entry["refresh"]["tokenFingerprint"])
        .collect();
    let mut unique = fingerprints.clone();
    unique.dedup();
    assert_eq!(
        fingerprints.len(),
        unique.len(),
        "no refresh token presented twice"
    );
    assert_eq!(refreshes.len(), 1, "one renewal served everyone");
    assert_eq!(s.slate.control().refresh_reuses().await.unwrap(), 0);
}

#[tokio::test]
async fn a_refresh_token_presented_twice_ends_the_session_with_its_own_sentence() {
    let s = setup("reuse").await;
    let old = secret_tool_lookup(&s.vault, &session_item(&s.account.id)).unwrap();
    s.slate
        .control()
        .expire_access_tokens(Some(&s.user))
        .await
        .unwrap();
    s.provider().await.list().await.unwrap();
    // Another keychain client puts the spent session back (as a stale backup would).
    s.vault
        .store_async(&session_item(&s.account.id), &SecretString::new(old.trim()))
        .await
        .unwrap();
    s.slate
        .control()
        .expire_access_tokens(Some(&s.user))
        .await
        .unwrap();
    let error = s.provider().await.list().await.unwrap_err();
    assert!(matches!(error, Error::SessionRevoked { .. }), "{error:?}");
    assert_eq!(error.code(), ErrorCode::SessionExpired);
    assert!(error.to_string().contains("Sign in again"));
    assert!(
        secret_tool_lookup(&s.vault, &session_item(&s.account.id)).is_none(),
        "the dead session is gone"
    );
}

#[tokio::test]
async fn rotate_stores_the_new_secret_before_returning_and_only_the_new_one_verifies() {
    let s = setup("rotate").await;
    let id = s.token_id();
    let old_secret = s.token["webhook_secret"].as_str().unwrap().to_owned();
    let provider = s.provider().await;
    provider.list().await.unwrap();
    let keeper = TokenKeeper::new(s.vault.clone());
    let issued = keeper
        .rotate(
            provider.as_ref(),
            &s.account,
            &id,
            "Order router",
            "Order router",
            None,
        )
        .await
        .unwrap();
    assert!(issued.stored());
    assert!(issued.also.is_empty(), "the API token did not change");
    let new_secret = issued.token.expose().to_owned();
    assert!(new_secret.starts_with("whsec_"));
    assert_eq!(
        secret_tool_lookup(&s.vault, &token_item(&s.account, &id)).as_deref(),
        Some(new_secret.as_str())
    );
    let delivery = s
        .slate
        .deliver(id.parse().unwrap(), r#"{"type":"order.filled"}"#)
        .await
        .unwrap();
    assert!(verifies(&new_secret, &delivery));
    assert!(
        !verifies(&old_secret, &delivery),
        "the old secret is refused"
    );
}

#[tokio::test]
async fn a_changed_api_token_in_the_rotate_answer_is_stored_beside_the_secret() {
    let s = setup("reissue").await;
    s.slate
        .control()
        .settings(json!({"reissueTokenOnRotate": true}))
        .await
        .unwrap();
    let id = s.token_id();
    let provider = s.provider().await;
    provider.list().await.unwrap();
    let keeper = TokenKeeper::new(s.vault.clone());
    let issued = keeper
        .rotate(
            provider.as_ref(),
            &s.account,
            &id,
            "Order router",
            "Order router",
            None,
        )
        .await
        .unwrap();
    assert_eq!(issued.also.len(), 1);
    let extra = &issued.also[0];
    assert!(extra.store_error.is_none());
    assert_eq!(extra.id, also_id(&id, "api-token"));
    assert!(extra.token.expose().starts_with("slt_"));
    assert_ne!(extra.token.expose(), s.token["token"].as_str().unwrap());
    assert_eq!(
        secret_tool_lookup(&s.vault, &token_item(&s.account, &extra.id)).as_deref(),
        Some(extra.token.expose())
    );
    assert!(extra.note.contains("new API token"));
}

#[tokio::test]
async fn a_lost_rotate_answer_is_an_unknown_outcome_sent_exactly_once() {
    let s = setup("lost").await;
    let id = s.token_id();
    let provider = s.provider().await;
    provider.list().await.unwrap();
    s.slate
        .control()
        .faults(json!({"dropConnectionAfterCommit": true}))
        .await
        .unwrap();
    let keeper = TokenKeeper::new(s.vault.clone());
    let error = keeper
        .rotate(
            provider.as_ref(),
            &s.account,
            &id,
            "Order router",
            "Order router",
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::OutcomeUnknown, "{error:?}");
    assert!(error.to_string().contains("may have happened"));
    let rotates: Vec<Value> = s
        .slate
        .control()
        .log()
        .await
        .unwrap()
        .into_iter()
        .filter(|entry| entry["operation"] == "rotate")
        .collect();
    assert_eq!(rotates.len(), 1, "never sent again");
}

#[tokio::test]
async fn a_bad_id_and_an_unknown_id_each_have_their_sentence() {
    let s = setup("ids").await;
    let provider = s.provider().await;
    let bad = provider.rotate("abc", None).await.unwrap_err();
    assert_eq!(bad.code(), ErrorCode::InvalidRequest);
    assert!(bad.to_string().contains("token_id"), "{bad}");
    let unknown = provider.rotate("999999", None).await.unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::SecretNotFound);
}

#[tokio::test]
async fn a_revoked_session_and_a_disabled_api_token_each_have_their_sentence() {
    let s = setup("refused").await;
    s.slate
        .control()
        .revoke_sessions(Some(&s.user))
        .await
        .unwrap();
    let error = s.provider().await.list().await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::SessionExpired, "{error:?}");
    assert!(error.to_string().contains("Sign in again"));

    // An account by pasted API token.
    let kind = SlateKind::new(unique_vault("by-token"), "", &lock_dir("by-token"));
    let view = kind
        .sign_in(
            SignInRequest::Credentials {
                server: s.slate.url.clone(),
                login: Login::Token {
                    token: SecretString::new(s.token["token"].as_str().unwrap()),
                },
            },
            context(),
        )
        .await
        .unwrap();
    let provider = kind.open(&view.account.id).await.unwrap();
    assert_eq!(provider.list().await.unwrap().len(), 1);
    s.slate
        .control()
        .set_status(s.token["id"].as_u64().unwrap(), "disabled")
        .await
        .unwrap();
    let refused = provider.list().await.unwrap_err();
    assert!(
        matches!(&refused, Error::ApiTokenRefused { state, .. } if state == "disabled"),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("it is disabled"));
}
