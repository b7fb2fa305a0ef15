//! Copying tokens to the clipboard and clearing them. Policy is in `wispkey_core::clipboard`.

use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use wispkey_core::SecretString;

use crate::IpcError;
use crate::state::AppState;

/// Sent when a countdown ends, and after an explicit clear (sign-out, the Clear button).
pub const CLIPBOARD_CLEARED: &str = "clipboard-cleared";

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ClipboardCopy {
    /// 0 = auto-clear is off.
    pub clears_in_seconds: u32,
}

/// Payload of [`CLIPBOARD_CLEARED`]. `false`: the clipboard no longer held our value and was
/// left alone.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ClipboardCleared {
    pub cleared: bool,
}

pub fn emit_cleared(app: &AppHandle, cleared: bool) {
    // No window left to tell: nothing to do.
    let _ = app.emit(CLIPBOARD_CLEARED, ClipboardCleared { cleared });
}

fn copy(app: AppHandle, state: &AppState, token: &SecretString) -> Result<ClipboardCopy, IpcError> {
    let seconds = state
        .preferences
        .lock()
        .map(|preferences| preferences.clipboard_clear_seconds)
        .unwrap_or(wispkey_core::clipboard::DEFAULT_CLEAR_SECONDS);
    state.clipboard.copy(
        token,
        Duration::from_secs(u64::from(seconds)),
        move |cleared| emit_cleared(&app, cleared),
    )?;
    Ok(ClipboardCopy {
        clears_in_seconds: seconds,
    })
}

/// Copies the token of the open copy-once dialog (from memory, else the keychain).
#[tauri::command]
pub async fn copy_issued_token(
    app: AppHandle,
    state: State<'_, AppState>,
    did: String,
    name: String,
) -> Result<ClipboardCopy, IpcError> {
    let token = state.tokens.issued_token(&did, &name).await?;
    copy(app, &state, &token)
}

/// The deliberate later action: copies the stored copy from the keychain.
#[tauri::command]
pub async fn copy_stored_token(
    app: AppHandle,
    state: State<'_, AppState>,
    did: String,
    name: String,
) -> Result<ClipboardCopy, IpcError> {
    let token = state.tokens.stored_token(&did, &name).await?;
    copy(app, &state, &token)
}

/// Clears the clipboard only if it still holds our value.
#[tauri::command]
pub fn clear_clipboard(app: AppHandle, state: State<'_, AppState>) {
    let cleared = state.clipboard.clear_if_ours();
    emit_cleared(&app, cleared);
}
