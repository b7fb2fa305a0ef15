//! Linux: the app's own few calls on the D-Bus session bus, through libdbus (the `dbus` crate,
//! which the keychain's Secret Service client already links). Each keeps a private connection on
//! a thread of its own, so nothing here blocks the window or the async runtime.

pub mod notifications;
pub mod single_instance;
