//! Providers, accounts, sign-in and sign-out. The work is in `wispkey_app::App`.

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};
use wispkey_app::views::SignInInput;
use wispkey_app::{App, IpcError};
use wispkey_core::browser::{BrowserOpener, CommandBrowser};
use wispkey_core::provider::{ProviderDescriptor, SignInRequest, SignOutOutcome};
use wispkey_core::{AccountRef, AccountView};

/// The system browser, unless a build for tests names a program to receive the URL instead
/// (`TestHook::Browser`: the automation that plays the user on the PDS consent page). The `open`
/// crate rather than Tauri's opener plugin: the plugin added 0.7 MB of D-Bus code to the binary
/// for the one call made here.
fn browser() -> Box<dyn BrowserOpener> {
    match CommandBrowser::from_env() {
        Some(program) => Box::new(program),
        None => Box::new(|url: &str| open::that_detached(url).map_err(|error| error.to_string())),
    }
}

/// Every provider this build can manage, described for the UI to render from.
#[tauri::command]
pub fn providers(app: State<'_, App>) -> Vec<ProviderDescriptor> {
    app.providers()
}

/// Accounts whose sessions are in the keychain, across providers. No browser.
#[tauri::command]
pub async fn restore_accounts(app: State<'_, App>) -> Result<Vec<AccountView>, IpcError> {
    Ok(app.restore_accounts().await?)
}

/// The event that carries a sign-in's outcome to the window.
pub const SIGN_IN_FINISHED: &str = "sign-in-finished";

/// Payload of [`SIGN_IN_FINISHED`]: exactly one of the two is set.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SignInFinished {
    pub account: Option<AccountView>,
    pub error: Option<IpcError>,
}

/// Starts signing in and returns at once; the outcome arrives as a [`SIGN_IN_FINISHED`] event.
/// Waiting for the browser can take minutes, and an IPC request held open that long blocks
/// more than it should (WebDriver, for one, waits on it).
#[tauri::command]
pub fn sign_in(handle: AppHandle, provider: String, request: SignInInput) {
    let request = SignInRequest::from(request);
    tauri::async_runtime::spawn(async move {
        let app = handle.state::<App>();
        let opener = browser();
        let finished = match app.sign_in(&provider, request, opener.as_ref()).await {
            Ok(account) => SignInFinished {
                account: Some(account),
                error: None,
            },
            Err(error) => SignInFinished {
                account: None,
                error: Some(error.into()),
            },
        };
        // Nothing to do if the window is gone: the session (if any) is in the keychain.
        let _ = handle.emit(SIGN_IN_FINISHED, finished);
    });
}

#[tauri::command]
pub fn cancel_sign_in(app: State<'_, App>) {
    app.cancel_sign_in();
}

/// Signs out; the clipboard is cleared if it still holds a token we put there.
#[tauri::command]
pub async fn sign_out(
    handle: AppHandle,
    app: State<'_, App>,
    account: AccountRef,
) -> Result<SignOutOutcome, IpcError> {
    let (outcome, cleared) = app.sign_out(&account).await?;
    crate::commands::clipboard::emit_cleared(&handle, cleared);
    Ok(outcome)
}
