//! Everything a request handler needs, shared by all connections.

use tokio::sync::Mutex;

use crate::store::Store;
use crate::test_control::{Faults, RequestLog};

/// Shared service state.
#[derive(Debug)]
pub struct AppState {
    /// Workspaces; the async lock serializes every change, which awaits the disk.
    pub store: Mutex<Store>,
    /// Armed one-shot faults (only ever armed with test control on).
    pub faults: Faults,
    /// Every API request (method, path, status, whether a 2FA code was sent).
    pub log: RequestLog,
    /// Whether `/_test/` exists at all.
    pub test_control: bool,
}
