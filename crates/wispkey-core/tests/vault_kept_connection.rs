//! The vault keeps one Secret Service connection (and its encrypted session) for the process's
//! life, and opens a new one when the daemon behind it restarts. Against a private D-Bus daemon
//! with a real gnome-keyring on it, which the tests stop and start again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;

use support::use_private_keyring;
use wispkey_core::vault::Vault;
use wispkey_core::{Error, ErrorCode, SecretString};
use wispkey_test_support::{PrivateKeyring, unique_name};

fn vault() -> Vault {
    Vault::new(unique_name("place.wisp.wispkey.tests.kept"))
}

/// How many connections the bus has ever accepted: the number in the newest unique name
/// (`:1.N`), which is the probe's own connection.
fn connections_so_far(keyring: &PrivateKeyring) -> u64 {
    let output = Command::new("dbus-send")
        .arg(format!("--bus={}", keyring.address()))
        .args([
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.ListNames",
        ])
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout)
        .split('"')
        .filter_map(|name| name.strip_prefix(":1."))
        .filter_map(|number| number.parse::<u64>().ok())
        .max()
        .expect("the bus lists no unique names")
}

#[test]
fn twenty_vault_calls_open_no_new_connection() {
    let keyring = use_private_keyring();
    let vault = vault();
    vault
        .store("first", &SecretString::new("opens the connection"))
        .unwrap();

    let before = connections_so_far(&keyring);
    for round in 0..10 {
        let value = SecretString::new(format!("wsk_round_{round}"));
        vault.store("token", &value).unwrap();
        assert_eq!(vault.read("token").unwrap(), value);
    }
    let after = connections_so_far(&keyring);

    // The only connection in between is the second probe's own.
    assert_eq!(
        after - before,
        1,
        "the vault opened {} connections",
        after - before - 1
    );
    vault.delete("token").unwrap();
    vault.delete("first").unwrap();
}

#[test]
fn the_vault_reconnects_after_the_keyring_daemon_restarts() {
    let mut keyring = use_private_keyring();
    let vault = vault();
    let token = SecretString::new("wsk_survives_a_restart");
    vault.store("token", &token).unwrap();

    // The kept connection's session died with the daemon; the next call opens a new one.
    keyring.stop_keyring().unwrap();
    keyring.start_keyring().unwrap();
    assert_eq!(vault.read("token").unwrap(), token);
    let newer = SecretString::new("wsk_written_after_the_restart");
    vault.store("token", &newer).unwrap();
    assert_eq!(vault.read("token").unwrap(), newer);
    vault.delete("token").unwrap();
}

#[test]
fn while_the_keyring_is_down_calls_say_so_and_work_again_once_it_is_back() {
    let mut keyring = use_private_keyring();
    let vault = vault();
    let token = SecretString::new("wsk_kept_while_down");
    vault.store("token", &token).unwrap();

    keyring.stop_keyring().unwrap();
    let down = vault.read("token").unwrap_err();
    assert_eq!(down.code(), ErrorCode::KeychainMissing, "{down:?}");
    let write = vault.store("other", &token).unwrap_err();
    assert_eq!(write.code(), ErrorCode::KeychainMissing, "{write:?}");

    keyring.start_keyring().unwrap();
    assert_eq!(vault.read("token").unwrap(), token);
    assert!(matches!(vault.read("other"), Err(Error::KeychainNotFound)));
    vault.delete("token").unwrap();
}
