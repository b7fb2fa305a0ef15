//! Copying tokens to the clipboard and clearing them. Policy is in `wispkey_core::clipboard`.

use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use wispkey_app::views::ClipboardCopy;
use wispkey_app::{App, IpcError};
use wispkey_core::AccountRef;

/// Sent when a countdown ends, and after an explicit clear (sign-out, the Clear button).
pub const CLIPBOARD_CLEARED: &str = "clipboard-cleared";

/// Payload of [`CLIPBOARD_CLEARED`]. `false`: the clipboard no longer held our value and was
/// left alone.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ClipboardCleared {
    pub cleared: bool,
}

pub fn emit_cleared(handle: &AppHandle, cleared: bool) {
    // No window left to tell: nothing to do.
    let _ = handle.emit(CLIPBOARD_CLEARED, ClipboardCleared { cleared });
}

/// Copies the token of the open copy-once dialog (from memory, else the keychain).
#[tauri::command]
pub async fn copy_issued_token(
    handle: AppHandle,
    app: State<'_, App>,
    account: AccountRef,
    secret_id: String,
) -> Result<ClipboardCopy, IpcError> {
    let on_cleared = move |cleared| emit_cleared(&handle, cleared);
    Ok(app
        .copy_issued_token(&account, &secret_id, on_cleared)
        .await?)
}

/// The deliberate later action: copies the stored copy from the keychain. A copy that may be
/// out of date fails with `stored_copy_may_be_stale` unless `even_if_out_of_date` (the user
/// read why and chose to copy it anyway).
#[tauri::command]
pub async fn copy_stored_token(
    handle: AppHandle,
    app: State<'_, App>,
    account: AccountRef,
    secret_id: String,
    even_if_out_of_date: bool,
) -> Result<ClipboardCopy, IpcError> {
    let on_cleared = move |cleared| emit_cleared(&handle, cleared);
    let copy = app.copy_stored_token(&account, &secret_id, even_if_out_of_date, on_cleared);
    Ok(copy.await?)
}

/// Clears the clipboard only if it still holds our value.
#[tauri::command]
pub fn clear_clipboard(handle: AppHandle, app: State<'_, App>) {
    emit_cleared(&handle, app.clipboard().clear_if_ours());
}
