use serde::Serialize;
use tauri::State;

use crate::IpcError;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatus {
    /// Where tokens are kept, for the UI to name it ("Secret Service", "macOS Keychain"…).
    pub store: String,
}

/// Checks that the OS keychain answers, so the UI can warn before the user creates a token it
/// could not keep. Reads an item that normally does not exist: no write, no prompt.
#[tauri::command]
pub async fn keychain_status(state: State<'_, AppState>) -> Result<KeychainStatus, IpcError> {
    state.vault.contains_async("keychain-probe").await?;
    Ok(KeychainStatus {
        store: wispkey_core::vault::STORE_NAME.to_owned(),
    })
}
