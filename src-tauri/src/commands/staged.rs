//! Staged rotation (providers whose descriptor offers it): one command per confirmed step. The
//! work and the saved progress are in `wispkey_app::staged`.

use tauri::State;
use wispkey_app::receiver::ReceiverTestResult;
use wispkey_app::staged::{StagedFinish, StagedStatus};
use wispkey_app::views::IssuedSecret;
use wispkey_app::{App, IpcError};
use wispkey_core::AccountRef;
use wispkey_core::staged::{ReceiverCheck, StagedRotation};

#[tauri::command]
pub fn staged_rotations(
    app: State<'_, App>,
    account: AccountRef,
) -> Result<Vec<StagedRotation>, IpcError> {
    Ok(app.staged_rotations(&account)?)
}

#[tauri::command]
pub async fn staged_suggested_name(
    app: State<'_, App>,
    account: AccountRef,
    old_id: String,
) -> Result<String, IpcError> {
    Ok(app.staged_suggested_name(&account, &old_id).await?)
}

/// Step 1: the new secret, through the create path; the copy-once dialog shows the answer.
#[tauri::command]
pub async fn staged_start(
    app: State<'_, App>,
    account: AccountRef,
    old_id: String,
    new_name: String,
) -> Result<IssuedSecret, IpcError> {
    let (issued, _) = app.staged_start(&account, &old_id, &new_name).await?;
    Ok(issued.into())
}

#[tauri::command]
pub async fn staged_status(
    app: State<'_, App>,
    account: AccountRef,
    old_id: String,
) -> Result<StagedStatus, IpcError> {
    Ok(app.staged_status(&account, &old_id).await?)
}

#[tauri::command]
pub async fn staged_deployed(
    app: State<'_, App>,
    account: AccountRef,
    old_id: String,
) -> Result<StagedRotation, IpcError> {
    Ok(app.staged_deployed(&account, &old_id).await?)
}

/// Step 3: ONE marked test delivery signed with the new secret to the URL the user confirmed.
#[tauri::command]
pub async fn staged_test_receiver(
    app: State<'_, App>,
    account: AccountRef,
    old_id: String,
    url: String,
) -> Result<ReceiverTestResult, IpcError> {
    let (result, _) = app.staged_test_receiver(&account, &old_id, &url).await?;
    Ok(result)
}

/// The user confirms they tested the receiver with the new secret themselves.
#[tauri::command]
pub async fn staged_vouch_tested(
    app: State<'_, App>,
    account: AccountRef,
    old_id: String,
) -> Result<StagedRotation, IpcError> {
    let tested = app.staged_tested(&account, &old_id, ReceiverCheck::vouched());
    Ok(tested.await?)
}

/// `chosen`: the webhook ids ticked (first call only); `one`: stop after one webhook.
#[tauri::command]
pub async fn staged_switch(
    app: State<'_, App>,
    account: AccountRef,
    old_id: String,
    chosen: Option<Vec<String>>,
    one: bool,
) -> Result<StagedRotation, IpcError> {
    let switched = app.staged_switch(
        &account,
        &old_id,
        chosen.as_deref(),
        one.then_some(1),
        |_| {},
    );
    Ok(switched.await?)
}

/// `delete_old_confirm_name`: the old secret's name as typed; `None` keeps the old secret.
#[tauri::command]
pub async fn staged_finish(
    app: State<'_, App>,
    account: AccountRef,
    old_id: String,
    delete_old_confirm_name: Option<String>,
) -> Result<StagedFinish, IpcError> {
    let finish = app.staged_finish(&account, &old_id, delete_old_confirm_name.as_deref());
    Ok(finish.await?)
}

#[tauri::command]
pub async fn staged_cancel(
    app: State<'_, App>,
    account: AccountRef,
    old_id: String,
) -> Result<StagedRotation, IpcError> {
    Ok(app.staged_cancel(&account, &old_id).await?)
}
