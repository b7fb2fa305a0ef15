//! Start-up work begun in `setup`, beside the webview: the keychain connection, the sessions and
//! the first account's list (`wispkey_app::App::early_start`). The window's first calls take
//! its results instead of starting the same work after the page has loaded.

use tauri::{AppHandle, Manager};
use wispkey_app::App;

pub fn spawn(handle: &AppHandle) {
    let Some(start) = handle.state::<App>().begin_early_start() else {
        return;
    };
    let handle = handle.clone();
    tauri::async_runtime::spawn(async move {
        handle.state::<App>().early_start(start).await;
    });
}
