//! Sign in, restore, sign out. The OAuth work is in `wispkey_core::oauth`.

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};
use wispkey_core::oauth::{
    Account, BrowserOpener, CancellationToken, CommandBrowser, ScopeRequest, SignInOptions,
    SignOutOutcome,
};

use crate::IpcError;
use crate::state::AppState;

/// The system browser, unless `WISPKEY_BROWSER` names a program to receive the URL instead
/// (tests point it at the automation that plays the user on the PDS consent page). The `open`
/// crate rather than Tauri's opener plugin: the plugin added 0.7 MB of D-Bus code to the binary
/// for the one call made here.
fn browser() -> Box<dyn BrowserOpener> {
    match CommandBrowser::from_env() {
        Some(program) => Box::new(program),
        None => Box::new(|url: &str| open::that_detached(url).map_err(|error| error.to_string())),
    }
}

/// Accounts whose sessions are in the keychain, refreshed where needed. No browser.
#[tauri::command]
pub async fn restore_accounts(state: State<'_, AppState>) -> Result<Vec<Account>, IpcError> {
    Ok(state.oauth.restore().await?)
}

/// The event that carries a sign-in's outcome to the window.
pub const SIGN_IN_FINISHED: &str = "sign-in-finished";

/// Payload of [`SIGN_IN_FINISHED`]: exactly one of the two is set.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SignInFinished {
    pub account: Option<Account>,
    pub error: Option<IpcError>,
}

/// Starts signing in and returns at once; the outcome arrives as a [`SIGN_IN_FINISHED`] event.
/// Waiting for the browser can take minutes, and an IPC request held open that long blocks
/// more than it should (WebDriver, for one, waits on it). `full_access` asks for
/// `atproto transition:generic` instead of the four secret methods (the re-authorize offer).
#[tauri::command]
pub fn sign_in(app: AppHandle, state: State<'_, AppState>, identity: String, full_access: bool) {
    let cancel = CancellationToken::new();
    if let Ok(mut current) = state.sign_in_cancel.lock() {
        // A new sign-in replaces one still waiting (the user gave up on that browser tab).
        if let Some(previous) = current.replace(cancel.clone()) {
            previous.cancel();
        }
    }
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let options = SignInOptions {
            cancel,
            scope: if full_access {
                ScopeRequest::FullAccess
            } else {
                ScopeRequest::Granular
            },
            ..SignInOptions::default()
        };
        let opener = browser();
        let finished = match state
            .oauth
            .sign_in(&identity, opener.as_ref(), options)
            .await
        {
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
        let _ = app.emit(SIGN_IN_FINISHED, finished);
    });
}

#[tauri::command]
pub fn cancel_sign_in(state: State<'_, AppState>) {
    if let Ok(mut current) = state.sign_in_cancel.lock()
        && let Some(cancel) = current.take()
    {
        cancel.cancel();
    }
}

/// Signs out, drops the account's in-memory tokens, and clears the clipboard if it still holds
/// a token we put there. Stored copies stay in the keychain (they are the user's).
#[tauri::command]
pub async fn sign_out(
    app: AppHandle,
    state: State<'_, AppState>,
    did: String,
) -> Result<SignOutOutcome, IpcError> {
    state.tokens.forget_account_in_memory(&did);
    let cleared = state.clipboard.clear_if_ours();
    crate::commands::clipboard::emit_cleared(&app, cleared);
    Ok(state.oauth.sign_out(&did).await?)
}
