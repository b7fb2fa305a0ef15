//! An account's secrets: list, create, rotate, delete, the stored copies, what depends on one.
//! The work is in `wispkey_app::App`.

use tauri::State;
use wispkey_app::views::{DeleteOutcome, IssuedSecret, SecretRow, StartUpList, take_secret};
use wispkey_app::{App, IpcError};
use wispkey_core::AccountRef;
use wispkey_core::provider::Dependent;

/// Sorted for the UI, with badges from one keychain read.
#[tauri::command]
pub async fn list_secrets(
    app: State<'_, App>,
    account: AccountRef,
) -> Result<Vec<SecretRow>, IpcError> {
    Ok(app.list_secrets(&account).await?)
}

/// The first account's list as start-up fetched it, once; asked beside the accounts, so the
/// first screen needs no second round trip. `null`: ask `list_secrets`.
#[tauri::command]
pub async fn start_up_list(app: State<'_, App>) -> Result<Option<StartUpList>, IpcError> {
    Ok(app.start_up_list().await)
}

#[tauri::command]
pub async fn create_secret(
    app: State<'_, App>,
    account: AccountRef,
    name: String,
) -> Result<IssuedSecret, IpcError> {
    Ok(app.create_secret(&account, &name).await?.into())
}

/// `second_factor`: the code the user typed after the provider asked for one (never stored).
#[tauri::command]
pub async fn rotate_secret(
    app: State<'_, App>,
    account: AccountRef,
    secret_id: String,
    confirm_name: String,
    second_factor: Option<String>,
) -> Result<IssuedSecret, IpcError> {
    let code = second_factor.map(take_secret);
    let issued = app.rotate_secret(&account, &secret_id, &confirm_name, code.as_ref());
    Ok(issued.await?.into())
}

/// "Store a secret rotated elsewhere": keeps a pasted secret as the stored copy of the secret.
#[tauri::command]
pub async fn store_pasted_secret(
    app: State<'_, App>,
    account: AccountRef,
    secret_id: String,
    secret: String,
) -> Result<(), IpcError> {
    let secret = take_secret(secret);
    Ok(app
        .store_pasted_secret(&account, &secret_id, &secret)
        .await?)
}

#[tauri::command]
pub async fn delete_secret(
    app: State<'_, App>,
    account: AccountRef,
    secret_id: String,
    confirm_name: String,
    remove_local_copy: bool,
) -> Result<DeleteOutcome, IpcError> {
    let removed = app.delete_secret(&account, &secret_id, &confirm_name, remove_local_copy);
    Ok(DeleteOutcome {
        local_copy_removed: removed.await?,
    })
}

/// Stores the open dialog's token again, from Rust memory; the webview sends no token.
#[tauri::command]
pub async fn retry_store_token(
    app: State<'_, App>,
    account: AccountRef,
    secret_id: String,
) -> Result<IssuedSecret, IpcError> {
    Ok(app.retry_store(&account, &secret_id).await?.into())
}

#[tauri::command]
pub async fn forget_stored_token(
    app: State<'_, App>,
    account: AccountRef,
    secret_id: String,
) -> Result<(), IpcError> {
    Ok(app.forget_stored_token(&account, &secret_id).await?)
}

/// The copy-once dialog closed: drop the in-memory copy.
#[tauri::command]
pub fn finish_issued_token(app: State<'_, App>, account: AccountRef, secret_id: String) {
    app.tokens().finish(&account, &secret_id);
}

/// What stops working when the secret is rotated or deleted (the webhooks that use it).
#[tauri::command]
pub async fn secret_dependents(
    app: State<'_, App>,
    account: AccountRef,
    secret_id: String,
) -> Result<Vec<Dependent>, IpcError> {
    Ok(app.dependents(&account, &secret_id).await?)
}
