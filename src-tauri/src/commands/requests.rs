//! Requests in flight and requests an earlier run never heard back about. The notes behind them
//! are `wispkey_core::journal`'s; the work is in `wispkey_app::App`.

use tauri::{State, Window};
use wispkey_app::{App, IpcError};
use wispkey_core::Error;
use wispkey_core::journal::InFlight;

/// Creates, rotates and deletes this window sent that are still waiting for the server.
#[tauri::command]
pub fn in_flight_requests(app: State<'_, App>) -> Vec<InFlight> {
    app.in_flight()
}

/// Requests an earlier run sent and never heard back about (it ended while waiting).
#[tauri::command]
pub async fn interrupted_requests(app: State<'_, App>) -> Result<Vec<InFlight>, IpcError> {
    Ok(app.interrupted_operations().await)
}

/// The user was told about an interrupted request: its note goes.
#[tauri::command]
pub fn dismiss_interrupted_request(app: State<'_, App>, entry: String) -> Result<(), IpcError> {
    Ok(app.dismiss_interrupted(&entry)?)
}

/// The user chose to close the window although requests are still out: close it. Their notes
/// stay, so the next start says their outcome is unknown.
#[tauri::command]
pub fn close_leaving_requests(app: State<'_, App>, window: Window) -> Result<(), IpcError> {
    app.leave_in_flight();
    window.close().map_err(|error| {
        IpcError::from(Error::Internal {
            detail: error.to_string(),
        })
    })
}
