//! The Tauri layer: window, state, and commands that each call `wispkey_app::App` in a few
//! lines. Everything worth testing without a webview lives in the crates under `crates/`.

mod close_guard;
mod commands;
mod early_start;
mod reminder_notification;
#[cfg(target_os = "linux")]
mod session_bus;
mod single_instance;

pub fn run() -> tauri::Result<()> {
    // The log folder the CLI shares; a missing log never stops the app.
    if let Err(why) = wispkey_app::logging::init("desktop") {
        eprintln!("Wispkey runs without a log file: {why}");
    }
    // The keychain's handshake and key exchange run on the keychain thread while the window
    // is set up; the start-up restore then finds the connection open.
    wispkey_core::vault::Vault::connect_ahead();
    // The OAuth flow (atrium's resolver, PAR, DPoP retries) nests deep futures; in debug builds
    // they overflow tokio's default 2 MiB worker stacks, so commands get a runtime with more.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 * 1024 * 1024)
        .build()?;
    tauri::async_runtime::set(runtime.handle().clone());

    let context = tauri::generate_context!();
    let identifier = context.config().identifier.clone();
    tauri::Builder::default()
        // First, so a second launch hands over and exits before anything else starts.
        .plugin(single_instance::plugin(&identifier))
        .plugin(reminder_notification::plugin())
        .setup(|app| {
            use tauri::Manager;
            let config_dir = app.path().app_config_dir().ok();
            app.manage(wispkey_app::App::load(config_dir.as_deref())?);
            early_start::spawn(app.handle());
            reminder_notification::register(app.handle())?;
            // The window is made here, after the start-up work has begun, not by Tauri before
            // this hook (the config says `create: false`): building the webview takes a good
            // part of start-up, and the restore and the first list now run beside it.
            for window in app.config().app.windows.clone() {
                tauri::WebviewWindowBuilder::from_config(app.handle(), &window)?.build()?;
            }
            Ok(())
        })
        .on_window_event(close_guard::on_window_event)
        // Every `#[tauri::command]` in src/commands, listed by build.rs.
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/invoke_handler.rs")))
        .build(context)?
        .run(|app, event| {
            // Quitting takes our token off the clipboard (only if it is still ours). Both
            // events, because ExitRequested is the last one some platforms deliver with the
            // clipboard still usable; the second call finds nothing of ours and does nothing.
            if matches!(
                event,
                tauri::RunEvent::ExitRequested { .. } | tauri::RunEvent::Exit
            ) {
                use tauri::Manager;
                if let Some(state) = app.try_state::<wispkey_app::App>() {
                    state.clipboard().clear_if_ours();
                }
            }
        });
    Ok(())
}

#[cfg(test)]
mod bindings;
#[cfg(test)]
mod command_list;
