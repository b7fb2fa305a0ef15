//! A read may skip asking whether the collection is locked when it was answered "not locked" a
//! moment ago; a write never does. Against a private gnome-keyring whose default collection the
//! tests lock the way a screen lock does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::use_private_keyring;
use wispkey_core::vault::Vault;
use wispkey_core::{Error, SecretString};
use wispkey_test_support::unique_name;

fn vault() -> Vault {
    Vault::new(unique_name("place.wisp.wispkey.tests.locked"))
}

#[test]
fn a_read_just_after_the_collection_locked_says_locked_not_missing() {
    let keyring = use_private_keyring();
    let vault = vault();
    vault
        .store("token", &SecretString::new("wsk_behind_the_lock"))
        .unwrap();
    // Answered "not locked" just now, so the next read does not ask again.
    vault.read("token").unwrap();

    keyring.lock_default_collection().unwrap();
    let read = vault.read("token").unwrap_err();
    assert!(matches!(read, Error::KeychainIsLocked), "{read:?}");
}

#[test]
fn a_write_just_after_a_read_still_asks_and_says_locked_at_once() {
    let keyring = use_private_keyring();
    let vault = vault();
    vault
        .store("token", &SecretString::new("wsk_before_the_lock"))
        .unwrap();
    vault.read("token").unwrap();

    keyring.lock_default_collection().unwrap();
    let write = vault
        .store("token", &SecretString::new("wsk_after_the_lock"))
        .unwrap_err();
    // Asked first: an unasked write would raise an unlock prompt nobody answers and end as
    // `KeychainLocked` ("no answer within 10000 ms") only at the keychain deadline.
    assert!(matches!(write, Error::KeychainIsLocked), "{write:?}");
}
