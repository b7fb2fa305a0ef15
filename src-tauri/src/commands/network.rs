//! Which network the app talks to, for the window's "Custom network" line.

use tauri::State;
use wispkey_app::App;
use wispkey_app::settings::CustomSetting;

/// The settings that point away from production (empty in production).
#[tauri::command]
pub fn custom_network(app: State<'_, App>) -> Vec<CustomSetting> {
    app.custom_network()
}
