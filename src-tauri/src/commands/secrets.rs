//! The signed-in account's signing secrets: list, create, rotate, delete, and the stored copies.
//! Provider logic is in `wispkey_core::provider`, the token lifecycle in `wispkey_core::tokens`.

use serde::Serialize;
use tauri::State;
use wispkey_core::oauth::OAuthTransport;
use wispkey_core::provider::wisp::WispProvider;
use wispkey_core::provider::{SecretProvider, SecretSummary};
use wispkey_core::tokens::Issued;
use zeroize::Zeroize;

use crate::IpcError;
use crate::state::AppState;

/// One row of the list. Times are RFC 3339 strings; the UI formats them.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SecretRow {
    pub name: String,
    pub created_at: String,
    pub last_rotated_at: Option<String>,
    /// A token for this secret is in this machine's keychain.
    pub stored_locally: bool,
}

impl SecretRow {
    fn new(summary: SecretSummary, stored_locally: bool) -> Self {
        SecretRow {
            name: summary.name,
            created_at: summary.created_at.to_rfc3339(),
            last_rotated_at: summary.last_rotated_at.map(|at| at.to_rfc3339()),
            stored_locally,
        }
    }
}

/// A just-issued token for the copy-once dialog. The token crosses IPC only here, for display;
/// `Debug` never shows it and the string is zeroized once Tauri has serialized and dropped it.
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct IssuedSecret {
    pub name: String,
    /// RFC 3339.
    pub issued_at: String,
    pub token: String,
    /// Written to the keychain and read back equal before this was returned.
    pub stored: bool,
    /// Why it is not stored (when `stored` is false).
    pub store_error: Option<IpcError>,
}

impl From<Issued> for IssuedSecret {
    fn from(issued: Issued) -> Self {
        IssuedSecret {
            stored: issued.stored(),
            name: issued.name,
            issued_at: issued.issued_at.to_rfc3339(),
            token: issued.token.expose().to_owned(),
            store_error: issued.store_error.map(IpcError::from),
        }
    }
}

impl std::fmt::Debug for IssuedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedSecret")
            .field("name", &self.name)
            .field("stored", &self.stored)
            .finish_non_exhaustive()
    }
}

impl Drop for IssuedSecret {
    fn drop(&mut self) {
        self.token.zeroize();
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DeleteOutcome {
    pub local_copy_removed: bool,
}

async fn provider(state: &AppState, did: &str) -> Result<WispProvider<OAuthTransport>, IpcError> {
    let transport = state.oauth.transport(did).await?;
    Ok(WispProvider::new(
        transport,
        state.settings.wisp_service_did.clone(),
    ))
}

/// The list's order: by lower-cased name, ties by name. The UI checks this order in one pass
/// and only sorts itself when it is broken, so 10,000 rows render without a sort.
fn sort_for_list(rows: &mut [SecretRow]) {
    rows.sort_by_cached_key(|row| (row.name.to_lowercase(), row.name.clone()));
}

/// The list, in [`sort_for_list`] order, with badges from one keychain read. A keychain that
/// does not answer leaves the badges off rather than hiding the list.
#[tauri::command]
pub async fn list_secrets(
    state: State<'_, AppState>,
    did: String,
) -> Result<Vec<SecretRow>, IpcError> {
    let secrets = provider(&state, &did).await?.list().await?;
    let stored = state.tokens.stored_names(&did).await.unwrap_or_default();
    let mut rows: Vec<SecretRow> = secrets
        .into_iter()
        .map(|summary| {
            let badge = stored.contains(&summary.name);
            SecretRow::new(summary, badge)
        })
        .collect();
    sort_for_list(&mut rows);
    Ok(rows)
}

#[tauri::command]
pub async fn create_secret(
    state: State<'_, AppState>,
    did: String,
    name: String,
) -> Result<IssuedSecret, IpcError> {
    let wisp = provider(&state, &did).await?;
    Ok(state.tokens.create(&wisp, &did, &name).await?.into())
}

#[tauri::command]
pub async fn rotate_secret(
    state: State<'_, AppState>,
    did: String,
    name: String,
    confirm_name: String,
) -> Result<IssuedSecret, IpcError> {
    let wisp = provider(&state, &did).await?;
    let issued = state.tokens.rotate(&wisp, &did, &name, &confirm_name);
    Ok(issued.await?.into())
}

#[tauri::command]
pub async fn delete_secret(
    state: State<'_, AppState>,
    did: String,
    name: String,
    confirm_name: String,
    remove_local_copy: bool,
) -> Result<DeleteOutcome, IpcError> {
    let wisp = provider(&state, &did).await?;
    let local_copy_removed = state
        .tokens
        .delete(&wisp, &did, &name, &confirm_name, remove_local_copy)
        .await?;
    Ok(DeleteOutcome { local_copy_removed })
}

/// Stores the open dialog's token again, from Rust memory; the webview sends no token.
#[tauri::command]
pub async fn retry_store_token(
    state: State<'_, AppState>,
    did: String,
    name: String,
) -> Result<IssuedSecret, IpcError> {
    Ok(state.tokens.retry_store(&did, &name).await?.into())
}

#[tauri::command]
pub async fn forget_stored_token(
    state: State<'_, AppState>,
    did: String,
    name: String,
) -> Result<(), IpcError> {
    Ok(state.tokens.forget(&did, &name).await?)
}

/// The copy-once dialog closed: drop the in-memory copy.
#[tauri::command]
pub fn finish_issued_token(state: State<'_, AppState>, did: String, name: String) {
    state.tokens.finish(&did, &name);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use wispkey_core::{Error, SecretString};

    fn issued(store_error: Option<Error>) -> IssuedSecret {
        Issued {
            name: "deploy-hook".into(),
            issued_at: Utc.with_ymd_and_hms(2024, 1, 15, 10, 30, 0).unwrap(),
            token: SecretString::new("wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX"),
            store_error,
        }
        .into()
    }

    #[test]
    fn an_issued_secret_crosses_ipc_in_the_contract_shape() {
        let not_stored = issued(Some(Error::KeychainMissing {
            detail: "platform detail".into(),
        }));
        let json = serde_json::to_value(&not_stored).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "name": "deploy-hook",
                "issuedAt": "2024-01-15T10:30:00+00:00",
                "token": "wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX",
                "stored": false,
                "storeError": {
                    "code": "keychain_missing",
                    "message": Error::KeychainMissing { detail: String::new() }.to_string(),
                },
            })
        );
        let stored = serde_json::to_value(issued(None)).unwrap();
        assert_eq!(stored["stored"], true);
        assert_eq!(stored["storeError"], serde_json::Value::Null);
    }

    #[test]
    fn debug_of_an_issued_secret_never_shows_the_token() {
        let printed = format!("{:?}", issued(None));
        assert!(!printed.contains("wsk_"), "{printed}");
    }

    fn row(name: &str) -> SecretRow {
        SecretRow {
            name: name.into(),
            created_at: "2024-01-15T10:30:00+00:00".into(),
            last_rotated_at: None,
            stored_locally: false,
        }
    }

    fn names(rows: &[SecretRow]) -> Vec<&str> {
        rows.iter().map(|row| row.name.as_str()).collect()
    }

    #[test]
    fn the_list_is_sorted_by_lower_cased_name_then_by_name() {
        let mut rows: Vec<SecretRow> = [
            "beta", "Alpha", "alpha", "_x", "ALPHA", "a.b", "a-b", "9", "Zulu",
        ]
        .into_iter()
        .map(row)
        .collect();
        sort_for_list(&mut rows);
        // Byte order of the lower-cased names ('_' sorts before letters), then case breaks ties.
        assert_eq!(
            names(&rows),
            [
                "9", "_x", "a-b", "a.b", "ALPHA", "Alpha", "alpha", "beta", "Zulu"
            ]
        );
    }

    #[test]
    fn ten_thousand_rows_come_out_in_the_order_the_ui_checks() {
        // The UI's check: each lower-cased name is >= the one before it (JS string order, which
        // for these names is byte order).
        let mut rows: Vec<SecretRow> = (0..10_000)
            .rev()
            .map(|i| {
                row(&if i % 2 == 0 {
                    format!("Hook-{i:05}")
                } else {
                    format!("hook-{i:05}")
                })
            })
            .collect();
        sort_for_list(&mut rows);
        let lower: Vec<String> = rows.iter().map(|row| row.name.to_lowercase()).collect();
        assert!(lower.windows(2).all(|pair| pair[0] <= pair[1]));
        assert_eq!(rows[0].name, "Hook-00000");
        assert_eq!(rows[9_999].name, "hook-09999");
    }

    #[test]
    fn a_mistyped_confirmation_crosses_as_invalid_request() {
        let error = IpcError::from(Error::NameNotConfirmed {
            name: "prod".into(),
        });
        assert_eq!(
            serde_json::to_value(&error).unwrap()["code"],
            "invalid_request"
        );
    }
}
