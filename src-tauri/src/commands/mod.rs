//! Tauri commands, grouped by feature. Each is a few lines calling the core.

pub mod account;
pub mod clipboard;
pub mod keychain;
pub mod preferences;
pub mod secrets;
pub mod webhooks;
pub mod window;
