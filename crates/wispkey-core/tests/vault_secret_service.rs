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

/// Every item under `service` as (item name, value), straight from the Secret Service (not
/// through the vault).
fn all_items(service: &str) -> Vec<(String, String)> {
    use dbus_secret_service::{EncryptionType, SecretService};
    let connection = SecretService::connect(EncryptionType::Dh).unwrap();
    let found = connection
        .search_items(std::collections::HashMap::from([("service", service)]))
        .unwrap();
    assert!(found.locked.is_empty());
    found
        .unlocked
        .iter()
        .map(|item| {
            let name = item.get_attributes().unwrap()["username"].clone();
            (name, String::from_utf8(item.get_secret().unwrap()).unwrap())
        })
        .collect()
}

/// Writes `value` as one item the way earlier versions did (the keyring crate, no size check).
fn write_one_item(service: &str, item: &str, value: &str) {
    keyring::Entry::new(service, item)
        .unwrap()
        .set_password(value)
        .unwrap();
}

/// What Windows would count: the value as UTF-16, in bytes.
fn windows_bytes(value: &str) -> usize {
    value.encode_utf16().count() * 2
}

/// The names index of 10,000 secrets, as the token index writes it.
fn ten_thousand_names() -> SecretString {
    let names: Vec<String> = (0..10_000).map(|i| format!("secret-{i:05}")).collect();
    SecretString::new(serde_json::json!({ "version": 1, "names": names }).to_string())
}

#[test]
fn ten_thousand_names_are_kept_in_items_that_fit_every_platform() {
    let vault = Vault::new(unique("place.wisp.wispkey.tests.parts"));
    let index = ten_thousand_names();
    let started = std::time::Instant::now();
    vault.store("index", &index).unwrap();
    let stored_in = started.elapsed();
    let started = std::time::Instant::now();
    assert_eq!(vault.read("index").unwrap(), index);
    println!(
        "{} bytes of names: stored in {stored_in:?}, read in {:?}",
        index.len(),
        started.elapsed()
    );

    let items = all_items(vault.service());
    assert!(items.len() > 2, "kept as one item: {}", items.len());
    for (name, value) in &items {
        assert!(
            windows_bytes(value) <= 2560,
            "{name} holds {} bytes of UTF-16",
            windows_bytes(value)
        );
    }

    // Writing again replaces the parts (none left over), and deleting removes them all.
    vault
        .store("index", &SecretString::new("small now"))
        .unwrap();
    assert_eq!(all_items(vault.service()).len(), 1);
    vault.store("index", &index).unwrap();
    vault.delete("index").unwrap();
    assert!(all_items(vault.service()).is_empty());
    assert!(matches!(vault.read("index"), Err(Error::KeychainNotFound)));
}

#[test]
fn a_long_session_record_fits_every_platform_and_reads_back() {
    // An OAuth session with long tokens and a DPoP key: well over one item's 2,560 bytes.
    let vault = Vault::new(unique("place.wisp.wispkey.tests.session"));
    let session = SecretString::new(
        serde_json::json!({
            "version": 1,
            "accessToken": "eyJ".to_owned() + &"a".repeat(6000),
            "refreshToken": "ref-".to_owned() + &"r".repeat(1500),
            "dpopKey": { "kty": "EC", "crv": "P-256", "d": "é".repeat(400) },
            "scope": "atproto transition:generic",
        })
        .to_string(),
    );
    vault.store("session:did:plc:long", &session).unwrap();
    assert_eq!(vault.read("session:did:plc:long").unwrap(), session);
    for (name, value) in all_items(vault.service()) {
        assert!(windows_bytes(&value) <= 2560, "{name}");
    }
    vault.delete("session:did:plc:long").unwrap();
}

#[test]
fn a_large_value_written_as_one_item_by_an_earlier_version_still_reads_and_moves_to_parts() {
    let vault = Vault::new(unique("place.wisp.wispkey.tests.legacy"));
    let index = ten_thousand_names();
    write_one_item(vault.service(), "index", index.expose());
    assert_eq!(all_items(vault.service()).len(), 1);

    assert_eq!(vault.read("index").unwrap(), index);
    let items = all_items(vault.service());
    assert!(items.len() > 2, "not moved to parts");
    assert!(items.iter().all(|(_, value)| windows_bytes(value) <= 2560));
    assert_eq!(vault.read("index").unwrap(), index);
    vault.delete("index").unwrap();
}

#[test]
fn parts_changed_behind_our_back_read_as_an_error_never_as_a_wrong_value() {
    let vault = Vault::new(unique("place.wisp.wispkey.tests.damaged"));
    vault.store("index", &ten_thousand_names()).unwrap();
    let (part, _) = all_items(vault.service())
        .into_iter()
        .find(|(name, _)| name.contains("#part-"))
        .unwrap();
    write_one_item(vault.service(), &part, "changed");
    assert!(matches!(
        vault.read("index"),
        Err(Error::KeychainFailed { .. })
    ));
    vault.delete("index").unwrap();
}

#[test]
fn a_part_deleted_behind_our_back_reads_as_an_error_that_says_which() {
    let vault = Vault::new(unique("place.wisp.wispkey.tests.missing-part"));
    vault.store("index", &ten_thousand_names()).unwrap();
    let part = format!(
        "{}-1",
        all_items(vault.service())
            .into_iter()
            .find_map(|(name, _)| name.strip_suffix("-0").map(str::to_owned))
            .unwrap()
    );
    keyring::Entry::new(vault.service(), &part)
        .unwrap()
        .delete_credential()
        .unwrap();
    match vault.read("index") {
        Err(Error::KeychainFailed { detail }) => {
            assert_eq!(detail, "part 1 of a keychain item is missing")
        }
        other => panic!("{other:?}"),
    }
    vault.delete("index").unwrap();
}
