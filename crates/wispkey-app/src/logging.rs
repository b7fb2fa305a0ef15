//! Where the desktop app and the CLI write their log: a folder of daily files in the platform's
//! log place (`<data local dir>/place.wisp.wispkey/logs`, e.g. `~/.local/share/…` on Linux),
//! at most [`KEPT_FILES`] of them, so it never grows without end.
//!
//! Only Wispkey's own lines are written (targets under `wispkey`): each HTTP request's method,
//! host, path, status and duration (`wispkey_core::net::log`) and each error's stable code.
//! Libraries' own logging is left out: their lines can quote URLs with queries or headers. No
//! line ever carries a token, a code, a password, a body, a query or a DID document; the
//! end-to-end tests scan these files for every secret they produce.

use std::path::PathBuf;

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Points the log somewhere else (tests give each run its own folder). A test hook: see the
/// test-hooks note in the README.
pub const LOG_DIR_ENV: &str = "WISPKEY_LOG_DIR";

/// Daily files kept; older ones are deleted as new days start.
pub const KEPT_FILES: usize = 7;

/// The log folder: `WISPKEY_LOG_DIR` if set, else the platform's place for the app's logs.
pub fn log_dir() -> Option<PathBuf> {
    match std::env::var_os(LOG_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::data_local_dir().map(|dir| dir.join("place.wisp.wispkey").join("logs")),
    }
}

/// Starts logging to [`log_dir`], files named `<program>.<date>.log`. Returns the folder, or
/// why there is no log (the program runs on without one: a log is never worth not starting).
pub fn init(program: &str) -> Result<PathBuf, String> {
    let dir = log_dir().ok_or("no folder for logs on this system")?;
    std::fs::create_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(program)
        .filename_suffix("log")
        .max_log_files(KEPT_FILES)
        .build(&dir)
        .map_err(|error| format!("{}: {error}", dir.display()))?;
    let only_ours = Targets::new()
        .with_default(LevelFilter::OFF)
        .with_target("wispkey", LevelFilter::INFO);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(appender)
        .with_ansi(false)
        .with_target(true);
    tracing_subscriber::registry()
        .with(layer.with_filter(only_ours))
        .try_init()
        .map_err(|error| error.to_string())?;
    tracing::info!(
        target: "wispkey::start",
        program,
        version = env!("CARGO_PKG_VERSION"),
        "started"
    );
    Ok(dir)
}
