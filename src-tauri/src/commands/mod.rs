//! Tauri commands, grouped by feature. Each is a few lines calling `wispkey_app::App`.
//!
//! This folder is the one list of commands: `build.rs` reads every `#[tauri::command]` here to
//! generate their permissions and the invoke handler, and the bindings test reads the same
//! signatures to generate their TypeScript (see `command_list.rs`).

pub mod account;
pub mod clipboard;
pub mod network;
pub mod preferences;
pub mod requests;
pub mod secrets;
pub mod staged;
pub mod tools;
pub mod window;
