//! Reads asked for ahead of time (`Vault::read_ahead`): the reads that follow at once take
//! their answers, once, and a write of this process in between always wins. Against the real
//! Secret Service of `scripts/desktop-session.sh`; "another client" writes through the keyring
//! crate on a connection of its own.

#![allow(clippy::unwrap_used)]

use wispkey_core::vault::Vault;
use wispkey_core::{Error, SecretString};
use wispkey_test_support::unique_name as unique;

fn test_vault() -> Vault {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run the tests through scripts/test.sh (scripts/desktop-session.sh)"
    );
    Vault::new(unique("place.wisp.wispkey.tests.ahead"))
}

fn written_by_another_client(vault: &Vault, item: &str, value: &str) {
    keyring::Entry::new(vault.service(), item)
        .unwrap()
        .set_password(value)
        .unwrap();
}

/// The keychain thread runs calls in order: once a later read is answered, the read-ahead
/// queued before it is done.
fn wait_for_the_read_ahead(vault: &Vault) {
    let _ = vault.read("an item nobody wrote");
}

#[test]
fn a_read_right_after_a_read_ahead_takes_its_answer_once() {
    let vault = test_vault();
    vault
        .store("list", &SecretString::new("read ahead"))
        .unwrap();
    vault.read_ahead(&["list", "missing"]);
    wait_for_the_read_ahead(&vault);

    // Changed elsewhere after the read-ahead: the next read has the answer read ahead (the
    // same value a read made at that moment would have had), the one after asks again.
    written_by_another_client(&vault, "list", "changed since");
    written_by_another_client(&vault, "missing", "there now");
    assert_eq!(vault.read("list").unwrap().expose(), "read ahead");
    assert!(matches!(
        vault.read("missing"),
        Err(Error::KeychainNotFound)
    ));
    assert_eq!(vault.read("list").unwrap().expose(), "changed since");
    assert_eq!(vault.read("missing").unwrap().expose(), "there now");

    vault.delete("list").unwrap();
    vault.delete("missing").unwrap();
}

#[test]
fn a_write_after_a_read_ahead_is_what_the_next_read_sees() {
    let vault = test_vault();
    vault.store("list", &SecretString::new("before")).unwrap();
    vault.read_ahead(&["list", "other"]);
    wait_for_the_read_ahead(&vault);

    vault.store("list", &SecretString::new("after")).unwrap();
    assert_eq!(vault.read("list").unwrap().expose(), "after");
    // Any write under the service drops the answers kept for it, not just the item's own.
    vault.store("other", &SecretString::new("written")).unwrap();
    assert_eq!(vault.read("other").unwrap().expose(), "written");

    vault.delete("list").unwrap();
    assert!(matches!(vault.read("list"), Err(Error::KeychainNotFound)));
    vault.delete("other").unwrap();
}

#[test]
fn a_value_in_parts_is_read_ahead_whole() {
    let vault = test_vault();
    let long = SecretString::new("p".repeat(4000));
    vault.store("long", &long).unwrap();
    vault.read_ahead(&["long"]);
    wait_for_the_read_ahead(&vault);
    written_by_another_client(&vault, "long", "short now");

    assert_eq!(vault.read("long").unwrap(), long);
    assert_eq!(vault.read("long").unwrap().expose(), "short now");
    vault.delete("long").unwrap();
}
