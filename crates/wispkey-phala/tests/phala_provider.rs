//! The Phala provider against real parts: a private Phala-compatible service
//! (`crates/phala-service`, started per test with its test control) and the real Secret Service
//! of `scripts/desktop-session.sh` (read back with `secret-tool`, not through Wispkey).
//!
//!   scripts/desktop-session.sh cargo nextest run -p wispkey-phala
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use serde_json::{Value, json};
use wispkey_phala::signature;

use wispkey_core::provider::{ProviderKind, SecretProvider, SignInContext, SignInRequest};
use wispkey_core::tokens::TokenKeeper;
use wispkey_core::tokens::item::token_item;
use wispkey_core::vault::Vault;
use wispkey_core::{AccountRef, Error, ErrorCode, SecretString};
use wispkey_phala::PhalaKind;
use wispkey_phala::kind::{ACCOUNTS_ITEM, account_id, key_item};
use wispkey_test_support::{PhalaWorkspace, PrivatePhala, unique_name};

/// Phala accounts never open a browser.
fn no_browser(_url: &str) -> Result<(), String> {
    Err("no browser in this test".into())
}

const BODY: &str = r#"{"event":"cvm.started","id":"cvm_1"}"#;

fn unique_vault(label: &str) -> Vault {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run through scripts/desktop-session.sh"
    );
    Vault::new(unique_name(&format!(
        "place.wisp.wispkey.phala-test.{label}"
    )))
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

/// Whether the service's Phala-signed delivery verifies under `secret`.
fn verifies(secret: &str, delivery: &Value) -> bool {
    let headers = &delivery["headers"];
    signature::verify(
        &SecretString::new(secret),
        headers["X-Webhook-Timestamp"].as_str().unwrap(),
        delivery["body"].as_str().unwrap().as_bytes(),
        headers["X-Webhook-Signature"].as_str().unwrap(),
    )
}

struct Setup {
    phala: PrivatePhala,
    workspace: PhalaWorkspace,
    webhook_id: String,
    url: String,
    first_secret: String,
    vault: Vault,
    kind: PhalaKind,
    account: AccountRef,
}

async fn sign_in(kind: &PhalaKind, key: &str) -> wispkey_core::Result<wispkey_core::AccountView> {
    kind.sign_in(
        SignInRequest::ApiKey {
            key: SecretString::new(key),
        },
        SignInContext {
            browser: &no_browser,
            cancel: Default::default(),
        },
    )
    .await
}

async fn setup(label: &str) -> Setup {
    let phala = PrivatePhala::start(&[]).unwrap();
    let workspace = phala.create_workspace(label).await.unwrap();
    let url = format!("https://hooks.{label}.example/phala");
    let hook = phala
        .add_webhook(&workspace, &url, &["cvm.started"])
        .await
        .unwrap();
    let vault = unique_vault(label);
    let kind = PhalaKind::new(vault.clone(), &phala.url).unwrap();
    let view = sign_in(&kind, &workspace.api_key).await.unwrap();
    Setup {
        webhook_id: hook["id"].as_str().unwrap().to_owned(),
        first_secret: hook["secret"].as_str().unwrap().to_owned(),
        account: view.account,
        phala,
        workspace,
        url,
        vault,
        kind,
    }
}

impl Setup {
    async fn provider(&self) -> Box<dyn SecretProvider> {
        self.kind.open(&self.account.id).await.unwrap()
    }

    async fn delivery(&self) -> Value {
        self.phala.deliver(&self.webhook_id, BODY).await.unwrap()
    }

    /// The log entries of rotate requests for this webhook.
    async fn rotate_log(&self) -> Vec<Value> {
        self.phala
            .control()
            .log()
            .await
            .unwrap()
            .into_iter()
            .filter(|entry| {
                entry["method"] == "POST"
                    && entry["path"]
                        .as_str()
                        .is_some_and(|path| path.ends_with("/rotate-secret"))
            })
            .collect()
    }

    /// Rotates through `keeper` (persist before show) with a code the service accepts now.
    async fn rotate_with_current_code(
        &self,
        keeper: &TokenKeeper,
        provider: &dyn SecretProvider,
    ) -> wispkey_core::Result<wispkey_core::tokens::Issued> {
        let code = SecretString::new(self.phala.current_code(&self.workspace).await.unwrap());
        keeper
            .rotate(
                provider,
                &self.account,
                &self.webhook_id,
                &self.url,
                &self.url,
                Some(&code),
            )
            .await
    }

    /// A code the service accepts now, changed in every digit (so it is wrong).
    async fn wrong_code(&self) -> String {
        let right = self.phala.current_code(&self.workspace).await.unwrap();
        right
            .chars()
            .map(|c| char::from(b'0' + (c.to_digit(10).unwrap() as u8 + 5) % 10))
            .collect()
    }

    async fn cleanup(&self) {
        let _ = self.kind.sign_out(&self.account.id).await;
        let _ = self
            .vault
            .delete_async(&token_item(&self.account, &self.webhook_id))
            .await;
        let _ = self
            .vault
            .delete_async(&wispkey_core::tokens::item::index_item(&self.account))
            .await;
    }
}

#[tokio::test]
async fn a_good_key_is_stored_and_a_bad_key_is_refused_with_nothing_stored() {
    let s = setup("signin").await;
    let key = &s.workspace.api_key;
    let id = account_id(&SecretString::new(key.as_str()));
    assert_eq!(s.account, AccountRef::new("phala", &id));
    assert_eq!(
        secret_tool_lookup(&s.vault, &key_item(&id)).as_deref(),
        Some(key.as_str())
    );
    let accounts = s.kind.restore().await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert!(accounts[0].label.starts_with("Phala Cloud key …"));
    assert!(accounts[0].label.ends_with(&key[key.len() - 4..]));
    // Adding the same key again is the same account.
    sign_in(&s.kind, &format!("  {key}\n")).await.unwrap();
    assert_eq!(s.kind.restore().await.unwrap().len(), 1);

    let bad = "phak_thisKeyIsNotKnownToTheService0000000000";
    let error = sign_in(&s.kind, bad).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::AuthenticationRequired, "{error}");
    assert!(!format!("{error} {error:?}").contains(bad));
    let bad_id = account_id(&SecretString::new(bad));
    assert_eq!(secret_tool_lookup(&s.vault, &key_item(&bad_id)), None);
    assert_eq!(s.kind.restore().await.unwrap().len(), 1);

    let outcome = s.kind.sign_out(&id).await.unwrap();
    assert!(!outcome.revoked_at_server);
    assert_eq!(secret_tool_lookup(&s.vault, &key_item(&id)), None);
    assert_eq!(secret_tool_lookup(&s.vault, ACCOUNTS_ITEM), None);
    assert!(s.kind.restore().await.unwrap().is_empty());
    assert_eq!(
        s.kind.open(&id).await.err().map(|e| e.code()),
        Some(ErrorCode::SessionExpired)
    );
}

#[tokio::test]
async fn the_list_shows_webhooks_by_url_and_the_webhook_is_its_dependent() {
    let s = setup("list").await;
    let provider = s.provider().await;
    let list = provider.list().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, s.webhook_id);
    assert_eq!(list[0].name, s.url);
    assert!(list[0].last_rotated_at.is_none());
    let dependents = provider.dependents(&s.webhook_id).await.unwrap();
    assert_eq!(dependents.len(), 1);
    assert_eq!(dependents[0].url, s.url);
    assert!(dependents[0].enabled);
    assert_eq!(
        provider.create("x").await.unwrap_err().code(),
        ErrorCode::Unsupported
    );
    s.cleanup().await;
}

#[tokio::test]
async fn rotate_asks_for_a_code_refuses_a_wrong_one_and_stores_the_new_secret() {
    let s = setup("rotate").await;
    let provider = s.provider().await;
    let keeper = TokenKeeper::new(s.vault.clone());
    provider.list().await.unwrap();

    // No code: refused, nothing rotated, one refused request logged.
    let error = keeper
        .rotate(
            provider.as_ref(),
            &s.account,
            &s.webhook_id,
            &s.url,
            &s.url,
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::SecondFactorRequired, "{error}");
    let log = s.rotate_log().await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["status"], 403);
    assert_eq!(log[0]["twoFactorCodeSent"], false);
    assert!(verifies(&s.first_secret, &s.delivery().await));

    // A wrong code: refused, nothing rotated.
    let wrong = SecretString::new(s.wrong_code().await);
    let error = keeper
        .rotate(
            provider.as_ref(),
            &s.account,
            &s.webhook_id,
            &s.url,
            &s.url,
            Some(&wrong),
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::SecondFactorInvalid, "{error}");
    assert!(verifies(&s.first_secret, &s.delivery().await));
    assert_eq!(
        secret_tool_lookup(&s.vault, &token_item(&s.account, &s.webhook_id)),
        None
    );

    // The right code: rotated, stored (read back) before returning.
    let issued = s
        .rotate_with_current_code(&keeper, provider.as_ref())
        .await
        .unwrap();
    assert!(issued.stored(), "{:?}", issued.store_error);
    assert_eq!(issued.name, s.url);
    let new_secret = issued.token.expose().to_owned();
    assert!(new_secret.starts_with("whsec_"));
    assert_ne!(new_secret, s.first_secret);
    assert_eq!(
        secret_tool_lookup(&s.vault, &token_item(&s.account, &s.webhook_id)).as_deref(),
        Some(new_secret.as_str())
    );
    assert_eq!(
        keeper
            .stored_token(&s.account, &s.webhook_id)
            .await
            .unwrap()
            .expose(),
        new_secret
    );
    let delivery = s.delivery().await;
    assert!(verifies(&new_secret, &delivery));
    assert!(!verifies(&s.first_secret, &delivery));
    let listed = provider.list().await.unwrap();
    assert!(listed[0].last_rotated_at.is_some());
    s.cleanup().await;
}

#[tokio::test]
async fn a_lost_answer_after_the_code_was_accepted_is_an_unknown_outcome_sent_once() {
    let s = setup("lost").await;
    let provider = s.provider().await;
    let keeper = TokenKeeper::new(s.vault.clone());
    provider.list().await.unwrap();
    s.phala
        .control()
        .faults(json!({"dropConnectionAfterCommit": true}))
        .await
        .unwrap();
    let error = s
        .rotate_with_current_code(&keeper, provider.as_ref())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}");
    let log = s.rotate_log().await;
    let with_code: Vec<_> = log
        .iter()
        .filter(|entry| entry["twoFactorCodeSent"] == true)
        .collect();
    assert_eq!(with_code.len(), 1, "never retried: {log:?}");
    assert!(with_code[0]["status"].is_null(), "{log:?}");
    // It did happen: the old secret no longer signs.
    assert!(!verifies(&s.first_secret, &s.delivery().await));
    assert_eq!(
        secret_tool_lookup(&s.vault, &token_item(&s.account, &s.webhook_id)),
        None
    );
    s.cleanup().await;
}

#[tokio::test]
async fn a_rotation_without_a_secret_is_said_and_a_pasted_secret_is_kept() {
    let s = setup("nosecret").await;
    let provider = s.provider().await;
    let keeper = TokenKeeper::new(s.vault.clone());
    provider.list().await.unwrap();
    s.phala
        .control()
        .faults(json!({"rotateWithoutSecret": true}))
        .await
        .unwrap();
    let error = s
        .rotate_with_current_code(&keeper, provider.as_ref())
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::RotatedWithoutSecret, "{error}");
    assert!(error.to_string().contains(&s.url), "{error}");
    assert!(!verifies(&s.first_secret, &s.delivery().await));

    // "Rotated in the dashboard": a rotation of its own, whose secret the user pastes.
    let code = s.phala.current_code(&s.workspace).await.unwrap();
    let answer: Value = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/workspace/webhooks/{}/rotate-secret",
            s.phala.url, s.webhook_id
        ))
        .header("X-API-Key", &s.workspace.api_key)
        .header("X-2FA-Code", code)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pasted = answer["secret"].as_str().unwrap().to_owned();
    keeper
        .store_pasted(
            &s.account,
            &s.webhook_id,
            &SecretString::new(pasted.as_str()),
        )
        .await
        .unwrap();
    assert_eq!(
        secret_tool_lookup(&s.vault, &token_item(&s.account, &s.webhook_id)).as_deref(),
        Some(pasted.as_str())
    );
    let stored = keeper
        .stored_token(&s.account, &s.webhook_id)
        .await
        .unwrap();
    assert!(verifies(stored.expose(), &s.delivery().await));
    s.cleanup().await;
}
