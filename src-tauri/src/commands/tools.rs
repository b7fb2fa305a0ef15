//! After the rotate: the signature tester, the receiver test, the history. The work is in
//! `wispkey_app::tools`.

use tauri::{AppHandle, State};
use wispkey_app::receiver::ReceiverTestResult;
use wispkey_app::tools::{OverdueSummary, ReceiverTestPlan, TesterSecret};
use wispkey_app::views::take_secret;
use wispkey_app::{App, IpcError};
use wispkey_core::AccountRef;
use wispkey_core::history::{ChainCheck, HistoryEntry, HistoryFilter};
use wispkey_core::signature::{Delivery, SchemeChoice, SignatureReport, SignatureScheme};

/// The schemes the signature tester offers, with their labels.
#[tauri::command]
pub fn signature_schemes() -> Vec<SchemeChoice> {
    SchemeChoice::all()
}

/// The signature tester. The delivery is a whole raw request (`raw_request`) or `headers` +
/// `body`; the secret is a stored one (`account` + `secret_id`, never sent to the window) or
/// `pasted_secret`.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn verify_delivery(
    app: State<'_, App>,
    scheme: SignatureScheme,
    raw_request: Option<String>,
    headers: String,
    body: String,
    account: Option<AccountRef>,
    secret_id: Option<String>,
    pasted_secret: Option<String>,
) -> Result<SignatureReport, IpcError> {
    let delivery = match raw_request {
        Some(raw) => Delivery::from_raw_request(raw.as_bytes())?,
        None => Delivery::from_parts(&headers, body.into_bytes())?,
    };
    let pasted = pasted_secret.map(take_secret);
    let secret = match (&account, &secret_id, &pasted) {
        (Some(account), Some(id), _) => TesterSecret::Stored { account, id },
        (_, _, Some(secret)) => TesterSecret::Pasted(secret),
        _ => {
            return Err(IpcError::from(wispkey_core::Error::InvalidDelivery {
                reason: "choose a stored secret or paste one".into(),
            }));
        }
    };
    Ok(app.verify_delivery(scheme, secret, &delivery).await?)
}

/// What the receiver test would sign with and the URLs the provider knows, for the dialog.
#[tauri::command]
pub async fn receiver_test_plan(
    app: State<'_, App>,
    account: AccountRef,
    secret_id: String,
) -> Result<ReceiverTestPlan, IpcError> {
    Ok(app.receiver_test_plan(&account, &secret_id).await?)
}

/// One signed test delivery to the URL the user confirmed (one click, one request).
#[tauri::command]
pub async fn test_receiver(
    app: State<'_, App>,
    account: AccountRef,
    secret_id: String,
    url: String,
) -> Result<ReceiverTestResult, IpcError> {
    Ok(app.test_receiver(&account, &secret_id, &url).await?)
}

/// The history, newest first.
#[tauri::command]
pub fn history_entries(
    app: State<'_, App>,
    filter: HistoryFilter,
) -> Result<Vec<HistoryEntry>, IpcError> {
    Ok(app.history_entries(&filter)?)
}

/// Writes the matching entries as CSV to the downloads folder; returns the file's path.
#[tauri::command]
pub fn export_history_csv(app: State<'_, App>, filter: HistoryFilter) -> Result<String, IpcError> {
    Ok(app.export_history_csv(&filter)?)
}

#[tauri::command]
pub fn verify_history(app: State<'_, App>) -> Result<ChainCheck, IpcError> {
    Ok(app.verify_history()?)
}

/// At start: how many secrets are overdue and what the reminder says (nothing when snoozed).
/// The first summary of a run is also sent as a desktop notification.
#[tauri::command]
pub async fn overdue_summary(
    handle: AppHandle,
    app: State<'_, App>,
) -> Result<OverdueSummary, IpcError> {
    let summary = app.overdue_summary().await?;
    crate::reminder_notification::notify_at_start(&handle, &summary);
    Ok(summary)
}

/// No start-up reminder for `days` days (remembered in `reminders.json`).
#[tauri::command]
pub fn snooze_reminders(app: State<'_, App>, days: u32) -> Result<(), IpcError> {
    Ok(app.snooze_reminders(days)?)
}

/// One secret's own maximum age; `null` returns it to the Settings default.
#[tauri::command]
pub fn set_max_age(
    app: State<'_, App>,
    account: AccountRef,
    secret_id: String,
    days: Option<u32>,
) -> Result<(), IpcError> {
    Ok(app.set_max_age(&account, &secret_id, days)?)
}
