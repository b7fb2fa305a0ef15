//! Wispkey's core: the provider-neutral token lifecycle, testable without a webview and
//! without naming any provider.
//!
//! - [`vault`]: the OS keychain, the only place a token is kept.
//! - [`secret`]: the type every token, key and session lives in while in memory.
//! - [`account`], [`operation`]: who (provider + account id) and what (list/create/rotate/delete).
//! - [`provider`]: the seam every provider implements, and the descriptor it publishes.
//! - [`tokens`]: persist-before-show for issued tokens, stored copies, the badges' index.
//! - [`browser`]: how a sign-in page is opened (the system browser, or a program tests name).
//! - [`clipboard`]: copy with history exclusion, auto-clear only what is still ours.
//! - [`process_lock`]: one holder at a time across the window and the CLI (single-use credentials).
//! - [`test_hooks`]: what only a build for tests reads (absent from the shipped build).
//! - [`journal`]: notes of requests in flight, so one cut short by the process ending is told.
//! - [`net`]: the rules every HTTP client follows (https only, bounded answers, request log).
//! - [`staged`]: staged rotation (new secret beside the old, switch webhooks, then delete).
//! - [`preferences`]: clipboard clear delay and age warning, saved by the app.
//! - [`reminders`]: maximum ages per secret, overdue secrets, the snoozable start-up reminder.
//! - [`history`]: the local, hash-chained log of what was done (never a value).
//! - [`signature`]: the delivery-signature schemes and the tester that diagnoses a delivery.
//! - [`error`]: the one error type, with stable codes that cross IPC.

pub mod account;
pub mod browser;
pub mod clipboard;
pub mod error;
pub mod history;
pub mod journal;
pub mod net;
pub mod operation;
pub mod preferences;
pub mod process_lock;
pub mod provider;
pub mod reminders;
pub mod secret;
pub mod signature;
pub mod staged;
pub mod test_hooks;
pub mod tokens;
pub mod vault;

pub use account::{AccountRef, AccountView};
pub use error::{Error, ErrorCode, Result};
pub use operation::Operation;
pub use secret::SecretString;
