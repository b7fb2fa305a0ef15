//! Real parts for tests, shared by the core's integration tests and the end-to-end harness:
//! the local stack started by `scripts/desktop-session.sh` (PLC + reference PDS + wisp service)
//! and fresh accounts on it, private wisp-service, phala-service and slate-service instances a test may break, a private X
//! display, a private Secret Service a test may stop, and a webhook receiver that checks signatures. Every process started here is stopped
//! by PID when its guard is dropped.
//!
//! Nothing here mocks anything: each piece is the real program, started for one test.

mod display;
mod keyring;
mod phala;
mod receiver;
mod rotating_receiver;
mod slate;
mod stack;
mod wisp;

pub use display::PrivateDisplay;
pub use keyring::PrivateKeyring;
pub use phala::{PhalaControl, PhalaWorkspace, PrivatePhala};
pub use receiver::{Received, Receiver, ReceiverScheme};
pub use rotating_receiver::{Delivery, RotatingReceiver};
pub use slate::{PrivateSlate, SlateControl, SlateDemo, SlateUser};
pub use stack::{Stack, TestAccount};
pub use wisp::PrivateWisp;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T = ()> = std::result::Result<T, Error>;

/// A name no other test (or earlier run) uses: `prefix`, this process's id and the time.
pub fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

/// Scratch folders live in the desktop session's private folder when there is one, so a run
/// leaves nothing behind in /tmp. Each call makes a new folder whose name starts with `prefix`;
/// the caller removes it (or leaves it to the session's cleanup).
pub fn scratch_dir(prefix: &str) -> Result<std::path::PathBuf> {
    let base = std::env::var_os("WISPKEY_SESSION_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(unique_name(prefix));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The string `key` of a JSON object, or an error naming `whose` object lacks it.
fn text_field(object: &serde_json::Value, key: &str, whose: &str) -> Result<String> {
    Ok(object[key]
        .as_str()
        .ok_or_else(|| format!("{whose} has no {key}"))?
        .to_owned())
}
