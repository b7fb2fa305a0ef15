fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Only the commands listed here get permissions; anything else is refused at the IPC layer.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "keychain_status",
        "restore_accounts",
        "sign_in",
        "cancel_sign_in",
        "sign_out",
        "list_secrets",
        "create_secret",
        "rotate_secret",
        "delete_secret",
        "retry_store_token",
        "forget_stored_token",
        "finish_issued_token",
        "copy_issued_token",
        "copy_stored_token",
        "clear_clipboard",
        "get_preferences",
        "save_preferences",
        "close_window",
        "webhooks_using",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))?;
    Ok(())
}
