//! Which keychain item the vault finds under a name: the keyring crate's own (with its `target`
//! attribute) or one another client wrote without it, and what happens when both are there. A
//! lookup asks once without the target and decides with a second search only when that answer
//! is not one item; these pin down that the answer is the same either way. Against the real
//! Secret Service of `scripts/desktop-session.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use wispkey_core::vault::Vault;
use wispkey_core::{Error, SecretString};
use wispkey_test_support::unique_name as unique;

fn test_vault() -> Vault {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run the tests through scripts/test.sh (scripts/desktop-session.sh)"
    );
    Vault::new(unique("place.wisp.wispkey.tests.lookup"))
}

/// Adds an item straight through the Secret Service, never replacing one (secret-tool and the
/// keyring crate both update an item that already answers to the name): with the keyring
/// crate's attributes (`target` among them), or as another client would, without `target`.
fn add_item(vault: &Vault, item: &str, value: &str, with_target: bool) {
    use dbus_secret_service::{EncryptionType, SecretService};
    let connection = SecretService::connect(EncryptionType::Dh).unwrap();
    let mut attributes =
        std::collections::HashMap::from([("service", vault.service()), ("username", item)]);
    if with_target {
        attributes.insert("target", "default");
    }
    connection
        .get_default_collection()
        .unwrap()
        .create_item(
            "written elsewhere",
            attributes,
            value.as_bytes(),
            false,
            "text/plain",
        )
        .unwrap();
}

/// How many items answer to `item` under the vault's service, whoever wrote them.
fn items_named(vault: &Vault, item: &str) -> usize {
    use dbus_secret_service::{EncryptionType, SecretService};
    let connection = SecretService::connect(EncryptionType::Dh).unwrap();
    let found = connection
        .search_items(std::collections::HashMap::from([
            ("service", vault.service()),
            ("username", item),
        ]))
        .unwrap();
    found.unlocked.len() + found.locked.len()
}

#[test]
fn an_item_another_client_wrote_without_the_target_is_read_and_replaced_in_place() {
    let vault = test_vault();
    let item = unique("elsewhere");
    add_item(&vault, &item, "written-elsewhere", false);

    assert_eq!(vault.read(&item).unwrap().expose(), "written-elsewhere");
    vault
        .store(&item, &SecretString::new("written-by-the-vault"))
        .unwrap();
    assert_eq!(vault.read(&item).unwrap().expose(), "written-by-the-vault");
    assert_eq!(
        items_named(&vault, &item),
        1,
        "the vault added a second item"
    );

    vault.delete(&item).unwrap();
    assert_eq!(items_named(&vault, &item), 0);
}

#[test]
fn with_an_item_written_each_way_under_one_name_the_keyring_crates_one_is_read() {
    let vault = test_vault();
    let item = unique("both");
    add_item(&vault, &item, "without-target", false);
    add_item(&vault, &item, "with-target", true);
    assert_eq!(items_named(&vault, &item), 2);

    assert_eq!(vault.read(&item).unwrap().expose(), "with-target");

    vault.delete(&item).unwrap();
    assert_eq!(vault.read(&item).unwrap().expose(), "without-target");
    vault.delete(&item).unwrap();
    assert!(matches!(vault.read(&item), Err(Error::KeychainNotFound)));
}

#[test]
fn two_items_written_elsewhere_under_one_name_are_an_error_never_a_guess() {
    let vault = test_vault();
    let item = unique("twice");
    add_item(&vault, &item, "first", false);
    add_item(&vault, &item, "second", false);
    assert_eq!(items_named(&vault, &item), 2);

    let error = vault.read(&item).unwrap_err();
    assert!(matches!(error, Error::KeychainFailed { .. }), "{error:?}");

    // Clears every item answering to the name.
    let cleared = Command::new("secret-tool")
        .args(["clear", "service", vault.service(), "username", &item])
        .status()
        .unwrap();
    assert!(cleared.success());
    assert_eq!(items_named(&vault, &item), 0);
}

#[test]
fn a_name_nothing_answers_to_is_not_found() {
    let vault = test_vault();
    assert!(matches!(
        vault.read(&unique("absent")),
        Err(Error::KeychainNotFound)
    ));
    assert!(!vault.contains(&unique("absent")).unwrap());
}

/// The names of every item under the vault's service, straight from the Secret Service.
fn item_names(vault: &Vault) -> Vec<String> {
    use dbus_secret_service::{EncryptionType, SecretService};
    let connection = SecretService::connect(EncryptionType::Dh).unwrap();
    let found = connection
        .search_items(std::collections::HashMap::from([(
            "service",
            vault.service(),
        )]))
        .unwrap();
    found
        .unlocked
        .iter()
        .map(|item| item.get_attributes().unwrap()["username"].clone())
        .collect()
}

#[test]
fn a_value_in_parts_reads_the_vaults_own_part_when_another_client_added_one_of_the_same_name() {
    let vault = test_vault();
    // Over one item's limit: kept as a header and parts, read back in one go.
    let value = SecretString::new("v".repeat(3000));
    vault.store("big", &value).unwrap();
    let part = item_names(&vault)
        .into_iter()
        .find(|name| name.contains("#part-"))
        .unwrap();
    add_item(&vault, &part, "not the vault's", false);
    assert_eq!(items_named(&vault, &part), 2);

    assert_eq!(vault.read("big").unwrap(), value);
    vault.delete("big").unwrap();
}
