//! Everything a request handler needs, shared by all connections.

use tokio::sync::Mutex;

use crate::faults::Switches;
use crate::request_log::RequestLog;
use crate::store::Store;

/// Shared service state.
#[derive(Debug)]
pub struct AppState {
    /// Users, sessions and tokens; the async lock serializes every change,
    /// which awaits the disk.
    pub store: Mutex<Store>,
    /// Faults and settings (only ever changed with test control on).
    pub switches: Switches,
    /// Every API request.
    pub log: RequestLog,
    /// Whether `/_test/` exists at all.
    pub test_control: bool,
}
