//! The window itself.

use tauri::Window;
use wispkey_core::Error;

use crate::IpcError;

/// The user answered the question a blocked close raised (see `close_guard`): close again.
/// The guard still checks, so this never closes over a token that is still only in memory.
#[tauri::command]
pub fn close_window(window: Window) -> Result<(), IpcError> {
    window.close().map_err(|error| {
        IpcError::from(Error::Internal {
            detail: error.to_string(),
        })
    })
}
