//! The Tauri layer: window, state, and commands that each call into `wispkey-core` in a few lines.
//! Everything worth testing without a webview lives in the core crate.

mod close_guard;
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
            commands::secrets::create_secret,
            commands::secrets::rotate_secret,
            commands::secrets::delete_secret,
            commands::secrets::retry_store_token,
            commands::secrets::forget_stored_token,
            commands::secrets::finish_issued_token,
            commands::clipboard::copy_issued_token,
            commands::clipboard::copy_stored_token,
            commands::clipboard::clear_clipboard,
            commands::preferences::get_preferences,
            commands::preferences::save_preferences,
            commands::window::close_window,
            commands::webhooks::webhooks_using,
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
        .setup(|app| {
            use tauri::Manager;
            let config_dir = app.path().app_config_dir().ok();
            app.manage(state::AppState::load(config_dir.as_deref())?);
            Ok(())
        })
        .on_window_event(close_guard::on_window_event)
        .invoke_handler(app_commands!())
        .build(tauri::generate_context!())?
        .run(|app, event| {
            // Quitting takes our token off the clipboard (only if it is still ours). Both
            // events, because ExitRequested is the last one some platforms deliver with the
            // clipboard still usable; the second call finds nothing of ours and does nothing.
            if matches!(
                event,
                tauri::RunEvent::ExitRequested { .. } | tauri::RunEvent::Exit
            ) {
                use tauri::Manager;
                if let Some(state) = app.try_state::<state::AppState>() {
                    state.clipboard.clear_if_ours();
                }
            }
        });
    Ok(())
}

#[cfg(test)]
mod bindings;
