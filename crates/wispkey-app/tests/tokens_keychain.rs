//! Persist before show, against the real chain: sessions on the local PDS, the wisp-compatible
//! service behind it, and a real gnome-keyring. Keychain failures are real: a private Secret
//! Service this test stops and starts (`wispkey-test-support`), never a mocked vault.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../wispkey-wisp/tests/support/mod.rs"]
mod support;

use std::process::Command;

use support::{fresh_session, use_private_keyring};
use wispkey_atproto::xrpc::XrpcTransport;
use wispkey_atproto::xrpc::password::PasswordSession;
use wispkey_core::AccountRef;
use wispkey_core::provider::SecretProvider;
use wispkey_core::tokens::TokenKeeper;
use wispkey_core::tokens::item::{index_item, token_item};
use wispkey_core::vault::Vault;
use wispkey_core::{Error, ErrorCode};
use wispkey_test_support::{PrivateWisp, Stack, unique_name};
use wispkey_wisp::WispProvider;

fn unique_service(label: &str) -> Vault {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run through scripts/desktop-session.sh"
    );
    Vault::new(unique_name(&format!(
        "place.wisp.wispkey.tokens-test.{label}"
    )))
}

/// What another keychain client (libsecret's secret-tool) sees: proves the value is really in
/// the Secret Service, not in Wispkey's memory.
fn secret_tool_lookup(vault: &Vault, item: &str) -> String {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", vault.service(), "username", item])
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn secret_tool_clear(vault: &Vault, item: &str) {
    let status = Command::new("secret-tool")
        .args(["clear", "service", vault.service(), "username", item])
        .status()
        .unwrap();
    assert!(status.success());
}

async fn provider(stack: &Stack) -> (WispProvider<PasswordSession>, AccountRef) {
    let provider = WispProvider::new(fresh_session(stack).await, stack.wisp_did().unwrap());
    let account = AccountRef::new(wispkey_wisp::PROVIDER_ID, provider.transport().did());
    (provider, account)
}

/// The names the list shows the "In keychain" badge for, in order.
async fn badges(keeper: &TokenKeeper, did: &AccountRef) -> Vec<String> {
    keeper.stored_ids(did).await.unwrap().into_iter().collect()
}

#[tokio::test]
async fn rotate_stores_token_before_returning_and_read_back_matches() {
    let stack = Stack::get().unwrap();
    let (wisp, did) = provider(&stack).await;
    let vault = unique_service("rotate");
    let keeper = TokenKeeper::new(vault.clone());

    let created = keeper.create(&wisp, &did, "deploy-hook").await.unwrap();
    assert!(created.stored(), "{:?}", created.store_error);
    let rotated = keeper
        .rotate(
            &wisp,
            &did,
            "deploy-hook",
            "deploy-hook",
            "deploy-hook",
            None,
        )
        .await
        .unwrap();
    assert!(rotated.stored(), "{:?}", rotated.store_error);
    assert_ne!(created.token, rotated.token);

    // When rotate returned, the keychain already held exactly the new token.
    let item = token_item(&did, "deploy-hook");
    assert_eq!(secret_tool_lookup(&vault, &item), rotated.token.expose());
    assert_eq!(
        keeper.stored_token(&did, "deploy-hook").await.unwrap(),
        rotated.token
    );
    assert!(
        keeper
            .stored_ids(&did)
            .await
            .unwrap()
            .contains("deploy-hook")
    );
    // And it is the token the server signs with now.
    let body = r#"{"event":"create"}"#;
    let signature = stack
        .delivery_signature(&stack.wisp_control().unwrap(), &did.id, "deploy-hook", body)
        .await
        .unwrap();
    assert!(wispkey_wisp::signature::verify(
        &keeper.stored_token(&did, "deploy-hook").await.unwrap(),
        body.as_bytes(),
        &signature
    ));
    keeper.forget(&did, "deploy-hook").await.unwrap();
}

#[tokio::test]
async fn rotate_keeps_token_when_keychain_write_fails() {
    let mut keyring = use_private_keyring();
    let stack = Stack::get().unwrap();
    let (wisp, did) = provider(&stack).await;
    let vault = unique_service("write-fails");
    let keeper = TokenKeeper::new(vault.clone());
    let created = keeper.create(&wisp, &did, "hook").await.unwrap();
    assert!(created.stored(), "{:?}", created.store_error);

    keyring.stop_keyring().unwrap();
    let rotated = keeper
        .rotate(&wisp, &did, "hook", "hook", "hook", None)
        .await
        .unwrap();

    // The server rotated; the keychain could not take the token. Say so, and keep the token.
    assert!(!rotated.stored());
    let store_error = rotated.store_error.as_ref().unwrap();
    assert_eq!(
        store_error.code(),
        ErrorCode::KeychainMissing,
        "{store_error:?}"
    );
    assert_ne!(rotated.token, created.token);
    assert_eq!(
        keeper.issued_token(&did, "hook").await.unwrap(),
        rotated.token
    );
    let listed = wisp.list().await.unwrap();
    assert_eq!(listed[0].last_rotated_at, Some(rotated.issued_at));

    // The old (now dead) stored copy is never offered as this secret's token.
    keyring.start_keyring().unwrap();
    assert!(!keeper.stored_ids(&did).await.unwrap().contains("hook"));
    let stored = keeper.stored_token(&did, "hook").await;
    assert!(matches!(stored, Err(Error::KeychainNotFound)), "{stored:?}");
}

#[tokio::test]
async fn retry_store_token_stores_pending_token() {
    let mut keyring = use_private_keyring();
    let stack = Stack::get().unwrap();
    let (wisp, did) = provider(&stack).await;
    let vault = unique_service("retry");
    let keeper = TokenKeeper::new(vault.clone());

    keyring.stop_keyring().unwrap();
    let created = keeper.create(&wisp, &did, "later").await.unwrap();
    assert!(!created.stored());
    let still_down = keeper.retry_store(&did, "later").await.unwrap();
    assert!(!still_down.stored(), "no keychain yet, so still not stored");

    keyring.start_keyring().unwrap();
    let retried = keeper.retry_store(&did, "later").await.unwrap();
    assert!(retried.stored(), "{:?}", retried.store_error);
    assert_eq!(retried.token, created.token);
    assert_eq!(retried.issued_at, created.issued_at);
    assert_eq!(
        secret_tool_lookup(&vault, &token_item(&did, "later")),
        created.token.expose()
    );
    assert!(keeper.stored_ids(&did).await.unwrap().contains("later"));

    // Once the dialog is finished, retry has nothing left to store, and says so.
    keeper.finish(&did, "later");
    let gone = keeper.retry_store(&did, "later").await.unwrap_err();
    assert_eq!(gone.code(), ErrorCode::IssuedTokenGone);
    // But the issued token is still reachable: from the keychain now.
    assert_eq!(
        keeper.issued_token(&did, "later").await.unwrap(),
        created.token
    );
}

#[tokio::test]
async fn badges_come_from_one_index_read() {
    let stack = Stack::get().unwrap();
    let (wisp, did) = provider(&stack).await;
    let vault = unique_service("badges");
    let keeper = TokenKeeper::new(vault.clone());
    for secret in ["alpha", "beta", "gamma"] {
        assert!(keeper.create(&wisp, &did, secret).await.unwrap().stored());
    }
    keeper.forget(&did, "beta").await.unwrap();

    // One item per account names every stored secret.
    let index = secret_tool_lookup(&vault, &index_item(&did));
    assert!(
        index.contains("\"alpha\"") && index.contains("\"gamma\""),
        "{index}"
    );
    assert!(!index.contains("\"beta\""), "{index}");

    // Badges are read from that item alone, not by probing each token's item: with the token
    // items gone behind Wispkey's back, the index still answers for both.
    secret_tool_clear(&vault, &token_item(&did, "alpha"));
    secret_tool_clear(&vault, &token_item(&did, "gamma"));
    let names = badges(&keeper, &did).await;
    assert_eq!(names, ["alpha", "gamma"]);

    // A copy attempt finds the item gone, says so, and the badge heals.
    let copy = keeper.stored_token(&did, "alpha").await;
    assert!(matches!(copy, Err(Error::KeychainNotFound)), "{copy:?}");
    let names = badges(&keeper, &did).await;
    assert_eq!(names, ["gamma"]);
    keeper.forget(&did, "gamma").await.unwrap();
    assert!(secret_tool_lookup(&vault, &index_item(&did)).is_empty());
}

#[tokio::test]
async fn delete_removes_local_copy_when_asked() {
    let stack = Stack::get().unwrap();
    let (wisp, did) = provider(&stack).await;
    let vault = unique_service("delete");
    let keeper = TokenKeeper::new(vault.clone());
    keeper.create(&wisp, &did, "drop-me").await.unwrap();
    keeper.create(&wisp, &did, "keep-copy").await.unwrap();

    let removed = keeper
        .delete(&wisp, &did, "drop-me", "drop-me", "drop-me", true)
        .await
        .unwrap();
    assert!(removed);
    assert!(secret_tool_lookup(&vault, &token_item(&did, "drop-me")).is_empty());

    let removed = keeper
        .delete(&wisp, &did, "keep-copy", "keep-copy", "keep-copy", false)
        .await
        .unwrap();
    assert!(!removed);
    assert!(!secret_tool_lookup(&vault, &token_item(&did, "keep-copy")).is_empty());

    assert!(wisp.list().await.unwrap().is_empty());
    let names = badges(&keeper, &did).await;
    assert_eq!(names, ["keep-copy"]);
    keeper.forget(&did, "keep-copy").await.unwrap();
    assert!(secret_tool_lookup(&vault, &token_item(&did, "keep-copy")).is_empty());
}

#[tokio::test]
async fn rotate_or_delete_with_a_mistyped_name_sends_nothing() {
    let stack = Stack::get().unwrap();
    let (wisp, did) = provider(&stack).await;
    let keeper = TokenKeeper::new(unique_service("confirm"));
    let created = keeper.create(&wisp, &did, "prod").await.unwrap();

    let rotate = keeper
        .rotate(&wisp, &did, "prod", "prod", "Prod", None)
        .await
        .unwrap_err();
    assert_eq!(rotate.code(), ErrorCode::InvalidRequest, "{rotate:?}");
    let delete = keeper
        .delete(&wisp, &did, "prod", "prod", "prod ", true)
        .await
        .unwrap_err();
    assert_eq!(delete.code(), ErrorCode::InvalidRequest, "{delete:?}");

    // The server never saw either: not rotated, not deleted, the stored token still current.
    let listed = wisp.list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_rotated_at, None);
    assert_eq!(
        keeper.stored_token(&did, "prod").await.unwrap(),
        created.token
    );
    keeper.forget(&did, "prod").await.unwrap();
}

#[tokio::test]
async fn outcome_unknown_leaves_no_pending_token_claiming_success() {
    let stack = Stack::get().unwrap();
    let service = PrivateWisp::start(&stack, true, &[]).unwrap();
    let wisp = WispProvider::new(fresh_session(&stack).await, service.did.clone());
    let did = AccountRef::new(wispkey_wisp::PROVIDER_ID, wisp.transport().did());
    let vault = unique_service("unknown");
    let keeper = TokenKeeper::new(vault.clone());
    let created = keeper.create(&wisp, &did, "fragile").await.unwrap();
    assert!(created.stored());

    service
        .drop_connection_after_commit(wispkey_wisp::nsid::ROTATE)
        .await
        .unwrap();
    let error = keeper
        .rotate(&wisp, &did, "fragile", "fragile", "fragile", None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::OutcomeUnknown, "{error:?}");

    // The server did rotate; nothing in memory may pose as the current token.
    assert!(
        wisp.list().await.unwrap()[0].last_rotated_at.is_some(),
        "the fault commits before dropping"
    );
    let retry = keeper.retry_store(&did, "fragile").await.unwrap_err();
    assert_eq!(retry.code(), ErrorCode::IssuedTokenGone, "{retry:?}");
    // What is left is the keychain's copy from before, unchanged (never overwritten by a guess).
    assert_eq!(
        secret_tool_lookup(&vault, &token_item(&did, "fragile")),
        created.token.expose()
    );
    keeper.forget(&did, "fragile").await.unwrap();
}

#[tokio::test]
async fn two_accounts_store_same_named_secrets_apart() {
    let stack = Stack::get().unwrap();
    let (first, first_did) = provider(&stack).await;
    let (second, second_did) = provider(&stack).await;
    let vault = unique_service("accounts");
    let keeper = TokenKeeper::new(vault.clone());
    let one = keeper.create(&first, &first_did, "hook").await.unwrap();
    let two = keeper.create(&second, &second_did, "hook").await.unwrap();
    assert_eq!(
        keeper.stored_token(&first_did, "hook").await.unwrap(),
        one.token
    );
    assert_eq!(
        keeper.stored_token(&second_did, "hook").await.unwrap(),
        two.token
    );
    keeper.forget(&first_did, "hook").await.unwrap();
    assert!(keeper.stored_ids(&first_did).await.unwrap().is_empty());
    assert!(
        keeper
            .stored_ids(&second_did)
            .await
            .unwrap()
            .contains("hook")
    );
    keeper.forget(&second_did, "hook").await.unwrap();
}

#[tokio::test]
async fn a_locked_keychain_is_said_at_once_and_the_token_stays_retrievable() {
    let keyring = use_private_keyring();
    let stack = Stack::get().unwrap();
    let (wisp, did) = provider(&stack).await;
    let vault = unique_service("locked");
    let keeper = TokenKeeper::new(vault.clone());
    let created = keeper.create(&wisp, &did, "hook").await.unwrap();
    assert!(created.stored(), "{:?}", created.store_error);

    // What a screen lock or the keychain's own timeout does to the login collection.
    keyring.lock_default_collection().unwrap();
    let started = std::time::Instant::now();
    let rotated = keeper
        .rotate(&wisp, &did, "hook", "hook", "hook", None)
        .await
        .unwrap();
    let took = started.elapsed();
    println!(
        "rotate with a locked keychain answered in {took:?} (two keychain deadlines were 20 s)"
    );

    // Asked, not waited for: the keychain said it is locked, and the window offers Unlock.
    let store_error = rotated.store_error.as_ref().unwrap();
    assert!(
        matches!(store_error, Error::KeychainIsLocked),
        "{store_error:?}"
    );
    assert_eq!(store_error.code(), ErrorCode::KeychainLocked);
    assert!(store_error.to_string().contains("Unlock"), "{store_error}");
    // The token is still shown (it came back) and still retrievable for copy and retry.
    assert_ne!(rotated.token, created.token);
    assert_eq!(
        keeper.issued_token(&did, "hook").await.unwrap(),
        rotated.token
    );
    let retry = keeper.retry_store(&did, "hook").await.unwrap();
    assert!(matches!(retry.store_error, Some(Error::KeychainIsLocked)));
    assert_eq!(retry.token, rotated.token);
}

#[tokio::test]
async fn the_names_index_of_ten_thousand_secrets_stays_within_every_platforms_item_limit() {
    let _keyring = use_private_keyring();
    let stack = Stack::get().unwrap();
    let (wisp, did) = provider(&stack).await;
    let vault = unique_service("ten-thousand");
    let keeper = TokenKeeper::new(vault.clone());
    // 10,000 stored copies (their tokens are not needed for the index), written as the index
    // item the way an earlier Wispkey wrote it: one item.
    let names: Vec<String> = (0..10_000).map(|i| format!("secret-{i:05}")).collect();
    let index = serde_json::json!({ "version": 1, "names": names }).to_string();
    keyring::Entry::new(vault.service(), &index_item(&did))
        .unwrap()
        .set_password(&index)
        .unwrap();

    // One more token through the real path: the index is read, extended and written back.
    let started = std::time::Instant::now();
    let created = keeper.create(&wisp, &did, "one-more").await.unwrap();
    println!(
        "create with a 10,000-name index ({} bytes): stored in {:?}",
        index.len(),
        started.elapsed()
    );
    assert!(created.stored(), "{:?}", created.store_error);
    let stored = keeper.stored_ids(&did).await.unwrap();
    assert_eq!(stored.len(), 10_001);

    let connection =
        dbus_secret_service::SecretService::connect(dbus_secret_service::EncryptionType::Dh)
            .unwrap();
    let found = connection
        .search_items(std::collections::HashMap::from([(
            "service",
            vault.service(),
        )]))
        .unwrap();
    let values: Vec<String> = found
        .unlocked
        .iter()
        .map(|item| String::from_utf8(item.get_secret().unwrap()).unwrap())
        .collect();
    assert!(values.len() > 2, "the index is still one item");
    for value in &values {
        assert!(
            value.encode_utf16().count() * 2 <= 2560,
            "an item of {} UTF-16 bytes",
            value.encode_utf16().count() * 2
        );
    }
}
