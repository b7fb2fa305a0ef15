//! The Tauri layer: window, state, and commands that each call into `wispkey-core` in a few lines.
//! Everything worth testing without a webview lives in the core crate.

mod commands;
mod ipc_error;
mod state;

pub use ipc_error::IpcError;

/// Every command the front end may invoke. `build.rs` lists the same names for
/// `AppManifest::commands`, which is what generates their permissions.
macro_rules! app_commands {
    () => {
        tauri::generate_handler![commands::keychain::keychain_status]
    };
}

pub fn run() -> tauri::Result<()> {
    tauri::Builder::default()
        .setup(|app| {
            use tauri::Manager;
            let config_dir = app.path().app_config_dir().ok();
            app.manage(state::AppState::load(config_dir.as_deref())?);
            Ok(())
        })
        .invoke_handler(app_commands!())
        .run(tauri::generate_context!())
}

#[cfg(test)]
mod bindings;
