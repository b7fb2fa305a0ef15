//! TypeScript bindings for everything that crosses IPC, generated from the Rust types.
//!
//! The test below renders them and compares with the committed `ui/src/bindings.ts`, so CI fails
//! when Rust and TypeScript drift apart. Regenerate with:
//! `UPDATE_BINDINGS=1 cargo test -p wispkey bindings`.

use ts_rs::{Config, TS};
use wispkey_core::ErrorCode;

use wispkey_core::oauth::{Account, Capability, SignOutOutcome};
use wispkey_core::preferences::Preferences;

use crate::IpcError;
use crate::commands::account::SignInFinished;
use crate::commands::clipboard::{ClipboardCleared, ClipboardCopy};
use crate::commands::keychain::KeychainStatus;
use crate::commands::secrets::{DeleteOutcome, IssuedSecret, SecretRow};
use crate::commands::webhooks::WebhookRow;

/// Each command: name, argument object type, and success type.
fn command_table(cfg: &Config) -> Vec<(&'static str, String, String)> {
    let none = || "Record<string, never>".to_owned();
    vec![
        ("keychain_status", none(), KeychainStatus::name(cfg)),
        (
            "restore_accounts",
            none(),
            format!("{}[]", Account::name(cfg)),
        ),
        (
            "sign_in",
            "{ identity: string; fullAccess: boolean }".into(),
            "null".into(),
        ),
        ("cancel_sign_in", none(), "null".into()),
        (
            "sign_out",
            "{ did: string }".into(),
            SignOutOutcome::name(cfg),
        ),
        (
            "list_secrets",
            "{ did: string }".into(),
            format!("{}[]", SecretRow::name(cfg)),
        ),
        (
            "create_secret",
            "{ did: string; name: string }".into(),
            IssuedSecret::name(cfg),
        ),
        (
            "rotate_secret",
            "{ did: string; name: string; confirmName: string }".into(),
            IssuedSecret::name(cfg),
        ),
        (
            "delete_secret",
            "{ did: string; name: string; confirmName: string; removeLocalCopy: boolean }".into(),
            DeleteOutcome::name(cfg),
        ),
        (
            "retry_store_token",
            "{ did: string; name: string }".into(),
            IssuedSecret::name(cfg),
        ),
        (
            "copy_issued_token",
            "{ did: string; name: string }".into(),
            ClipboardCopy::name(cfg),
        ),
        (
            "copy_stored_token",
            "{ did: string; name: string }".into(),
            ClipboardCopy::name(cfg),
        ),
        (
            "forget_stored_token",
            "{ did: string; name: string }".into(),
            "null".into(),
        ),
        ("clear_clipboard", none(), "null".into()),
        (
            "finish_issued_token",
            "{ did: string; name: string }".into(),
            "null".into(),
        ),
        ("get_preferences", none(), Preferences::name(cfg)),
        (
            "save_preferences",
            format!("{{ preferences: {} }}", Preferences::name(cfg)),
            Preferences::name(cfg),
        ),
        ("close_window", none(), "null".into()),
        (
            "webhooks_using",
            "{ did: string; name: string }".into(),
            format!("{}[]", WebhookRow::name(cfg)),
        ),
    ]
}

fn render() -> String {
    let cfg = Config::new();
    let declarations = [
        ErrorCode::decl(&cfg),
        IpcError::decl(&cfg),
        KeychainStatus::decl(&cfg),
        Capability::decl(&cfg),
        Account::decl(&cfg),
        SignOutOutcome::decl(&cfg),
        SecretRow::decl(&cfg),
        SignInFinished::decl(&cfg),
        IssuedSecret::decl(&cfg),
        ClipboardCopy::decl(&cfg),
        ClipboardCleared::decl(&cfg),
        Preferences::decl(&cfg),
        DeleteOutcome::decl(&cfg),
        WebhookRow::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/src/bindings.rs. Do not edit by hand.\n\n",
    );
    for declaration in declarations {
        out.push_str("export ");
        out.push_str(&declaration);
        out.push_str("\n\n");
    }
    out.push_str("/** Every command: its arguments and what it returns on success. */\n");
    out.push_str("export type Commands = {\n");
    for (name, args, returns) in command_table(&cfg) {
        out.push_str(&format!(
            "  {name}: {{ args: {args}; returns: {returns} }};\n"
        ));
    }
    out.push_str("};\n");
    out
}

#[test]
fn typescript_bindings_match_the_committed_file() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    let rendered = render();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &rendered).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == rendered,
        "ui/src/bindings.ts is out of date with the Rust types; run \
         `UPDATE_BINDINGS=1 cargo test -p wispkey bindings` and commit the result"
    );
}
