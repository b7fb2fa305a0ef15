//! Tokens stored by the first versions (`token:<did>:<name>` and `token-index:<did>`) keep
//! working after the upgrade: moved to today's item names, against a real gnome-keyring, with
//! items written exactly the old way.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use wispkey_core::tokens::TokenKeeper;
use wispkey_core::tokens::item::{index_item, token_item};
use wispkey_core::tokens::legacy::{legacy_index_item, legacy_token_item};
use wispkey_core::vault::Vault;
use wispkey_core::{AccountRef, SecretString};
use wispkey_test_support::unique_name;

const DID: &str = "did:plc:legacyaccount0000000000";

fn vault(label: &str) -> Vault {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run through scripts/desktop-session.sh"
    );
    Vault::new(unique_name(&format!(
        "place.wisp.wispkey.legacy-test.{label}"
    )))
}

fn account() -> AccountRef {
    AccountRef::new("wisp", DID)
}

/// What another keychain client sees (libsecret's secret-tool); empty when there is no item.
fn secret_tool_lookup(vault: &Vault, item: &str) -> String {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", vault.service(), "username", item])
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Writes items the way the first versions did: one per token, and the JSON index.
fn write_old_way(vault: &Vault, tokens: &[(&str, &str)]) {
    for (name, token) in tokens {
        vault
            .store(&legacy_token_item(DID, name), &SecretString::new(*token))
            .unwrap();
    }
    let names: Vec<&str> = tokens.iter().map(|(name, _)| *name).collect();
    let index = serde_json::json!({ "version": 1, "names": names }).to_string();
    vault
        .store(&legacy_index_item(DID), &SecretString::new(index))
        .unwrap();
}

#[tokio::test]
async fn old_items_move_to_the_new_names_and_the_old_ones_go() {
    let vault = vault("move");
    write_old_way(
        &vault,
        &[("deploy-hook", "wsk_old_one"), ("b.c", "wsk_old_two")],
    );
    assert_eq!(
        secret_tool_lookup(&vault, "token:did:plc:legacyaccount0000000000:deploy-hook"),
        "wsk_old_one",
        "the fixture is the old format, byte for byte"
    );
    let keeper = TokenKeeper::new(vault.clone());

    let moved = keeper.migrate_legacy(&account()).await.unwrap();

    assert_eq!(moved, 2);
    assert_eq!(
        secret_tool_lookup(&vault, &token_item(&account(), "deploy-hook")),
        "wsk_old_one"
    );
    assert_eq!(
        keeper
            .stored_token(&account(), "b.c")
            .await
            .unwrap()
            .expose(),
        "wsk_old_two"
    );
    let badges: Vec<String> = keeper
        .stored_ids(&account())
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(badges, ["b.c", "deploy-hook"]);
    for old in [
        legacy_token_item(DID, "deploy-hook"),
        legacy_token_item(DID, "b.c"),
        legacy_index_item(DID),
    ] {
        assert_eq!(secret_tool_lookup(&vault, &old), "", "{old} is still there");
    }
    assert!(!secret_tool_lookup(&vault, &index_item(&account())).is_empty());

    // Running it again (every start does) finds nothing to move and changes nothing.
    assert_eq!(keeper.migrate_legacy(&account()).await.unwrap(), 0);
    assert_eq!(
        keeper
            .stored_token(&account(), "deploy-hook")
            .await
            .unwrap()
            .expose(),
        "wsk_old_one"
    );
    keeper.forget(&account(), "deploy-hook").await.unwrap();
    keeper.forget(&account(), "b.c").await.unwrap();
}

#[tokio::test]
async fn a_newer_token_under_the_new_name_is_never_overwritten_by_an_old_one() {
    let vault = vault("newer");
    let keeper = TokenKeeper::new(vault.clone());
    // A move cut short: the new item was written (and since rotated), the old ones stayed.
    vault
        .store(
            &token_item(&account(), "hook"),
            &SecretString::new("wsk_rotated_since"),
        )
        .unwrap();
    write_old_way(&vault, &[("hook", "wsk_dead_before_rotate")]);

    let moved = keeper.migrate_legacy(&account()).await.unwrap();

    assert_eq!(moved, 0);
    assert_eq!(
        keeper
            .stored_token(&account(), "hook")
            .await
            .unwrap()
            .expose(),
        "wsk_rotated_since"
    );
    assert!(
        keeper
            .stored_ids(&account())
            .await
            .unwrap()
            .contains("hook")
    );
    assert_eq!(
        secret_tool_lookup(&vault, &legacy_token_item(DID, "hook")),
        ""
    );
    keeper.forget(&account(), "hook").await.unwrap();
}

#[tokio::test]
async fn an_account_without_old_items_costs_one_read_and_moves_nothing() {
    let vault = vault("none");
    let keeper = TokenKeeper::new(vault.clone());
    assert_eq!(keeper.migrate_legacy(&account()).await.unwrap(), 0);
    assert!(keeper.stored_ids(&account()).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_old_index_naming_a_token_that_is_gone_moves_the_rest() {
    let vault = vault("gone");
    write_old_way(&vault, &[("kept", "wsk_kept"), ("vanished", "wsk_x")]);
    vault.delete(&legacy_token_item(DID, "vanished")).unwrap();
    let keeper = TokenKeeper::new(vault.clone());

    assert_eq!(keeper.migrate_legacy(&account()).await.unwrap(), 1);

    let badges: Vec<String> = keeper
        .stored_ids(&account())
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(badges, ["kept"], "no badge for a token that is not there");
    keeper.forget(&account(), "kept").await.unwrap();
}
