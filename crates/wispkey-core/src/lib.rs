//! Wispkey's core: everything that is not UI glue, testable without a webview.
//!
//! - [`vault`]: the OS keychain, the only place a token is kept.
//! - [`secret`]: the type every token, key and session lives in while in memory.
//! - [`transport`]: how providers reach a server as the signed-in account.
//! - [`oauth`]: AT Protocol OAuth sign-in; its sessions implement [`transport::XrpcTransport`].
//! - [`provider`]: the services whose signing secrets Wispkey manages (wisp.place first).
//! - [`signature`]: checks a webhook delivery's `X-Webhook-Signature` against a token.
//! - [`clipboard`]: copy with history exclusion, auto-clear only what is still ours.
//! - [`tokens`]: persist-before-show for issued tokens, stored copies, the badges' index.
//! - [`preferences`]: clipboard clear delay and age warning, saved by the app.
//! - [`settings`]: network settings (PLC, handle resolution, wisp service DID).
//! - [`error`]: the one error type, with stable codes that cross IPC.

pub mod clipboard;
pub mod error;
pub mod oauth;
pub mod preferences;
pub mod provider;
pub mod secret;
pub mod settings;
pub mod signature;
pub mod tokens;
pub mod transport;
pub mod vault;

pub use error::{Error, ErrorCode};
pub use secret::SecretString;
