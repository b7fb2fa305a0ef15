//! Wispkey's core: everything that is not UI glue, testable without a webview.
//!
//! - [`vault`]: the OS keychain, the only place a token is kept.
//! - [`secret`]: the type every token, key and session lives in while in memory.
//! - [`transport`]: how providers reach a server as the signed-in account.
//! - [`error`]: the one error type, with stable codes that cross IPC.

pub mod error;
pub mod secret;
pub mod transport;
pub mod vault;

pub use error::{Error, ErrorCode};
pub use secret::SecretString;
