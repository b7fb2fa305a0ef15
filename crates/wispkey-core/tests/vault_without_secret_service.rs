//! The vault when no Secret Service can be reached: a clear "keychain missing", never a panic.
//! Each case points this test process at a D-Bus that lacks a keychain; nextest runs every test
//! in its own process, so changing the environment here affects nothing else.
#![allow(clippy::unwrap_used)]

mod support;

use support::use_bus;
use wispkey_core::vault::Vault;
use wispkey_core::{ErrorCode, SecretString};
use wispkey_test_support::PrivateKeyring;

const MISSING_MESSAGE: &str = "No keychain is available. Install and start a Secret Service \
                               provider (GNOME Keyring or KWallet), then try again.";

fn assert_keychain_missing(vault: &Vault) {
    let token = SecretString::new("wsk_never_stored_anywhere_00000000000");
    for result in [
        vault.store("missing-keychain", &token).map(|_| ()),
        vault.read("missing-keychain").map(|_| ()),
        vault.delete("missing-keychain"),
    ] {
        let error = result.unwrap_err();
        assert_eq!(error.code(), ErrorCode::KeychainMissing, "{error:?}");
        assert_eq!(error.to_string(), MISSING_MESSAGE);
    }
}

#[test]
fn no_session_bus_reports_keychain_missing() {
    use_bus("unix:path=/nonexistent/wispkey-no-bus");
    assert_keychain_missing(&Vault::new("place.wisp.wispkey.tests"));
}

#[test]
fn a_bus_without_a_keychain_reports_keychain_missing() {
    // A D-Bus daemon with no service files: the bus answers, but nothing provides
    // org.freedesktop.secrets and nothing can be auto-started.
    let bus = PrivateKeyring::without_keyring().unwrap();
    use_bus(bus.address());
    assert_keychain_missing(&Vault::new("place.wisp.wispkey.tests"));
}
