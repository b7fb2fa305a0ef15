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
        tauri::generate_handler![
            commands::keychain::keychain_status,
            commands::account::restore_accounts,
            commands::account::sign_in,
            commands::account::cancel_sign_in,
            commands::account::sign_out,
            commands::secrets::list_secrets,
        ]
    };
}

pub fn run() -> tauri::Result<()> {
    // The OAuth flow (atrium's resolver, PAR, DPoP retries) nests deep futures; in debug builds
    // they overflow tokio's default 2 MiB worker stacks, so commands get a runtime with more.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 * 1024 * 1024)
        .build()?;
    tauri::async_runtime::set(runtime.handle().clone());

    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
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
