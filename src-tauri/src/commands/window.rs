//! The window itself, and what it asks of the keychain before anything else.

use tauri::{State, Window};
use wispkey_app::views::KeychainStatus;
use wispkey_app::{App, IpcError};
use wispkey_core::Error;

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

/// Whether the OS keychain answers, so the UI can warn before a token is created.
#[tauri::command]
pub async fn keychain_status(app: State<'_, App>) -> Result<KeychainStatus, IpcError> {
    Ok(app.keychain_status().await?)
}

/// Raises the system's own unlock prompt for the keychain and waits for the user's answer.
#[tauri::command]
pub async fn unlock_keychain(app: State<'_, App>) -> Result<(), IpcError> {
    Ok(app.unlock_keychain().await?)
}
