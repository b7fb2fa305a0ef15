//! TypeScript bindings for everything that crosses IPC, generated from the Rust side: the types
//! by ts-rs, the commands from their signatures in `src/commands/` (`command_list`).
//!
//! The test below renders them and compares with the committed `ui/src/bindings.ts`, so CI fails
//! when Rust and TypeScript drift apart (a renamed argument included); the front end's
//! typecheck then fails at every call site that still uses the old shape. Regenerate with:
//! `UPDATE_BINDINGS=1 cargo test -p wispkey-desktop bindings`.

use std::collections::BTreeSet;
use std::path::Path;

use ts_rs::{Config, TS};
use wispkey_app::receiver::ReceiverTestResult;
use wispkey_app::settings::CustomSetting;
use wispkey_app::staged::{StagedFinish, StagedStatus};
use wispkey_app::tools::{OverdueSummary, ReceiverTestPlan};
use wispkey_app::views::{
    ClipboardCopy, DeleteOutcome, IpcError, IssuedExtra, IssuedSecret, KeychainStatus, SecretRow,
    SignInInput, StartUpList,
};
use wispkey_core::history::{
    BrokenLink, ChainCheck, HistoryEntry, HistoryFilter, HistoryOperation, HistoryOutcome,
};
use wispkey_core::journal::InFlight;
use wispkey_core::preferences::Preferences;
use wispkey_core::provider::{
    CredentialFields, Dependent, Fact, NameReasons, NameRule, ProviderDescriptor, ProviderWords,
    SecondFactor, SecretIdentity, SignInMethod, SignOutOutcome, Webhook,
};
use wispkey_core::signature::{
    SchemeChoice, SignatureFailure, SignatureHint, SignatureReport, SignatureScheme,
};
use wispkey_core::staged::{
    ReceiverCheck, ReceiverOutcome, StagedRotation, StagedStep, StagedWebhook,
};
use wispkey_core::{AccountRef, AccountView, ErrorCode, Operation};

use crate::command_list::{self, Command, camel_case};
use crate::commands::account::SignInFinished;
use crate::commands::clipboard::ClipboardCleared;

fn declarations(cfg: &Config) -> Vec<(String, String)> {
    macro_rules! decls {
        ($($ty:ty),* $(,)?) => { vec![$((<$ty>::name(cfg), <$ty>::decl(cfg))),*] };
    }
    decls![
        ErrorCode,
        IpcError,
        Operation,
        AccountRef,
        AccountView,
        CredentialFields,
        SignInMethod,
        SecretIdentity,
        SecondFactor,
        NameReasons,
        NameRule,
        ProviderWords,
        ProviderDescriptor,
        KeychainStatus,
        SignInInput,
        SignOutOutcome,
        Fact,
        SecretRow,
        StartUpList,
        SignInFinished,
        IssuedExtra,
        IssuedSecret,
        ClipboardCopy,
        ClipboardCleared,
        Preferences,
        DeleteOutcome,
        Dependent,
        InFlight,
        Webhook,
        StagedStep,
        ReceiverOutcome,
        ReceiverCheck,
        StagedWebhook,
        StagedRotation,
        StagedStatus,
        StagedFinish,
        SignatureScheme,
        SchemeChoice,
        SignatureFailure,
        SignatureHint,
        SignatureReport,
        ReceiverTestPlan,
        ReceiverTestResult,
        HistoryOperation,
        HistoryOutcome,
        HistoryEntry,
        HistoryFilter,
        BrokenLink,
        ChainCheck,
        OverdueSummary,
        CustomSetting,
    ]
}

/// The TypeScript for a Rust argument or return type. Types of our own must be declared above.
fn ts_type(ty: &syn::Type, declared: &BTreeSet<String>) -> String {
    let syn::Type::Path(path) = ty else {
        panic!("command type {} has no TypeScript form", quote::quote!(#ty));
    };
    let Some(segment) = path.path.segments.last() else {
        panic!("empty type path");
    };
    let inner = || match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first() {
            Some(syn::GenericArgument::Type(inner)) => ts_type(inner, declared),
            _ => panic!("{} needs a type argument", segment.ident),
        },
        _ => panic!("{} needs a type argument", segment.ident),
    };
    match segment.ident.to_string().as_str() {
        "String" | "str" => "string".into(),
        "bool" => "boolean".into(),
        "u8" | "u16" | "u32" | "u64" | "i32" | "i64" | "f64" => "number".into(),
        "Option" => format!("{} | null", inner()),
        "Vec" => format!("Array<{}>", inner()),
        own if declared.contains(own) => own.to_owned(),
        other => panic!("command type {other} is not declared in bindings.rs"),
    }
}

fn command_entry(command: &Command, declared: &BTreeSet<String>) -> String {
    let args = if command.args.is_empty() {
        "Record<string, never>".to_owned()
    } else {
        let fields: Vec<String> = command
            .args
            .iter()
            .map(|(name, ty)| format!("{}: {}", camel_case(name), ts_type(ty, declared)))
            .collect();
        format!("{{ {} }}", fields.join("; "))
    };
    let returns = command
        .returns
        .as_ref()
        .map_or_else(|| "null".to_owned(), |ty| ts_type(ty, declared));
    format!(
        "  {}: {{ args: {args}; returns: {returns} }};\n",
        command.name
    )
}

fn commands() -> Vec<Command> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    command_list::read(&dir).unwrap()
}

fn render() -> String {
    let cfg = Config::new();
    let declarations = declarations(&cfg);
    let declared: BTreeSet<String> = declarations.iter().map(|(name, _)| name.clone()).collect();
    let mut out = String::from(
        "// Generated from the Rust types and command signatures by src-tauri/src/bindings.rs.\n\
         // Do not edit by hand.\n\n",
    );
    for (_, declaration) in &declarations {
        out.push_str("export ");
        out.push_str(declaration);
        out.push_str("\n\n");
    }
    out.push_str("/** Every command: its arguments and what it returns on success. */\n");
    out.push_str("export type Commands = {\n");
    let mut commands = commands();
    commands.sort_by(|a, b| a.name.cmp(&b.name));
    for command in &commands {
        out.push_str(&command_entry(command, &declared));
    }
    out.push_str("};\n");
    out
}

#[test]
fn typescript_bindings_match_the_committed_file() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    let rendered = render();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &rendered).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == rendered,
        "ui/src/bindings.ts is out of date with the Rust types or command signatures; run \
         `UPDATE_BINDINGS=1 cargo test -p wispkey-desktop bindings` and commit the result"
    );
}

#[test]
fn a_renamed_argument_changes_the_generated_binding() {
    let declared: BTreeSet<String> = declarations(&Config::new())
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let rotate = commands()
        .into_iter()
        .find(|command| command.name == "rotate_secret")
        .unwrap();
    let entry = command_entry(&rotate, &declared);
    assert_eq!(
        entry,
        "  rotate_secret: { args: { account: AccountRef; secretId: string; confirmName: string; \
         secondFactor: string | null }; returns: IssuedSecret };\n"
    );
    let mut renamed = rotate.clone();
    renamed.args[1].0 = "id".into();
    assert_ne!(command_entry(&renamed, &declared), entry);
}

#[test]
fn the_window_may_call_every_command_and_nothing_else() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities/main.json");
    let capability: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let granted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|permission| permission.as_str()?.strip_prefix("allow-"))
        .map(|name| name.replace('-', "_"))
        .collect();
    let commands: BTreeSet<String> = commands().into_iter().map(|c| c.name).collect();
    assert_eq!(granted, commands, "capabilities/main.json vs src/commands");
}

/// The reminder's desktop notification is sent from Rust (src/reminder_notification.rs): the
/// window itself may not send notifications, or anything else of the plugin's.
#[test]
fn the_window_may_not_send_notifications() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities/main.json");
    let capability: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let plugin_permissions: Vec<&str> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|permission| permission.as_str())
        .filter(|permission| permission.starts_with("notification:"))
        .collect();
    assert!(plugin_permissions.is_empty(), "{plugin_permissions:?}");
}
