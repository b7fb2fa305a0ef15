//! Shared by the wisp provider's integration tests (and the app layer's, which include this
//! file by path). The real parts they start — the local stack from
//! `scripts/desktop-session.sh` and fresh accounts on it, private wisp-service instances,
//! private X displays and private Secret Services — come from `wispkey-test-support`. What is
//! left here either needs wispkey types, or points this test process's own environment at
//! a private part (nextest runs every test in its own process, so that affects no other test).
#![allow(dead_code, unsafe_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use wispkey_atproto::xrpc::password::PasswordSession;
use wispkey_core::SecretString;
use wispkey_test_support::{PrivateDisplay, PrivateKeyring, Stack};

pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A brand-new account's handle and password, so tests never see each other's secrets.
pub async fn fresh_login(stack: &Stack) -> (String, SecretString) {
    let account = stack.fresh_account("t").await.unwrap();
    (account.handle, SecretString::new(account.password))
}

/// A password session of a brand-new account.
pub async fn fresh_session(stack: &Stack) -> PasswordSession {
    let (handle, password) = fresh_login(stack).await;
    PasswordSession::sign_in(&stack.pds_url().unwrap(), &handle, &password, TIMEOUT)
        .await
        .unwrap()
}

/// A private X display (640x480) that this process's clipboard (`DISPLAY`) now uses.
pub fn use_private_display() -> PrivateDisplay {
    let display = PrivateDisplay::start("640x480x24").unwrap();
    // SAFETY: set before this test creates a clipboard or starts other threads.
    unsafe { std::env::set_var("DISPLAY", display.name()) };
    display
}

/// A private Secret Service (with gnome-keyring running) that this process's keychain calls
/// now use.
pub fn use_private_keyring() -> PrivateKeyring {
    let keyring = PrivateKeyring::start().unwrap();
    use_bus(keyring.address());
    keyring
}

/// Points this process's keychain calls (`DBUS_SESSION_BUS_ADDRESS`) at `address`.
pub fn use_bus(address: &str) {
    // SAFETY: set before this test starts any thread that reads the environment.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", address) };
}
