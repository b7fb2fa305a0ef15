//! The signed-in account's signing secrets. Provider logic is in `wispkey_core::provider`.

use serde::Serialize;
use tauri::State;
use wispkey_core::provider::wisp::WispProvider;
use wispkey_core::provider::{SecretProvider, SecretSummary};

use crate::IpcError;
use crate::state::AppState;

/// One row of the list. Times are RFC 3339 strings; the UI formats them.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SecretRow {
    pub name: String,
    pub created_at: String,
    pub last_rotated_at: Option<String>,
}

impl From<SecretSummary> for SecretRow {
    fn from(summary: SecretSummary) -> Self {
        SecretRow {
            name: summary.name,
            created_at: summary.created_at.to_rfc3339(),
            last_rotated_at: summary.last_rotated_at.map(|at| at.to_rfc3339()),
        }
    }
}

#[tauri::command]
pub async fn list_secrets(
    state: State<'_, AppState>,
    did: String,
) -> Result<Vec<SecretRow>, IpcError> {
    let transport = state.oauth.transport(&did).await?;
    let provider = WispProvider::new(transport, state.settings.wisp_service_did.clone());
    Ok(provider
        .list()
        .await?
        .into_iter()
        .map(SecretRow::from)
        .collect())
}
