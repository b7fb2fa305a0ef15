//! Wispkey's app layer: the functions the desktop window's commands and the `wispkey` CLI's
//! verbs both call, so neither does more than forward. It loads the settings, builds the
//! registry of providers, and keeps what a running process holds (opened provider APIs, the
//! last listed names, the sign-in in progress, the clipboard, the preferences).
//!
//! - [`app`]: [`App`], one per process.
//! - [`logging`]: the log folder the window and the CLI share (request lines, error codes).
//! - [`registry`]: the providers chosen at run time by an account's provider id.
//! - [`staged`]: staged rotation (new secret, deploy, test, switch webhooks, delete old).
//! - [`views`]: what crosses to the window and to `--json` (rows, issued tokens, errors).
//! - [`tools`]: after the rotate — the signature tester, the receiver test, the history.
//! - [`receiver`]: one signed, clearly marked test delivery to a URL the user confirmed.
//! - [`settings`]: network settings (PLC, handle resolution, wisp service DID).

pub mod app;
mod early;
pub mod logging;
pub mod receiver;
pub mod registry;
mod rotation_time;
pub mod settings;
pub mod staged;
pub mod tools;
pub mod views;

pub use app::{App, default_config_dir};
pub use early::EarlyStart;
pub use registry::Registry;
pub use views::IpcError;
