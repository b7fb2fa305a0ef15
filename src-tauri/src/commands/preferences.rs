//! The Settings dialog's preferences. Validation and storage are in `wispkey_core::preferences`.

use tauri::State;
use wispkey_core::Error;
use wispkey_core::preferences::Preferences;

use crate::IpcError;
use crate::state::AppState;

#[tauri::command]
pub fn get_preferences(state: State<'_, AppState>) -> Preferences {
    state
        .preferences
        .lock()
        .map(|preferences| *preferences)
        .unwrap_or_default()
}

/// Validates and saves; the new values apply to the next copy.
#[tauri::command]
pub fn save_preferences(
    state: State<'_, AppState>,
    preferences: Preferences,
) -> Result<Preferences, IpcError> {
    let Some(dir) = state.config_dir.as_deref() else {
        return Err(Error::InvalidSettings {
            detail: "the platform reported no config folder".into(),
        }
        .into());
    };
    preferences.save(dir)?;
    if let Ok(mut current) = state.preferences.lock() {
        *current = preferences;
    }
    Ok(preferences)
}
