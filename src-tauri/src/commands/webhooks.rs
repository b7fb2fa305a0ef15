//! What depends on a secret: the webhooks in the user's repo that it signs. The reading is in
//! `wispkey_core::provider::wisp::webhooks`.

use std::time::Duration;

use serde::Serialize;
use tauri::State;
use wispkey_core::error::Error;
use wispkey_core::provider::wisp::webhooks::{WebhookUse, webhooks_using as read_uses};
use wispkey_core::transport::http::HttpClient;

use crate::IpcError;
use crate::state::AppState;

/// A public read of a few records: a short deadline keeps the confirmation dialog responsive.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// One webhook that a rotate or delete of the secret would affect.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct WebhookRow {
    pub url: String,
    pub enabled: bool,
}

impl From<WebhookUse> for WebhookRow {
    fn from(found: WebhookUse) -> Self {
        WebhookRow {
            url: found.url,
            enabled: found.enabled,
        }
    }
}

#[tauri::command]
pub async fn webhooks_using(
    state: State<'_, AppState>,
    did: String,
    name: String,
) -> Result<Vec<WebhookRow>, IpcError> {
    let accounts = state.oauth.accounts().await?;
    let account = accounts
        .iter()
        .find(|account| account.did == did)
        .ok_or_else(|| Error::SessionExpired {
            detail: format!("{did} is not signed in on this device"),
        })?;
    let http = HttpClient::new(READ_TIMEOUT)?;
    let uses = read_uses(&http, &account.pds, &did, &name).await?;
    Ok(uses.into_iter().map(WebhookRow::from).collect())
}
