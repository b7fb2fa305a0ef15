//! The vault against a real Secret Service (gnome-keyring in a private D-Bus session, started by
//! `scripts/desktop-session.sh`). Never the keyring crate's mock store.

#![allow(clippy::unwrap_used)]

use std::process::Command;

use wispkey_core::vault::Vault;
use wispkey_core::{Error, SecretString};
use wispkey_test_support::unique_name as unique;

fn test_vault() -> Vault {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run the tests through scripts/test.sh (scripts/desktop-session.sh)"
    );
    Vault::new("place.wisp.wispkey.tests")
}

#[test]
fn stores_reads_back_and_deletes_outside_a_runtime() {
    let vault = test_vault();
    let account = unique("sync");
    let token = SecretString::new("wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX");

    vault.store(&account, &token).unwrap();
    assert_eq!(vault.read(&account).unwrap(), token);
    assert!(vault.contains(&account).unwrap());

    vault.delete(&account).unwrap();
    assert!(matches!(vault.read(&account), Err(Error::KeychainNotFound)));
    assert!(!vault.contains(&account).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_reads_back_and_deletes_inside_a_multi_thread_runtime() {
    let vault = test_vault();
    let account = unique("async-mt");
    let token = SecretString::new("a caller-supplied token with spaces? no: !\"#$%&'()*+,-./0123");

    vault.store_async(&account, &token).await.unwrap();
    assert_eq!(vault.read_async(&account).await.unwrap(), token);
    vault.delete_async(&account).await.unwrap();
    assert!(!vault.contains_async(&account).await.unwrap());
}

#[tokio::test(flavor = "current_thread")]
async fn blocking_api_works_inside_a_current_thread_runtime() {
    // Calling the blocking API from async code must not deadlock the only runtime thread.
    let vault = test_vault();
    let account = unique("async-ct");
    let token = SecretString::new("wsk_current_thread_runtime_token_000000");
    vault.store(&account, &token).unwrap();
    assert_eq!(vault.read_async(&account).await.unwrap(), token);
    vault.delete(&account).unwrap();
}

#[test]
fn stored_items_are_in_the_real_secret_service() {
    // Read back through a different client (libsecret's secret-tool): proves the value reached
    // gnome-keyring rather than an in-process store.
    let vault = test_vault();
    let account = unique("visible");
    let token = SecretString::new("wsk_visible_to_secret_tool_0000000000");
    vault.store(&account, &token).unwrap();

    let output = Command::new("secret-tool")
        .args(["lookup", "service", vault.service(), "username", &account])
        .output()
        .unwrap();
    assert!(output.status.success(), "secret-tool lookup failed");
    assert_eq!(String::from_utf8_lossy(&output.stdout), token.expose());

    vault.delete(&account).unwrap();
    let after = Command::new("secret-tool")
        .args(["lookup", "service", vault.service(), "username", &account])
        .output()
        .unwrap();
    assert!(after.stdout.is_empty(), "the item is still in the keychain");
}

#[test]
fn storing_again_replaces_the_previous_value() {
    let vault = test_vault();
    let account = unique("replace");
    vault
        .store(&account, &SecretString::new("old-value"))
        .unwrap();
    vault
        .store(&account, &SecretString::new("new-value"))
        .unwrap();
    assert_eq!(vault.read(&account).unwrap().expose(), "new-value");
    vault.delete(&account).unwrap();
}

#[test]
fn deleting_what_is_not_there_is_not_found() {
    let vault = test_vault();
    let error = vault.delete(&unique("absent")).unwrap_err();
    assert!(matches!(error, Error::KeychainNotFound), "{error:?}");
    assert_eq!(error.code().as_str(), "keychain_not_found");
}

#[test]
fn accounts_do_not_see_each_others_items() {
    let vault = test_vault();
    let (first, second) = (unique("first"), unique("second"));
    vault
        .store(&first, &SecretString::new("first-token"))
        .unwrap();
    assert!(matches!(vault.read(&second), Err(Error::KeychainNotFound)));
    vault.delete(&first).unwrap();
}
