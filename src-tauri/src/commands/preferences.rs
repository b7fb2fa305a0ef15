//! The Settings dialog's preferences. Validation and storage are in `wispkey_core::preferences`.

use tauri::State;
use wispkey_app::{App, IpcError};
use wispkey_core::preferences::Preferences;

#[tauri::command]
pub fn get_preferences(app: State<'_, App>) -> Preferences {
    app.preferences()
}

/// Validates and saves; the new values apply to the next copy.
#[tauri::command]
pub fn save_preferences(
    app: State<'_, App>,
    preferences: Preferences,
) -> Result<Preferences, IpcError> {
    Ok(app.save_preferences(preferences)?)
}
