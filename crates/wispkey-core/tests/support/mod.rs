//! Shared by the core's integration tests. The real parts they start — private X displays and
//! private Secret Services — come from `wispkey-test-support`. What is left here points this
//! test process's own environment at a private part (nextest runs every test in its own process, so that affects no other test).
#![allow(dead_code, unsafe_code, clippy::unwrap_used, clippy::expect_used)]

use wispkey_test_support::{PrivateDisplay, PrivateKeyring};

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
