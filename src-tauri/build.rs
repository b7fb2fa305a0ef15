//! Permissions and the invoke handler come from the commands themselves: every
//! `#[tauri::command]` in `src/commands/` (read by `src/command_list.rs`, which the bindings
//! test uses too), so no second list can drift from them.

#[allow(dead_code)]
#[path = "src/command_list.rs"]
mod command_list;

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let commands_dir = Path::new("src/commands");
    println!("cargo:rerun-if-changed=src/commands");
    println!("cargo:rerun-if-changed=src/command_list.rs");
    let commands = command_list::read(commands_dir)?;

    // `tauri::generate_handler![…]` over every command, included by `lib.rs`.
    let paths: Vec<String> = commands
        .iter()
        .map(|command| format!("crate::commands::{}::{}", command.module, command.name))
        .collect();
    let handler = format!("tauri::generate_handler![{}]", paths.join(", "));
    let out_dir = std::env::var("OUT_DIR")?;
    std::fs::write(Path::new(&out_dir).join("invoke_handler.rs"), handler)?;

    // Only these commands get permissions; anything else is refused at the IPC layer.
    // `AppManifest` keeps `&'static str`s; the build script ends right after, so leaking the
    // few names is free.
    let names: &'static [&'static str] = Vec::leak(
        commands
            .into_iter()
            .map(|command| &*String::leak(command.name))
            .collect(),
    );
    let manifest = tauri_build::AppManifest::new().commands(names);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))?;
    Ok(())
}
