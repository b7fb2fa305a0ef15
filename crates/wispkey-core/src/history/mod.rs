//! The local history: an append-only log of what Wispkey did (account, provider, secret id,
//! operation, outcome, time) — never a secret value. Tamper-evident: each entry carries the
//! SHA-256 of the previous entry's hash and its own canonical form, so editing, deleting or
//! reordering a line breaks the chain at that line ([`verify`]); a head file remembers the
//! last link, so cutting lines off the end is noticed too.
//!
//! - [`entry`]: what one line holds, and how it is hashed.
//! - [`file`]: [`History`], the file shared by the window and the CLI (appends under a file lock).
//! - [`export`]: filters and CSV.

pub mod entry;
pub mod export;
pub mod file;

pub use entry::{HistoryEntry, HistoryOperation, HistoryOutcome, NewEntry};
pub use export::{HistoryFilter, to_csv};
pub use file::{BrokenLink, ChainCheck, FILE_NAME, HEAD_FILE_NAME, History, verify};
